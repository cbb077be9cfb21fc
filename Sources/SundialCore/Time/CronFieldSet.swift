// The compiled form of a five- or six-field cron expression: one bitset per field plus the
// `L` / `W` / `#` specials, and the civil-time search over them.

/// A set of years between `CronYearSet.minYear` and `CronYearSet.maxYear`.
struct CronYearSet: Sendable, Hashable {
    static let minYear = 1970
    static let maxYear = 2199

    private var w0: UInt64 = 0
    private var w1: UInt64 = 0
    private var w2: UInt64 = 0
    private var w3: UInt64 = 0

    init() {}

    var isEmpty: Bool { (w0 | w1 | w2 | w3) == 0 }

    mutating func insert(_ year: Int) {
        precondition(year >= Self.minYear && year <= Self.maxYear)
        let i = year - Self.minYear
        let bit = UInt64(1) << UInt64(i & 63)
        switch i >> 6 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }

    private func word(_ k: Int) -> UInt64 {
        switch k {
        case 0: return w0
        case 1: return w1
        case 2: return w2
        default: return w3
        }
    }

    func contains(_ year: Int) -> Bool {
        guard year >= Self.minYear && year <= Self.maxYear else { return false }
        let i = year - Self.minYear
        return word(i >> 6) & (UInt64(1) << UInt64(i & 63)) != 0
    }

    /// The smallest year in the set that is `>= year`.
    func first(atOrAfter year: Int) -> Int? {
        var i = max(year, Self.minYear) - Self.minYear
        guard i <= Self.maxYear - Self.minYear else { return nil }
        while i < 256 {
            let w = word(i >> 6) & (UInt64.max << UInt64(i & 63))
            if w != 0 { return Self.minYear + (i & ~63) + w.trailingZeroBitCount }
            i = (i & ~63) + 64
        }
        return nil
    }

    var all: [Int] {
        var out: [Int] = []
        var y = Self.minYear
        while let n = first(atOrAfter: y) { out.append(n); y = n + 1 }
        return out
    }
}

/// Compiled fields. Bit `v` of a set means value `v` is allowed.
struct CronFieldSet: Sendable, Hashable {
    var minutes: UInt64 = 0        // bits 0…59
    var hours: UInt32 = 0          // bits 0…23
    var days: UInt32 = 0           // bits 1…31, plain day-of-month values
    var lastDayOffsets: UInt32 = 0 // bit k: `L-k` (`L` is k = 0)
    var nearestWeekday: UInt32 = 0 // bit n: `nW`
    var lastWeekdayOfMonth = false // `LW`
    var months: UInt16 = 0         // bits 1…12
    var weekdays: UInt8 = 0        // bits 0…6, 0 = Sunday
    var lastWeekdays: UInt8 = 0    // bit w: `wL`, the last weekday w of the month
    var nthWeekdays: UInt64 = 0    // bit (k-1)*7 + w: `w#k`
    /// Day-of-month was written as something other than `*`, `?` or `*/1`.
    var dayOfMonthRestricted = false
    /// Day-of-week was written as something other than `*`, `?` or `*/1`.
    var dayOfWeekRestricted = false
    /// nil when the year field is absent or `*`.
    var years: CronYearSet? = nil

    static let allHours: UInt32 = (1 << 24) - 1

    /// The hour field matches all 24 hours: the expression follows real (elapsed) time across
    /// DST transitions instead of the fixed-hour rules.
    var matchesEveryHour: Bool { hours == Self.allHours }

    private var hasDaySpecials: Bool {
        lastDayOffsets != 0 || nearestWeekday != 0 || lastWeekdayOfMonth
    }

    private var hasWeekdaySpecials: Bool { lastWeekdays != 0 || nthWeekdays != 0 }

