import Foundation
import Testing
import SundialCore

/// Randomised checks of `nextFire` against slow, independent reference matchers that walk time
/// minute by minute and take calendar facts (day of week, month length, local wall-clock time)
/// from Foundation's `Calendar` rather than from the code under test.
@Suite("Cron properties")
struct CronPropertyTests {
    /// `CRON_PROPERTY_SCALE=20 swift test` runs 20 times as many random cases (with other seeds).
    static let scale = max(1, Int(ProcessInfo.processInfo.environment["CRON_PROPERTY_SCALE"] ?? "") ?? 1)
    // MARK: Deterministic random numbers

    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    // MARK: Random expressions with a known meaning

    /// What a generated expression means, kept independently of the parser.
    struct Spec: CustomStringConvertible {
        var text = ""
        var minutes = Set<Int>()
        var hours = Set<Int>()
        var months = Set<Int>()
        var days = Set<Int>()
        var lastOffsets = Set<Int>()
        var lastWeekday = false
        var nearest = Set<Int>()
        var domRestricted = false
        var weekdays = Set<Int>()       // 0 = Sunday
        var lastWeekdays = Set<Int>()
        var nth = Set<[Int]>()          // [weekday, k]
        var dowRestricted = false
        var description: String { text }

        var everyHour: Bool { hours.count == 24 }

        func dayMatches(day d: Int, weekday wd: Int, daysInMonth dim: Int, isWeekday: (Int) -> Bool) -> Bool {
            var domMatch = days.contains(d) || lastOffsets.contains(dim - d)
            if lastWeekday {
                var last = dim
                while !isWeekday(last) { last -= 1 }
                domMatch = domMatch || last == d
            }
            for n in nearest where n <= dim {
                // Nearest weekday to n inside the month: try n, n-1, n+1, n-2, n+2.
                for candidate in [n, n - 1, n + 1, n - 2, n + 2] where candidate >= 1 && candidate <= dim {
                    if isWeekday(candidate) { domMatch = domMatch || candidate == d; break }
                }
            }
            let dowMatch = weekdays.contains(wd) || (lastWeekdays.contains(wd) && d + 7 > dim)
                || nth.contains([wd, (d - 1) / 7 + 1])
            switch (domRestricted, dowRestricted) {
            case (true, true): return domMatch || dowMatch
            case (true, false): return domMatch
            case (false, true): return dowMatch
            case (false, false): return true
            }
        }
    }

    static let monthNames = ["", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]  // no name for 7

