import Foundation

/// Why an expression or zone given for a preview was rejected.
public struct SchedulePreviewError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which input is wrong: `expression`, `timezone`, `from` or `count`.
    public var parameter: String
    public var message: String

    public init(parameter: String, message: String) {
        self.parameter = parameter
        self.message = message
    }

    public var description: String { message }
}

/// The next fire instants of an expression, for people checking one (the CLI's
/// `schedule next`, the API's preview, the UI's schedule form). It compiles the expression
/// into the same `CompiledSchedule` the engine fires with.
public enum SchedulePreview {
    /// The most instants one preview returns; keeps a request from asking for millions.
    public static let maximumCount = 1000

    /// An expression starting `R` with a `/` is an ISO 8601 interval; `timezone` then plays
    /// Chronos' `scheduleTimeZone` (UTC means the start's own offset), and an empty start is
    /// `now`.
    public static func compile(expression: String, timezone: String, now: Instant = .now()) throws(SchedulePreviewError) -> CompiledSchedule {
        let iso = ScheduleSpec.Kind.of(expression) == .iso8601
        return try CompiledSchedule.compile(
            kind: iso ? .iso8601 : .cron, expression: expression, timezone: iso && timezone == "UTC" ? "" : timezone, now: now)
    }

    public static func next(
        expression: String, timezone: String, after start: Instant, count: Int
    ) throws(SchedulePreviewError) -> [Instant] {
        guard (1...maximumCount).contains(count) else {
            throw SchedulePreviewError(parameter: "count", message: "count must be between 1 and \(maximumCount)")
        }
        return try compile(expression: expression, timezone: timezone, now: start).upcoming(after: start, count: count)
    }
}