    /// Bits 1…31: the days of `month` in `year` that match day-of-month / day-of-week.
    ///
    /// Unix-cron semantics: when both fields are restricted a day matches if EITHER matches;
    /// when only one is restricted only that one applies.
    @inline(__always)
    func dayMask(year: Int, month: Int) -> UInt32 {
        let dim = CivilCalendar.daysInMonth(year: year, month: month)
        let valid: UInt32 = (UInt32.max >> UInt32(31 - dim)) & ~1
        if !dayOfMonthRestricted && !dayOfWeekRestricted { return valid }
        var result: UInt32 = 0
        var firstWeekday = -1
        if dayOfMonthRestricted {
            result = days & valid
            if hasDaySpecials {
                var offsets = lastDayOffsets
                while offsets != 0 {
                    let k = offsets.trailingZeroBitCount
                    offsets &= offsets - 1
                    if dim - k >= 1 { result |= 1 << UInt32(dim - k) }
                }
                if lastWeekdayOfMonth || nearestWeekday != 0 {
                    firstWeekday = CivilCalendar.weekday(days: CivilCalendar.days(year: year, month: month, day: 1))
                    if lastWeekdayOfMonth {
                        let wd = (firstWeekday + dim - 1) % 7
                        let d = wd == 6 ? dim - 1 : (wd == 0 ? dim - 2 : dim)
                        result |= 1 << UInt32(d)
                    }
                    var near = nearestWeekday
                    while near != 0 {
                        let n = near.trailingZeroBitCount
                        near &= near - 1
                        guard n <= dim else { continue }
                        let wd = (firstWeekday + n - 1) % 7
                        var d = n
                        if wd == 6 { d = n == 1 ? 3 : n - 1 }          // Saturday
                        else if wd == 0 { d = n == dim ? n - 2 : n + 1 } // Sunday
                        result |= 1 << UInt32(d)
                    }
                }
            }
        }
        if dayOfWeekRestricted {
            if firstWeekday < 0 {
                firstWeekday = CivilCalendar.weekday(days: CivilCalendar.days(year: year, month: month, day: 1))
            }
            let w = UInt32(weekdays)
            // bit j of `rotated`: day 1 + j matches
            let rotated = ((w >> UInt32(firstWeekday)) | (w << UInt32(7 - firstWeekday))) & 0x7F
            if rotated != 0 {
                let r = UInt64(rotated)
                let spread = r | r << 7 | r << 14 | r << 21 | r << 28
                result |= UInt32(truncatingIfNeeded: spread << 1) & valid
            }
            if hasWeekdaySpecials {
                var last = lastWeekdays
                if last != 0 {
                    let lastWeekday = (firstWeekday + dim - 1) % 7
                    while last != 0 {
                        let wd = last.trailingZeroBitCount
                        last &= last - 1
                        result |= 1 << UInt32(dim - (lastWeekday - wd + 7) % 7)
                    }
                }
                var nth = nthWeekdays
                while nth != 0 {
                    let b = nth.trailingZeroBitCount
                    nth &= nth - 1
                    let d = 1 + (b % 7 - firstWeekday + 7) % 7 + 7 * (b / 7)
                    if d <= dim { result |= 1 << UInt32(d) }
                }
            }
        }
        return result
    }

    /// The smallest civil time (seconds, minute-aligned) `>= lowerBound` whose fields match,
    /// or nil when there is none (only possible with a year field).
    func nextCivilMatch(atOrAfter lowerBound: Int) -> Int? {
        let startMinute = -CivilCalendar.floorDiv(-lowerBound, 60)  // ceiling
        let startDay = CivilCalendar.floorDiv(startMinute, 1440)
        let minuteOfDay = startMinute - startDay * 1440
        var (y, m, d) = CivilCalendar.date(days: startDay)
        var h = minuteOfDay / 60
        var mi = minuteOfDay % 60
        // Expressions that can never fire are rejected at parse time, so without a year field
        // a match is at most a few years away; the bound only guards against bugs.
        let yearLimit = y + 1000
        while y <= yearLimit {
            if let years {
                guard let ny = years.first(atOrAfter: y) else { return nil }
                if ny != y { y = ny; m = 1; d = 1; h = 0; mi = 0 }
            }
            while true {
                let monthSet = months & (UInt16.max << UInt16(truncatingIfNeeded: m))
                if monthSet == 0 { break }
                let nm = monthSet.trailingZeroBitCount
                if nm != m { m = nm; d = 1; h = 0; mi = 0 }
                let mask = dayMask(year: y, month: m)
                dayLoop: while d <= 31 {
                    let daySet = mask & (UInt32.max << UInt32(d))
                    if daySet == 0 { break dayLoop }
                    let nd = daySet.trailingZeroBitCount
                    if nd != d { d = nd; h = 0; mi = 0 }
                    while h < 24 {
                        let hourSet = hours & (UInt32.max << UInt32(h))
                        if hourSet == 0 { break }
                        let nh = hourSet.trailingZeroBitCount
                        if nh != h { h = nh; mi = 0 }
                        let minuteSet = mi < 60 ? minutes & (UInt64.max << UInt64(mi)) : 0
                        if minuteSet != 0 {
                            mi = minuteSet.trailingZeroBitCount
                            let day = CivilCalendar.days(year: y, month: m, day: d)
                            return (day * 1440 + h * 60 + mi) * 60
                        }
                        h += 1; mi = 0
                    }
                    d += 1; h = 0; mi = 0
                }
                m += 1; d = 1; h = 0; mi = 0
                if m > 12 { break }
            }
            y += 1; m = 1; d = 1; h = 0; mi = 0
        }
        return nil
    }
}
