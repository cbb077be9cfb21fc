import Foundation

/// A parsed cron schedule.
///
/// ## Dialect
/// Five fields `minute hour day-of-month month day-of-week` and an optional sixth `year`
/// field (1970-2199). Every field accepts `*`, lists (`1,5`), ranges (`1-5`) and steps
/// (`*/5`, `10-40/7`, `5/15` = from 5 to the field maximum every 15). Months accept
/// `JAN`-`DEC`, days of week `SUN`-`SAT` (case-insensitive, also in ranges); day-of-week runs
/// 0-7 where 0 and 7 are Sunday. Day-of-month and day-of-week accept `?` as `*`.
/// Day-of-month also accepts `L` (last day), `L-n` (n days before the last), `LW` (last
/// weekday) and `nW` (the weekday nearest to day n, never crossing into another month; no
/// fire in months without day n). Day-of-week also accepts `wL` (last weekday w of the month)
/// and `w#n` (the n-th weekday w, n 1-5).
///
/// Macros: `@yearly`/`@annually` (`0 0 1 1 *`), `@monthly` (`0 0 1 * *`), `@weekly`
/// (`0 0 * * 0`), `@daily`/`@midnight` (`0 0 * * *`), `@hourly` (`0 * * * *`), and
/// `@every <duration>` with whole-second durations such as `90s`, `5m`, `1h30m`, `1d`, which
/// fires at the Unix epoch plus whole multiples of the period, independent of time zones.
///
/// ## Day-of-month and day-of-week
/// As in Unix (Vixie) cron: when BOTH fields are restricted, a day matches when EITHER field
/// matches (`0 9 1-7 * 1` fires on days 1-7 and on every Monday). When only one is restricted,
/// only that one applies. A field counts as unrestricted only when written as `*`, `?` or
/// `*/1`; anything else (even `1-31`) is restricted. **This differs from Metronome**, whose
/// cron-utils dialect ANDs the two fields (`0 9 1-7 * 1` = first Monday of the month there).
///
/// ## Daylight-saving time
/// Times are matched against wall-clock time in the given zone, as Debian's cron does:
/// * When the hour field is restricted (does not match all 24 hours), a matching local time
///   inside a spring-forward gap fires at the first instant after the gap, and a local time
///   that occurs twice in a fall-back fires once, at its first occurrence.
/// * When the hour field matches every hour, the schedule follows real time: it fires at
///   every matching local time that exists — in both copies of a repeated hour — and skips
///   local times that do not exist.
///
/// Expressions that can never fire (such as `0 0 30 2 *`) are rejected by `parse`.
/// A year field entirely in the past parses, but `nextFire` returns nil.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    enum Schedule: Sendable, Hashable {
        case fields(CronFieldSet)
        case every(seconds: Int)
    }

    let schedule: Schedule

    /// Canonical text: `*/1 * * * *` becomes `* * * * *`, `?` becomes `*`, names are
    /// upper-cased, leading zeros and a `*` year field are dropped. Macros keep their macro
    /// text in lower case (`@daily`, `@every 90s`).
    public let normalized: String

    public var description: String { normalized }

    private init(schedule: Schedule, normalized: String) {
        self.schedule = schedule
        self.normalized = normalized
    }

    // MARK: - Parsing

    public static func parse(_ text: String) throws(CronParseError) -> CronExpression {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw CronParseError(message: "empty cron expression (expected 5 or 6 fields or a macro such as @daily)")
        }
        if trimmed.hasPrefix("@") { return try parseMacro(trimmed) }
        let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard parts.count == 5 || parts.count == 6 else {
            throw CronParseError(message: "expected 5 or 6 fields, got \(parts.count)")
        }
        let (set, normalized) = try CronParser.parseFields(parts)
        return CronExpression(schedule: .fields(set), normalized: normalized)
    }

    private static func parseMacro(_ text: String) throws(CronParseError) -> CronExpression {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let name = parts[0].lowercased()
        let equivalent: String
        switch name {
        case "@yearly", "@annually": equivalent = "0 0 1 1 *"
        case "@monthly": equivalent = "0 0 1 * *"
        case "@weekly": equivalent = "0 0 * * 0"
        case "@daily", "@midnight": equivalent = "0 0 * * *"
        case "@hourly": equivalent = "0 * * * *"
        case "@every":
            guard parts.count <= 2 else {
                throw CronParseError(message: "@every takes one duration, got \(parts.count - 1) words")
            }
            let duration = parts.count == 2 ? parts[1].lowercased() : ""
            let seconds = try CronParser.parseDuration(duration)
            return CronExpression(schedule: .every(seconds: seconds), normalized: "@every \(duration)")
        default:
            throw CronParseError(message: "unknown macro '\(parts[0])' (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>)")
        }
        guard parts.count == 1 else {
            throw CronParseError(message: "macro '\(name)' takes no arguments")
        }
        let fields = equivalent.split(separator: " ")
        let (set, _) = try CronParser.parseFields(fields)
        return CronExpression(schedule: .fields(set), normalized: name)
    }

    // MARK: - Evaluation

    /// Instants outside years 1…9999 are not evaluated (nextFire returns nil).
    private static let earliestSecond = -62_135_596_800  // 0001-01-01T00:00:00Z
    private static let latestSecond = 253_402_300_799     // 9999-12-31T23:59:59Z

    /// The first fire instant strictly after `instant`, evaluated in `zone`.
    /// nil if there is none (for example a year field entirely in the past).
    public func nextFire(after instant: Date, in zone: TimeZone) -> Date? {
        let ts = instant.timeIntervalSince1970
        guard ts.isFinite, ts >= Double(Self.earliestSecond), ts < Double(Self.latestSecond) else { return nil }
        let t0 = Int(ts.rounded(.down))  // instants u are whole seconds: u > ts  <=>  u > t0
        let result: Int?
        switch schedule {
        case .every(let period):
            result = (CivilCalendar.floorDiv(t0, period) + 1) * period
        case .fields(let set):
            result = Self.nextFire(set, after: t0, in: zone)
        }
        guard let result, result <= Self.latestSecond else { return nil }
        return Date(timeIntervalSince1970: Double(result))
    }

    /// The next `count` fire instants strictly after `instant`.
    public func upcoming(after instant: Date, in zone: TimeZone, count: Int) -> [Date] {
        var out: [Date] = []
        guard count > 0 else { return out }
        out.reserveCapacity(count)
        var t = instant
        while out.count < count, let next = nextFire(after: t, in: zone) {
            out.append(next)
            t = next
        }
        return out
    }

    /// Walks the zone's constant-offset segments from `t0`, searching civil (wall-clock) time
    /// in each. Civil seconds `c` map to the instant `c - offset` inside a segment.
    ///
    /// Fixed-hour expressions fire each matching civil time once, at the first instant whose
    /// wall clock has reached it: matches in a gap fire at the transition, and civil times at or
    /// below the highest wall-clock reading seen so far (the repeated copy after a fall-back)
    /// are skipped. Every-hour expressions fire at each instant whose wall clock matches.
    static func nextFire(_ set: CronFieldSet, after t0: Int, in timeZone: TimeZone) -> Int? {
        let zone = ZoneTransitions.of(timeZone)
        func offset(_ zone: ZoneTransitions, _ second: Int) -> Int { zone.offset(at: second) }
        func transition(_ zone: ZoneTransitions, after second: Int) -> Int? { zone.transition(after: second) }
        let fixedHour = !set.matchesEveryHour
        var o = offset(zone, t0)
        // Lowest civil time that may still fire.
        var lo = t0 + o + 1
        var nextTransition: Int?
        if fixedHour {
            // The wall clock may have shown later times shortly before t0 (we may be in the
            // second copy of a repeated hour). Offsets span at most 26 hours, so only
            // transitions in (t0 - 26h, t0] matter. One transition query usually serves both
            // this look-back and finding the transition after t0.
            var probe = t0 - 26 * 3600
            while true {
                nextTransition = transition(zone, after: probe)
                guard let p = nextTransition, p <= t0 else { break }
                lo = max(lo, p + offset(zone, p - 1))  // the wall clock just before p
                probe = p
            }
        } else {
            nextTransition = transition(zone, after: t0)
        }

        guard var c = set.nextCivilMatch(atOrAfter: lo) else { return nil }
        var cLo = lo  // c == nextCivilMatch(cLo)
        while true {
            guard let t = nextTransition else { return c - o }
            if c < t + o { return c - o }  // inside the current segment
            let o2 = offset(zone, t)
            if fixedHour && o2 > o && c < t + o2 { return t }  // in the spring-forward gap
            // Civil range still to search from the new segment on.
            let newLo = fixedHour ? max(cLo, t + o, t + o2) : t + o2
            if newLo < cLo || newLo > c {
                guard let m = set.nextCivilMatch(atOrAfter: newLo) else { return nil }
                c = m
            }
            cLo = newLo
            o = o2
            nextTransition = transition(zone, after: t)
        }
    }
}
