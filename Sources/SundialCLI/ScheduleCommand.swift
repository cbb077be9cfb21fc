import ArgumentParser
import Foundation
import SundialCore

/// `sundial schedule …`: schedule tools that need no server.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "Work with schedule expressions.", subcommands: [NextCommand.self])
}

/// `sundial schedule next`: the next fire instants of an expression, computed by exactly the
/// code the engine fires with.
struct NextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next", abstract: "Print the next fire instants of a cron or ISO 8601 expression, one RFC 3339 UTC instant per line.")

    @Argument(help: "A cron expression, e.g. '30 2 * * *' or '@every 90s', or an ISO 8601 interval, e.g. 'R/2026-01-01T00:00:00Z/P1D'.")
    var expression: String

    @Option(help: "IANA time zone the expression is evaluated in.")
    var timezone: String = "UTC"

    @Option(help: "Start after this instant (RFC 3339). Default: now.")
    var from: String?

    @Option(help: "How many instants to print.")
    var count: Int = 5

    func run() async throws {
        var start = Instant.now()
        if let from {
            guard let parsed = Instant.parse(from) else { throw ValidationError("--from must be an RFC 3339 instant, e.g. 2026-03-08T00:00:00Z") }
            start = parsed
        }
        let instants: [Instant]
        do {
            instants = try SchedulePreview.next(expression: expression, timezone: timezone, after: start, count: count)
        } catch {
            throw ValidationError(error.description)
        }
        for instant in instants { print(instant.rfc3339) }
    }
}
