import Foundation
import Testing
import SundialCore

/// Parses a literal RFC 3339 UTC instant such as "2026-03-08T07:00:00Z".
func cronInstant(_ text: String) -> Date {
    do {
        return try Date(text, strategy: .iso8601)
    } catch {
        fatalError("bad RFC 3339 literal in test: \(text)")
    }
}

/// Formats an instant as RFC 3339 UTC, so failures print readable values.
func cronRFC3339(_ date: Date?) -> String? {
    date.map { $0.formatted(.iso8601) }
}

func cronZone(_ id: String) -> TimeZone {
    guard let zone = TimeZone(identifier: id) else { fatalError("unknown zone \(id)") }
    return zone
}

/// The next fire of `expression` after the RFC 3339 instant `after`, as RFC 3339 (nil if none).
func cronNext(_ expression: String, after: String, zone: String = "UTC") throws -> String? {
    let e = try CronExpression.parse(expression)
    return cronRFC3339(e.nextFire(after: cronInstant(after), in: cronZone(zone)))
}

/// The next `count` fires as RFC 3339 strings.
func cronUpcoming(_ expression: String, after: String, zone: String = "UTC", count: Int) throws -> [String] {
    let e = try CronExpression.parse(expression)
    return e.upcoming(after: cronInstant(after), in: cronZone(zone), count: count).map { $0.formatted(.iso8601) }
}

/// The error `parse` throws for `expression`, or nil if it parses.
func cronParseError(_ expression: String) -> CronParseError? {
    do {
        _ = try CronExpression.parse(expression)
        return nil
    } catch {
        return error
    }
}
