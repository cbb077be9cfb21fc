import Foundation

/// A schedule's expression parsed once, with its zone: the single function the engine fires
/// with and previews use. New expression kinds (ISO 8601 intervals) add a case here.
public struct CompiledSchedule: Sendable {
    public enum Expression: Sendable {
        case cron(CronExpression)
    }

    public let expression: Expression
    public let zone: TimeZone

    public init(expression: Expression, zone: TimeZone) {
        self.expression = expression
        self.zone = zone
    }

    /// Parses a schedule spec's expression and zone; nil when either is invalid (the spec
    /// was validated on the way in, so that only happens for hand-edited databases).
    public init?(_ spec: ScheduleSpec) {
        guard let zone = TimeZone(identifier: spec.timezone), let cron = try? CronExpression.parse(spec.cron) else { return nil }
        self.init(expression: .cron(cron), zone: zone)
    }

    /// The first fire instant strictly after `instant`.
    public func next(after instant: Instant) -> Instant? {
        switch expression {
        case .cron(let cron):
            // Cron has no sub-second fields; start from the end of the current second so a
            // fire at 12:00:00.000 asked "after 12:00:00.000" moves on.
            return cron.nextFire(after: instant.date, in: zone).map { Instant($0) }
        }
    }

    /// The next `count` instants after `instant`.
    public func upcoming(after instant: Instant, count: Int) -> [Instant] {
        var result: [Instant] = []
        var cursor = instant
        while result.count < count, let next = next(after: cursor) {
            result.append(next)
            cursor = next
        }
        return result
    }
}
