import Foundation

/// Which task sandboxes (and with them their logs) to remove: those of tasks that ended
/// longer ago than `maxAge`, then, while everything kept is larger than `maxTotalBytes`,
/// the oldest finished ones first. A sandbox of an active run is never chosen, though its
/// size counts towards the total. RetainedSandboxes applies it.
public struct LogRetentionPolicy: Sendable, Hashable {
    /// Seconds a finished task's sandbox is kept; nil keeps it regardless of age.
    public var maxAgeSeconds: Int64?
    /// Upper bound for all sandboxes together; nil means no bound.
    public var maxTotalBytes: Int64?

    public init(maxAgeSeconds: Int64?, maxTotalBytes: Int64?) {
        self.maxAgeSeconds = maxAgeSeconds
        self.maxTotalBytes = maxTotalBytes
    }

    /// Sandboxes of tasks that ended before this instant are removed; nil when age alone
    /// removes nothing. An absurd retention (years beyond Int64 milliseconds) keeps everything.
    public func cutoff(now: Instant) -> Instant? {
        guard let maxAgeSeconds else { return nil }
        let (milliseconds, overflow) = maxAgeSeconds.multipliedReportingOverflow(by: 1000)
        return overflow ? nil : now.adding(milliseconds: -milliseconds)
    }

    /// Whether the policy removes anything at all.
    public var removesAnything: Bool { maxAgeSeconds != nil || maxTotalBytes != nil }
}

/// Parses the human forms of the retention settings: durations like `90s`, `30m`, `12h`,
/// `7d`, `2w`, sizes like `500M`, `10G`, `1048576` (binary units: K is 1024 bytes), and
/// `off` for no limit (nil).
public enum RetentionSetting {
    public static func seconds(_ text: String) throws(RetentionSettingError) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "off" || trimmed == "none" { return nil }
        let units: [(String, Int64)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604_800)]
        guard let value = scaled(trimmed, units: units, bareUnit: nil) else {
            throw RetentionSettingError("'\(text)' is not a duration: use a positive number with s, m, h, d or w (e.g. 7d), or off")
        }
        return value
    }

    public static func bytes(_ text: String) throws(RetentionSettingError) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "off" || trimmed == "none" { return nil }
        var body = trimmed
        for suffix in ["ib", "b"] where body.hasSuffix(suffix) && body.count > suffix.count {
            body.removeLast(suffix.count)
            break
        }
        let units: [(String, Int64)] = [("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30), ("t", 1 << 40)]
        guard let value = scaled(body, units: units, bareUnit: 1) else {
            throw RetentionSettingError("'\(text)' is not a size: use a positive number of bytes, optionally with K, M, G or T (e.g. 10G), or off")
        }
        return value
    }

    /// A positive whole number followed by one of `units` (or by nothing when `bareUnit`
    /// says what a bare number means).
    static func scaled(_ text: String, units: [(String, Int64)], bareUnit: Int64?) -> Int64? {
        var digits = Substring(text)
        var multiplier = bareUnit
        if let unit = units.first(where: { text.hasSuffix($0.0) }) {
            digits = digits.dropLast(unit.0.count)
            multiplier = unit.1
        }
        guard let multiplier, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(digits), value > 0 else {
            return nil
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}

public struct RetentionSettingError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
