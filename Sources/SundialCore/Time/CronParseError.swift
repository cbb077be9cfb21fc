/// Why a cron expression was rejected.
///
/// `message` says what is wrong and where, for example
/// `day-of-month field '32': value 32 out of range 1-31`; `field` names the offending field
/// (`"minute"`, `"hour"`, `"day-of-month"`, `"month"`, `"day-of-week"`, `"year"`) or is nil for
/// errors about the whole expression (field count, unknown macro, `@every` duration).
public struct CronParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var field: String?

    public init(message: String, field: String? = nil) {
        self.message = message
        self.field = field
    }

    public var description: String { message }
}
