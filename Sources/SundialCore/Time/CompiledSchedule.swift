import Foundation

/// A schedule's expression parsed once, with its zone: the single function the engine fires
/// with and previews use. New expression kinds (ISO 8601 intervals) add a case here.
public struct CompiledSchedule: Sendable {
    public enum Expression: Sendable {
        case cron(CronExpression)
        case iso8601(ISO8601Schedule)
    }

    public let expression: Expression
    public let zone: TimeZone

    public init(expression: Expression, zone: TimeZone) {
        self.expression = expression
        self.zone = zone
    }

    /// Parses an expression of the given kind in its zone: the one parse behind the engine's
    /// schedules and every preview. For ISO 8601, `timezone` is Chronos' `scheduleTimeZone`
    /// (empty: the start's own offset) and an empty start means `now`.
    public static func compile(
        kind: ScheduleSpec.Kind, expression: String, timezone: String, now: Instant = .now()
    ) throws(SchedulePreviewError) -> CompiledSchedule {
        switch kind {
        case .cron:
            guard let zone = TimeZone(identifier: timezone) else {
                throw SchedulePreviewError(parameter: "timezone", message: "unknown time zone '\(timezone)'")
            }
            do {
                return CompiledSchedule(expression: .cron(try CronExpression.parse(expression)), zone: zone)
            } catch {
                throw SchedulePreviewError(parameter: "expression", message: error.description)
            }
        case .iso8601:
            do {
                let iso = try ISO8601Schedule.parse(expression, scheduleTimeZone: timezone, now: now)
                return CompiledSchedule(expression: .iso8601(iso), zone: iso.zone)
            } catch {
                throw SchedulePreviewError(parameter: "expression", message: error.description)
            }
        }
    }

    /// Parses a schedule spec's expression and zone; nil when either is invalid (the spec
    /// was validated on the way in, so that only happens for hand-edited databases).
    public init?(_ spec: ScheduleSpec, now: Instant = .now()) {
        guard let compiled = try? Self.compile(kind: spec.kind, expression: spec.expression, timezone: spec.timezone, now: now) else {
            return nil
        }
        self = compiled
    }

    /// The first fire instant strictly after `instant`.
    public func next(after instant: Instant) -> Instant? {
        switch expression {
        case .cron(let cron):
            // Cron has no sub-second fields; start from the end of the current second so a
            // fire at 12:00:00.000 asked "after 12:00:00.000" moves on.
            return cron.nextFire(after: instant.date, in: zone).map { Instant($0) }
        case .iso8601(let iso):
            return iso.next(after: instant)
        }
    }

    /// Where a new (or changed) schedule's cursor starts. Cron starts from now: no slot
    /// before creation is owed. An ISO 8601 interval whose latest slot is already due but
    /// still within the starting deadline runs that slot once, as Chronos runs an overdue
    /// job at once (`R1//PT24H`, the default run-once schedule, depends on it).
    public func initialCursor(now: Instant, startingDeadlineSeconds: Int) -> Instant {
        switch expression {
        case .cron:
            return now
        case .iso8601(let iso):
            guard let latest = iso.latest(atOrBefore: now), now <= latest.adding(seconds: startingDeadlineSeconds) else { return now }
            return latest.adding(milliseconds: -1)
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
