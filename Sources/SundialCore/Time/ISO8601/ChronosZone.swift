import Foundation

/// Resolves a Chronos `scheduleTimeZone` the way Chronos does (java.util.TimeZone, then
/// Joda's legacy-id map): three-letter ids name the zones Joda maps them to (`PST` is
/// America/Los_Angeles, `BST` is Asia/Dhaka), and an unknown id silently means UTC.
public enum ChronosZone {
    static let legacyIDs: [String: String] = [
        "GMT": "UTC", "UTC": "UTC", "ECT": "Europe/Paris", "MIT": "Pacific/Apia", "HST": "Pacific/Honolulu",
        "AST": "America/Anchorage", "PST": "America/Los_Angeles", "MST": "America/Denver", "PNT": "America/Phoenix",
        "CST": "America/Chicago", "EST": "America/New_York", "IET": "America/Indiana/Indianapolis",
        "PRT": "America/Puerto_Rico", "CNT": "America/St_Johns", "AGT": "America/Argentina/Buenos_Aires",
        "BET": "America/Sao_Paulo", "ART": "Africa/Cairo", "CAT": "Africa/Harare", "EAT": "Africa/Addis_Ababa",
        "NET": "Asia/Yerevan", "PLT": "Asia/Karachi", "IST": "Asia/Kolkata", "BST": "Asia/Dhaka",
        "VST": "Asia/Ho_Chi_Minh", "CTT": "Asia/Shanghai", "JST": "Asia/Tokyo", "ACT": "Australia/Darwin",
        "AET": "Australia/Sydney", "SST": "Pacific/Guadalcanal", "NST": "Pacific/Auckland",
    ]

    /// The zone for a non-empty `scheduleTimeZone`.
    public static func resolve(_ id: String) -> TimeZone {
        if let mapped = legacyIDs[id], let zone = TimeZone(identifier: mapped) { return zone }
        // Only region ids: Foundation also accepts abbreviations, which Java does not.
        if id.contains("/"), let zone = TimeZone(identifier: id) { return zone }
        return TimeZone(identifier: "UTC")!
    }

    /// Whether `id` names a zone rather than falling back to UTC (for warnings and docs).
    public static func isKnown(_ id: String) -> Bool {
        legacyIDs[id] != nil || (id.contains("/") && TimeZone(identifier: id) != nil)
    }
}

/// Wall-clock ↔ instant conversion with Joda's rules, which ISO 8601 periods follow: a local
/// time inside a spring-forward gap moves forward by the gap, and a local time that occurs
/// twice maps to its first occurrence.
enum ZonedWallClock {
    static func offsetSeconds(_ zone: TimeZone, atSecond second: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second))))
    }

    /// The instant (epoch milliseconds) of civil milliseconds `civil` in `zone`.
    static func instant(civilMilliseconds civil: Int64, in zone: TimeZone) -> Int64 {
        let civilSecond = CivilCalendar.floorDiv64(civil, 1000)
        let before = offsetSeconds(zone, atSecond: civilSecond - 43_200)
        let after = offsetSeconds(zone, atSecond: civilSecond + 43_200)
        var valid: [Int64] = []
        for offset in [before, after] {
            let candidate = civilSecond - offset
            if offsetSeconds(zone, atSecond: candidate) == offset { valid.append(candidate) }
        }
        let fraction = civil - civilSecond * 1000
        // In a gap neither offset fits: the pre-transition offset lands after the gap.
        let second = valid.min() ?? (civilSecond - before)
        return second * 1000 + fraction
    }

    /// Civil milliseconds of an instant in `zone`.
    static func civil(instantMilliseconds ms: Int64, in zone: TimeZone) -> Int64 {
        ms + offsetSeconds(zone, atSecond: CivilCalendar.floorDiv64(ms, 1000)) * 1000
    }
}

extension CivilCalendar {
    static func floorDiv64(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
