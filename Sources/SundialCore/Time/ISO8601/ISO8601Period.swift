/// An ISO 8601 duration as Chronos reads it (Joda's `ISOPeriodFormat.standard`): years,
/// months, weeks and days are calendar fields added to the wall clock; hours, minutes and
/// seconds are elapsed time. `P` alone is the zero period.
public struct ISO8601Period: Sendable, Hashable, CustomStringConvertible {
    public var years = 0
    public var months = 0
    public var weeks = 0
    public var days = 0
    public var hours = 0
    public var minutes = 0
    public var seconds = 0
    public var milliseconds = 0

    public init(years: Int = 0, months: Int = 0, weeks: Int = 0, days: Int = 0, hours: Int = 0, minutes: Int = 0, seconds: Int = 0, milliseconds: Int = 0) {
        self.years = years
        self.months = months
        self.weeks = weeks
        self.days = days
        self.hours = hours
        self.minutes = minutes
        self.seconds = seconds
        self.milliseconds = milliseconds
    }

    public var isZero: Bool { self == ISO8601Period() }

    /// Years or months: lengths that depend on where in the calendar they are added.
    public var hasMonths: Bool { years != 0 || months != 0 }

    /// The elapsed-time part (hours and smaller) in milliseconds.
    public var timeMilliseconds: Int64 {
        Int64(hours) * 3_600_000 + Int64(minutes) * 60_000 + Int64(seconds) * 1000 + Int64(milliseconds)
    }

    /// Joda's "standard" length: weeks and days of 24 h; nil when the period has months or years.
    public var standardMilliseconds: Int64? {
        hasMonths ? nil : (Int64(weeks) * 7 + Int64(days)) * 86_400_000 + timeMilliseconds
    }

    /// A rough length used only to estimate how many periods fit in a span.
    var approximateMilliseconds: Int64 {
        Int64(years) * 31_556_952_000 + Int64(months) * 2_629_746_000 + (Int64(weeks) * 7 + Int64(days)) * 86_400_000 + timeMilliseconds
    }

    /// Parses `PnYnMnWnDTnHnMnS` (fractional seconds allowed, to the millisecond).
    public static func parse(_ text: String) -> ISO8601Period? {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "P") else { return nil }
        var period = ISO8601Period()
        var i = 1
        var inTime = false
        var lastRank = -1
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "T") {
                guard !inTime, i + 1 < bytes.count else { return nil }
                inTime = true
                i += 1
                continue
            }
            var value = 0
            var digits = 0
            while i < bytes.count, (48...57).contains(bytes[i]) {
                guard digits < 9 else { return nil }
                value = value * 10 + Int(bytes[i] - 48)
                digits += 1
                i += 1
            }
            var millis = 0
            var fraction = false
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: ",") {
                fraction = true
                i += 1
                guard let fractionMillis = DecimalDigits.fractionMilliseconds(bytes, &i) else { return nil }
                millis = fractionMillis
            }
            guard digits > 0, i < bytes.count else { return nil }
            let designator = bytes[i]
            i += 1
            // Each designator at most once, in order; a fraction only on seconds.
            let rank: Int
            switch (inTime, designator) {
            case (false, UInt8(ascii: "Y")): rank = 0; period.years = value
            case (false, UInt8(ascii: "M")): rank = 1; period.months = value
            case (false, UInt8(ascii: "W")): rank = 2; period.weeks = value
            case (false, UInt8(ascii: "D")): rank = 3; period.days = value
            case (true, UInt8(ascii: "H")): rank = 4; period.hours = value
            case (true, UInt8(ascii: "M")): rank = 5; period.minutes = value
            case (true, UInt8(ascii: "S")): rank = 6; period.seconds = value; period.milliseconds = millis
            default: return nil
            }
            guard rank > lastRank, !fraction || rank == 6 else { return nil }
            lastRank = rank
        }
        // At most 10,000 years: slot arithmetic stays far from overflow.
        guard Double(period.years) * 12 + Double(period.months) + (Double(period.weeks) * 7 + Double(period.days)) / 31
            + Double(period.timeMilliseconds) / 2_678_400_000 <= 120_000
        else { return nil }
        return period
    }

    /// Joda's standard printer: `P1D`, `PT24H`, `P1Y2M3DT4H5M6.500S`, and `PT0S` for zero.
    public var description: String {
        if isZero { return "PT0S" }
        var text = "P"
        if years != 0 { text += "\(years)Y" }
        if months != 0 { text += "\(months)M" }
        if weeks != 0 { text += "\(weeks)W" }
        if days != 0 { text += "\(days)D" }
        if hours != 0 || minutes != 0 || seconds != 0 || milliseconds != 0 {
            text += "T"
            if hours != 0 { text += "\(hours)H" }
            if minutes != 0 { text += "\(minutes)M" }
            if seconds != 0 || milliseconds != 0 {
                text += "\(seconds)"
                if milliseconds != 0 { text += "." + zeroPadded(milliseconds, 3) }
                text += "S"
            }
        }
        return text
    }
}
