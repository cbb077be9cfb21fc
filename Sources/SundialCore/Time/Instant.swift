import Foundation

/// A point in time as whole milliseconds since the Unix epoch, UTC. Milliseconds are the
/// precision every dialect writes, so the engine keeps exactly that and nothing finer.
public struct Instant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public init(_ date: Date) {
        self.millisecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    public static func now() -> Instant { Instant(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSinceEpoch) / 1000) }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch }

    /// Saturates instead of trapping: deadlines come from client input (a starting deadline
    /// of 10^18 seconds is valid JSON) and must never crash the server.
    public func adding(milliseconds: Int64) -> Instant {
        let (sum, overflow) = millisecondsSinceEpoch.addingReportingOverflow(milliseconds)
        return Instant(millisecondsSinceEpoch: overflow ? (milliseconds > 0 ? .max : .min) : sum)
    }

    public func adding(seconds: Int) -> Instant {
        let (product, overflow) = Int64(seconds).multipliedReportingOverflow(by: 1000)
        return adding(milliseconds: overflow ? (seconds > 0 ? .max : .min) : product)
    }

    public var description: String { rfc3339 }

    /// The civil UTC fields of this instant.
    var civil: CivilTime { CivilTime(millisecondsSinceEpoch: millisecondsSinceEpoch) }

    /// Metronome's `yyyy-MM-dd'T'HH:mm:ss.SSSZ`, always in UTC: `2016-07-15T13:02:59.735+0000`.
    public var metronomeFormat: String {
        let c = civil
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(c.millisecond, 3))+0000"
    }

    /// RFC 3339 in UTC, with milliseconds only when they are not zero: `2026-03-08T07:00:00Z`.
    public var rfc3339: String {
        let c = civil
        let base = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
        return c.millisecond == 0 ? base + "Z" : base + ".\(pad(c.millisecond, 3))Z"
    }

    /// `yyyyMMddHHmmss` in UTC, the prefix of a run id.
    public var compactUTC: String {
        let c = civil
        return "\(pad(c.year, 4))\(pad(c.month, 2))\(pad(c.day, 2))\(pad(c.hour, 2))\(pad(c.minute, 2))\(pad(c.second, 2))"
    }

    /// Parses RFC 3339 / ISO 8601 timestamps with an offset (`Z`, `+0000`, `+00:00`) and
    /// optional fractional seconds, which covers both Metronome's format and RFC 3339.
    public static func parse(_ text: String) -> Instant? {
        let bytes = Array(text.utf8)
        var i = 0
        func number(_ digits: Int) -> Int? { DecimalDigits.fixedWidth(bytes, &i, count: digits) }
        func expect(_ c: Character) -> Bool {
            guard i < bytes.count, bytes[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else { return nil }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "T") || bytes[i] == UInt8(ascii: "t") || bytes[i] == UInt8(ascii: " ")
        else { return nil }
        i += 1
        guard let hour = number(2), expect(":"), let minute = number(2) else { return nil }
        var second = 0
        var millis = 0
        if expect(":") {
            guard let s = number(2) else { return nil }
            second = s
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: ",") {
                i += 1
                guard let fraction = DecimalDigits.fractionMilliseconds(bytes, &i) else { return nil }
                millis = fraction
            }
        }
        var offsetSeconds = 0
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "Z") || bytes[i] == UInt8(ascii: "z") {
            i += 1
        } else if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            let sign = bytes[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = number(2) else { return nil }
            _ = expect(":")
            guard let om = number(2) else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == bytes.count, (1...12).contains(month), (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        let days = CivilCalendar.days(year: year, month: month, day: day)
        let seconds = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetSeconds)
        return Instant(millisecondsSinceEpoch: seconds * 1000 + Int64(millis))
    }
}

private func pad(_ value: Int, _ width: Int) -> String { zeroPadded(value, width) }

/// The UTC civil fields of an instant (the arithmetic lives in `CivilCalendar`).
struct CivilTime {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int

    init(millisecondsSinceEpoch ms: Int64) {
        let millis = Int(((ms % 1000) + 1000) % 1000)
        let totalSeconds = Int((ms - Int64(millis)) / 1000)
        let days = CivilCalendar.floorDiv(totalSeconds, CivilCalendar.secondsPerDay)
        let secondsOfDay = totalSeconds - days * CivilCalendar.secondsPerDay
        (year, month, day) = CivilCalendar.date(days: days)
        hour = secondsOfDay / 3600
        minute = secondsOfDay % 3600 / 60
        second = secondsOfDay % 60
        millisecond = millis
    }
}