    /// A random field over lo...hi. `wildHi` is what `*` covers. Returns text and values.
    static func numericField(
        _ rng: inout SplitMix64, lo: Int, hi: Int, wildHi: Int, names: [String]? = nil, allowStar: Bool = true
    ) -> (String, Set<Int>) {
        func name(_ v: Int) -> String {
            if let names, v < names.count, Bool.random(using: &rng) {
                let n = names[v]
                return Bool.random(using: &rng) ? n : n.lowercased()
            }
            return String(v)
        }
        func element() -> (String, Set<Int>) {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0:
                let v = Int.random(in: lo...hi, using: &rng)
                return (name(v), [v])
            case 1:
                let a = Int.random(in: lo...hi, using: &rng)
                let b = Int.random(in: a...min(hi, a + (hi - lo) / 2), using: &rng)
                return ("\(name(a))-\(name(b))", Set(a...b))
            case 2:
                let s = Int.random(in: 2...max(2, (wildHi - lo + 1) / 2), using: &rng)
                return ("*/\(s)", Set(stride(from: lo, through: wildHi, by: s)))
            case 3:
                let a = Int.random(in: lo...hi, using: &rng)
                let b = Int.random(in: a...hi, using: &rng)
                let s = Int.random(in: 1...max(1, (hi - lo) / 3), using: &rng)
                return ("\(name(a))-\(name(b))/\(s)", Set(stride(from: a, through: b, by: s)))
            case 4:
                let a = Int.random(in: lo...wildHi, using: &rng)
                let s = Int.random(in: 1...max(1, (wildHi - lo) / 2), using: &rng)
                return ("\(name(a))/\(s)", Set(stride(from: a, through: wildHi, by: s)))
            default:
                let v = Int.random(in: lo...hi, using: &rng)
                return (String(v), [v])
            }
        }
        if allowStar && Int.random(in: 0..<3, using: &rng) == 0 { return ("*", Set(lo...wildHi)) }
        var texts: [String] = []
        var values = Set<Int>()
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let (t, v) = element()
            texts.append(t)
            values.formUnion(v)
        }
        return (texts.joined(separator: ","), values)
    }

    static func randomSpec(_ rng: inout SplitMix64, frequent: Bool) -> Spec {
        var spec = Spec()
        let (minuteText, minutes) = numericField(&rng, lo: 0, hi: 59, wildHi: 59)
        spec.minutes = minutes
        var hourText = "*"
        spec.hours = Set(0...23)
        if !frequent || Bool.random(using: &rng) {
            (hourText, spec.hours) = numericField(&rng, lo: 0, hi: 23, wildHi: 23)
        }
        var domText = Bool.random(using: &rng) ? "*" : "?"
        if !frequent ? Int.random(in: 0..<3, using: &rng) != 0 : Int.random(in: 0..<4, using: &rng) == 0 {
            spec.domRestricted = true
            var parts: [String] = []
            for _ in 0..<Int.random(in: 1...2, using: &rng) {
                switch Int.random(in: 0..<6, using: &rng) {
                case 0:
                    parts.append("L"); spec.lastOffsets.insert(0)
                case 1:
                    let k = Int.random(in: 1...10, using: &rng)
                    parts.append("L-\(k)"); spec.lastOffsets.insert(k)
                case 2:
                    parts.append("LW"); spec.lastWeekday = true
                case 3:
                    let n = Int.random(in: 1...31, using: &rng)
                    parts.append("\(n)W"); spec.nearest.insert(n)
                default:
                    let (t, v) = numericField(&rng, lo: 1, hi: 28, wildHi: 31, allowStar: false)
                    parts.append(t); spec.days.formUnion(v)
                }
            }
            domText = parts.joined(separator: ",")
        }
        var monthText = "*"
        spec.months = Set(1...12)
        if !frequent && Bool.random(using: &rng) {
            (monthText, spec.months) = numericField(&rng, lo: 1, hi: 12, wildHi: 12, names: monthNames)
        }
        var dowText = Bool.random(using: &rng) ? "*" : "?"
        if Int.random(in: 0..<3, using: &rng) == 0 {
            spec.dowRestricted = true
            var parts: [String] = []
            for _ in 0..<Int.random(in: 1...2, using: &rng) {
                switch Int.random(in: 0..<5, using: &rng) {
                case 0:
                    let w = Int.random(in: 0...7, using: &rng)
                    parts.append("\(Bool.random(using: &rng) ? String(w) : dayNames[w % 7])L")
                    spec.lastWeekdays.insert(w % 7)
                case 1:
                    let w = Int.random(in: 0...7, using: &rng)
                    let k = Int.random(in: 1...5, using: &rng)
                    parts.append("\(Bool.random(using: &rng) ? String(w) : dayNames[w % 7])#\(k)")
                    spec.nth.insert([w % 7, k])
                default:
                    let (t, v) = numericField(&rng, lo: 0, hi: 7, wildHi: 6, names: dayNames, allowStar: false)
                    parts.append(t); spec.weekdays.formUnion(v.map { $0 % 7 })
                }
            }
            dowText = parts.joined(separator: ",")
        }
        spec.text = [minuteText, hourText, domText, monthText, dowText].joined(separator: " ")
        return spec
    }

    // MARK: Reference calendar facts

    static func calendar(_ zone: TimeZone) -> Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = zone
        return c
    }

    struct DayFacts { let matches: Bool }

    /// Whether the civil day (year, month, day) matches the spec's month and day fields,
    /// from Foundation's calendar.
    static func dayMatches(_ spec: Spec, year: Int, month: Int, day: Int, utcCalendar cal: Calendar) -> Bool {
        guard spec.months.contains(month) else { return false }
        let first = cal.date(from: DateComponents(year: year, month: month, day: 1))!
        let dim = cal.range(of: .day, in: .month, for: first)!.count
        func weekday(_ d: Int) -> Int {
            cal.component(.weekday, from: cal.date(from: DateComponents(year: year, month: month, day: d))!) - 1
        }
        return spec.dayMatches(day: day, weekday: weekday(day), daysInMonth: dim,
                               isWeekday: { let w = weekday($0); return w != 0 && w != 6 })
    }

    // MARK: UTC brute force

    @Test func nextFireAgreesWithMinuteByMinuteReferenceInUTC() throws {
        var rng = SplitMix64(state: 0x5EED_CAFE &+ UInt64(Self.scale))
        let utc = TimeZone(identifier: "UTC")!
        let cal = Self.calendar(utc)
        var checked = 0
        var attempts = 0
        while checked < 300 * Self.scale && attempts < 2000 * Self.scale {
            attempts += 1
            let spec = Self.randomSpec(&rng, frequent: false)
            guard let expression = try? CronExpression.parse(spec.text) else { continue }
            // Random instant 1990-2090, not minute aligned half of the time.
            var ts = Double(Int.random(in: 631_152_000...3_786_825_600, using: &rng))
            if Bool.random(using: &rng) { ts += Double(Int.random(in: 1...59_999, using: &rng)) / 1000 }
            let t = Date(timeIntervalSince1970: ts)
            let next = try #require(expression.nextFire(after: t, in: utc), "\(spec.text) after \(t)")
            #expect(next > t, "\(spec.text) after \(t)")
            let limit = min(next.timeIntervalSince1970, ts + 12 * 366 * 86_400)
            // Walk every minute strictly between t and next (checking each whole day first).
            var found: Double? = nil
            var minute = (ts / 60).rounded(.down) * 60 + 60
            walk: while minute <= limit {
                let dayStart = (minute / 86_400).rounded(.down) * 86_400
                let c = cal.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: dayStart))
                if Self.dayMatches(spec, year: c.year!, month: c.month!, day: c.day!, utcCalendar: cal) {
                    while minute < dayStart + 86_400 && minute <= limit {
                        let minuteOfDay = Int(minute - dayStart) / 60
                        if spec.hours.contains(minuteOfDay / 60) && spec.minutes.contains(minuteOfDay % 60) {
                            found = minute
                            break walk
                        }
                        minute += 60
                    }
                } else {
                    minute = dayStart + 86_400
                }
            }
            #expect(found == next.timeIntervalSince1970,
                    "\(spec.text) after \(t.formatted(.iso8601)): nextFire \(next.formatted(.iso8601)), reference \(found.map { Date(timeIntervalSince1970: $0).formatted(.iso8601) } ?? "none within 12 years")")
            checked += 1
        }
        #expect(checked == 300 * Self.scale)
    }

    // MARK: DST zones, real-time brute force

    /// The wall-clock minute of `instant` in `zone` as minutes since local 1970-01-01 (via Calendar).
    static func localMinute(_ instant: Double, zoneCalendar: Calendar, utcCalendar: Calendar) -> Int {
        let c = zoneCalendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: instant))
        let asUTC = utcCalendar.date(from: c)!
        return Int((asUTC.timeIntervalSince1970 / 60).rounded(.down))
    }

    static func civilMatches(_ spec: Spec, localMinute: Int, utcCalendar cal: Calendar) -> Bool {
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(localMinute) * 60))
        return spec.hours.contains(c.hour!) && spec.minutes.contains(c.minute!)
            && dayMatches(spec, year: c.year!, month: c.month!, day: c.day!, utcCalendar: cal)
    }

    @Test(arguments: [
        ("America/New_York", ["2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z"]),
        ("Europe/London", ["2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"]),
        ("Australia/Lord_Howe", ["2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z"]),
        ("America/Santiago", ["2026-04-05T03:00:00Z", "2026-09-06T04:00:00Z"]),
        ("Asia/Kolkata", ["2026-03-08T07:00:00Z"]),
    ])
    func nextFireAgreesWithRealTimeReferenceAroundTransitions(zoneID: String, transitions: [String]) throws {
        var rng = SplitMix64(state: UInt64(truncatingIfNeeded: zoneID.utf8.reduce(7 &+ Self.scale) { $0 &* 31 &+ Int($1) }))
        let zone = cronZone(zoneID)
        let zoneCal = Self.calendar(zone)
        let utcCal = Self.calendar(TimeZone(identifier: "UTC")!)
        var checked = 0
        var attempts = 0
        while checked < 60 * Self.scale && attempts < 1000 * Self.scale {
            attempts += 1
            let spec = Self.randomSpec(&rng, frequent: true)
            guard let expression = try? CronExpression.parse(spec.text) else { continue }
            let transition = cronInstant(transitions[checked % transitions.count]).timeIntervalSince1970
            var ts = transition + Double(Int.random(in: -30 * 3600...6 * 3600, using: &rng) / 60 * 60)
            if Bool.random(using: &rng) { ts += Double(Int.random(in: 1...59, using: &rng)) }
            let t = Date(timeIntervalSince1970: ts)
            let next = expression.nextFire(after: t, in: zone)
            let limit = ts + 3 * 86_400

            // Reference. Fixed-hour: fire at the first minute u whose wall clock has passed a
            // matching civil minute not passed before (running maximum). Every-hour: fire at u
            // when the wall clock at u matches.
            var highWater = Int.min
            var u = (ts / 60).rounded(.down) * 60 - 27 * 3600
            while u <= ts {
                highWater = max(highWater, Self.localMinute(u, zoneCalendar: zoneCal, utcCalendar: utcCal))
                u += 60
            }
            var reference: Double? = nil
            while u <= limit {
                let local = Self.localMinute(u, zoneCalendar: zoneCal, utcCalendar: utcCal)
                if spec.everyHour {
                    if Self.civilMatches(spec, localMinute: local, utcCalendar: utcCal) { reference = u; break }
                } else if local > highWater {
                    var hit = false
                    for c in (highWater + 1)...local where Self.civilMatches(spec, localMinute: c, utcCalendar: utcCal) {
                        hit = true
                        break
                    }
                    highWater = local
                    if hit { reference = u; break }
                }
                u += 60
            }
            let message = "\(spec.text) in \(zoneID) after \(t.formatted(.iso8601)): nextFire \(next.map { $0.formatted(.iso8601) } ?? "nil"), reference \(reference.map { Date(timeIntervalSince1970: $0).formatted(.iso8601) } ?? "none within 3 days")"
            if let reference {
                #expect(next?.timeIntervalSince1970 == reference, "\(message)")
            } else {
                let n = try #require(next, "\(message)")
                #expect(n.timeIntervalSince1970 > limit, "\(message)")
            }
            checked += 1
        }
        #expect(checked == 60 * Self.scale)
    }

    // MARK: upcoming is consistent with nextFire

    @Test func upcomingIsIncreasingAndChained() throws {
        var rng = SplitMix64(state: 42 &+ UInt64(Self.scale))
        let zone = cronZone("America/New_York")
        for _ in 0..<100 * Self.scale {
            let spec = Self.randomSpec(&rng, frequent: false)
            guard let e = try? CronExpression.parse(spec.text) else { continue }
            let t = Date(timeIntervalSince1970: Double(Int.random(in: 1_700_000_000...1_900_000_000, using: &rng)))
            let list = e.upcoming(after: t, in: zone, count: 5)
            #expect(list.count == 5, "\(spec.text)")
            var previous = t
            for d in list {
                #expect(d > previous, "\(spec.text)")
                #expect(e.nextFire(after: previous, in: zone) == d, "\(spec.text)")
                previous = d
            }
        }
    }
}
