import Foundation

/// A Chronos schedule: an ISO 8601 repeating interval `Rn/start/period` (reference/chronos.md
/// §4). Slot k is `start + period × k`, computed in one step from the start (so Jan 31 plus
/// P1M × 2 is Mar 31), for k below the repetition count.
public struct ISO8601Schedule: Sendable, Hashable, CustomStringConvertible {
    /// -1 means forever (`R/…`), as Chronos writes it.
    public var repetitions: Int
    public var start: Instant
    /// The zone calendar fields of the period are added in: `scheduleTimeZone` when given,
    /// else the start's own offset (fixed), else UTC.
    public var zone: TimeZone
    public var period: ISO8601Period

    public init(repetitions: Int, start: Instant, zone: TimeZone, period: ISO8601Period) {
        self.repetitions = repetitions
        self.start = start
        self.zone = zone
        self.period = period
    }

    public var isInfinite: Bool { repetitions < 0 }

    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var expression: String
        public var description: String { "Cannot parse schedule '\(expression)'" }
    }

    /// Parses `R[n]/[start]/P…`. An empty start means `now − 1 s`, so the first slot is due
    /// at once (Chronos). A non-empty `scheduleTimeZone` keeps the start's wall-clock fields
    /// and replaces its offset.
    public static func parse(_ text: String, scheduleTimeZone: String = "", now: Instant = .now()) throws(ParseError) -> ISO8601Schedule {
        let error = ParseError(expression: text)
        guard text.hasPrefix("R"), let firstSlash = text.firstIndex(of: "/") else { throw error }
        let countText = text[text.index(after: text.startIndex)..<firstSlash]
        guard countText.utf8.allSatisfy({ (48...57).contains($0) }) else { throw error }
        var repetitions = -1
        if !countText.isEmpty {
            guard countText.count <= 18, let n = Int(countText) else { throw error }
            repetitions = n
        }
        let rest = text[text.index(after: firstSlash)...]
        guard let periodSlash = rest.range(of: "/P", options: .backwards) else { throw error }
        let startText = String(rest[..<periodSlash.lowerBound])
        guard let period = ISO8601Period.parse(String(rest[rest.index(after: periodSlash.lowerBound)...])) else { throw error }
        let named: TimeZone? = scheduleTimeZone.isEmpty ? nil : ChronosZone.resolve(scheduleTimeZone)
        if startText.isEmpty {
            return ISO8601Schedule(repetitions: repetitions, start: now.adding(milliseconds: -1000), zone: named ?? TimeZone(identifier: "UTC")!, period: period)
        }
        guard let local = ISO8601LocalDateTime.parse(startText) else { throw error }
        let zone: TimeZone
        if let named {
            zone = named
        } else if let offset = local.offsetSeconds {
            zone = offset == 0 ? TimeZone(identifier: "UTC")! : (TimeZone(secondsFromGMT: offset) ?? TimeZone(identifier: "UTC")!)
        } else {
            zone = TimeZone(identifier: "UTC")!
        }
        let startMs = ZonedWallClock.instant(civilMilliseconds: local.civilMilliseconds, in: zone)
        return ISO8601Schedule(repetitions: repetitions, start: Instant(millisecondsSinceEpoch: startMs), zone: zone, period: period)
    }

    // MARK: Slots

    /// `start + period × k`: calendar fields on the wall clock (clamping the day to the
    /// month's end), then the time fields as elapsed time.
    public func slot(_ k: Int64) -> Instant {
        if period.isZero || k == 0 { return start }
        let civil = ZonedWallClock.civil(instantMilliseconds: start.millisecondsSinceEpoch, in: zone)
        var instantMs = start.millisecondsSinceEpoch
        if period.hasMonths || period.weeks != 0 || period.days != 0 {
            let dayIndex = CivilCalendar.floorDiv64(civil, 86_400_000)
            let msOfDay = civil - dayIndex * 86_400_000
            var (year, month, day) = CivilCalendar.date(days: Int(dayIndex))
            if period.hasMonths {
                let totalMonths = Int64(year) * 12 + Int64(month - 1) + (Int64(period.years) * 12 + Int64(period.months)) * k
                year = Int(CivilCalendar.floorDiv64(totalMonths, 12))
                month = Int(totalMonths - Int64(year) * 12) + 1
                day = min(day, CivilCalendar.daysInMonth(year: year, month: month))
            }
            let days = Int64(CivilCalendar.days(year: year, month: month, day: day)) + (Int64(period.weeks) * 7 + Int64(period.days)) * k
            instantMs = ZonedWallClock.instant(civilMilliseconds: days * 86_400_000 + msOfDay, in: zone)
        }
        return Instant(millisecondsSinceEpoch: instantMs + period.timeMilliseconds * k)
    }

    /// How many slots exist (nil when infinite); a zero period has a single slot.
    var slotCount: Int64? {
        if period.isZero { return repetitions == 0 ? 0 : 1 }
        return isInfinite ? nil : Int64(repetitions)
    }

    /// The first k with `slot(k) > instant`, ignoring the repetition count.
    func firstIndex(after instant: Instant) -> Int64 {
        if period.isZero { return start > instant ? 0 : 1 }
        let span = instant.millisecondsSinceEpoch - start.millisecondsSinceEpoch
        var k = max(0, span / max(1, period.approximateMilliseconds))
        while k > 0, slot(k) > instant { k -= 1 }
        while slot(k) <= instant { k += 1 }
        return k
    }

    /// The first slot strictly after `instant`, or nil when the repetitions are used up.
    public func next(after instant: Instant) -> Instant? {
        let k = firstIndex(after: instant)
        if let count = slotCount, k >= count { return nil }
        return slot(k)
    }

    /// The last slot at or before `instant`, if any.
    public func latest(atOrBefore instant: Instant) -> Instant? {
        let k = firstIndex(after: instant) - 1
        guard k >= 0 else { return nil }
        if let count = slotCount, k >= count { return count > 0 ? slot(count - 1) : nil }
        return slot(k)
    }

    /// The slots from `first` (a slot) through `instant`, by index rather than one by one: a
    /// one-second interval after a month of downtime is 2.6 million slots. Returns how many
    /// there are, the last `keep` of them (oldest first) and the slot after `instant`.
    public func slots(from first: Instant, through instant: Instant, keep: Int) -> (count: Int64, kept: [Instant], next: Instant?) {
        let firstK = firstIndex(after: first.adding(milliseconds: -1))
        var endK = firstIndex(after: instant)  // one past the last slot at or before `instant`
        if let total = slotCount { endK = min(endK, total) }
        let count = max(0, endK - firstK)
        let keptFrom = max(firstK, endK - Int64(keep))
        let kept = keptFrom < endK ? (keptFrom..<endK).map { slot($0) } : []
        let following = firstIndex(after: instant)
        let next: Instant? = slotCount.map { following >= $0 } == true ? nil : slot(following)
        return (count, kept, next)
    }

    /// Slots left after `instant` (nil when infinite).
    public func remaining(after instant: Instant) -> Int64? {
        guard let count = slotCount else { return nil }
        return max(0, count - firstIndex(after: instant))
    }

    // MARK: Chronos' own rewrites

    /// One step (2.x `tail`, 3.x `getSchedule`): infinite stays infinite, `Rn` becomes
    /// `R(n−1)` and the start moves by one period; nil for `R0`.
    public func tail() -> ISO8601Schedule? {
        guard repetitions != 0 else { return nil }
        var next = self
        next.start = slot(1)
        if !isInfinite { next.repetitions -= 1 }
        return next
    }

    /// Chronos 3.x `skipForward`, applied when a task launches: kept for conformance with
    /// its vectors (month periods use Chronos' approximate arithmetic). The engine itself
    /// fires at exact slots.
    public func skipForward(now: Instant) -> (skips: Int64, schedule: ISO8601Schedule) {
        var skips: Int64 = 0
        if start < now, !period.isZero {
            let elapsedSeconds = (now.millisecondsSinceEpoch - start.millisecondsSinceEpoch) / 1000
            let periodSeconds: Int64
            if let standard = period.standardMilliseconds {
                periodSeconds = standard / 1000
            } else {
                let measured = ISO8601Schedule(repetitions: -1, start: now, zone: zone, period: period)
                periodSeconds = (measured.slot(1).millisecondsSinceEpoch - now.millisecondsSinceEpoch) / 1000
            }
            skips = elapsedSeconds / max(1, periodSeconds) + 1
        }
        var result = self
        result.start = slot(skips)
        // Finite counts drop by one whatever the skip; R0 drops to -1, i.e. forever (a quirk).
        result.repetitions = isInfinite ? -1 : repetitions - 1
        return (skips, result)
    }

    /// `R[n]/yyyy-MM-ddTHH:mm:ss.SSS(Z|±HH:MM)/period`, the start in the schedule's zone.
    public var description: String {
        let count = isInfinite ? "R" : "R\(repetitions)"
        return "\(count)/\(Self.format(start, in: zone))/\(period)"
    }

    public static func format(_ instant: Instant, in zone: TimeZone) -> String {
        let offset = ZonedWallClock.offsetSeconds(zone, atSecond: CivilCalendar.floorDiv64(instant.millisecondsSinceEpoch, 1000))
        let c = CivilTime(millisecondsSinceEpoch: instant.millisecondsSinceEpoch + offset * 1000)
        let pad = zeroPadded
        var text = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(c.millisecond, 3))"
        if offset == 0 {
            text += "Z"
        } else {
            let magnitude = Int(abs(offset))
            text += (offset < 0 ? "-" : "+") + "\(pad(magnitude / 3600, 2)):\(pad(magnitude % 3600 / 60, 2))"
        }
        return text
    }
}
