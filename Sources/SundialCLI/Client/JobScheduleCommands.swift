import ArgumentParser
import SundialCore

/// `sundial job schedule …`: a job's schedule kept in a file of its own.
struct JobScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "Add, show, update and remove a job's schedule.",
        subcommands: [ScheduleAddCommand.self, ScheduleShowCommand.self, ScheduleUpdateCommand.self, ScheduleRemoveCommand.self])
}

struct ScheduleAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a schedule from a JSON or YAML file to a job.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The job id.") var id: String
    @Argument(help: "The schedule file (JSON or YAML); - reads standard input.") var file: String

    func run() async throws {
        let client = try connection.client()
        let schedule = try JobFile.read(file)
        let added = try await client.send(.POST, "/v1/jobs/\(SundialClient.segment(id))/schedules", json: .object(schedule)).json
        print("Added schedule \(added["id"]?.stringValue ?? "") to job \(id)")
    }
}

struct ScheduleShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a job's schedules.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The job id.") var id: String
    @Flag(help: "Print the server's JSON instead of a table.") var json = false

    func run() async throws {
        let schedules = try await connection.client().get("/v1/jobs/\(SundialClient.segment(id))/schedules")
        guard !json else {
            print(Output.json(schedules))
            return
        }
        print(Output.table(["ID", "CRON", "TIMEZONE", "ENABLED", "NEXT RUN", "CONCURRENCY POLICY"], (schedules.arrayValue ?? []).map { s in
            [
                s["id"]?.stringValue ?? "", s["cron"]?.stringValue ?? "", s["timezone"]?.stringValue ?? "UTC",
                (s["enabled"]?.boolValue ?? true) ? "True" : "False", Output.instant(s["nextRunAt"]), s["concurrencyPolicy"]?.stringValue ?? "",
            ]
        }))
    }
}

struct ScheduleUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Replace one of a job's schedules with a JSON or YAML file (matched by the file's id).")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The job id.") var id: String
    @Argument(help: "The schedule file (JSON or YAML), naming the schedule by its id; - reads standard input.") var file: String

    func run() async throws {
        let client = try connection.client()
        let schedule = try JobFile.read(file)
        guard let scheduleID = schedule["id"]?.stringValue, !scheduleID.isEmpty else {
            throw ClientError.usage("\(file) has no schedule id (the `id` field)")
        }
        try await client.send(.PUT, "/v1/jobs/\(SundialClient.segment(id))/schedules/\(SundialClient.segment(scheduleID))", json: .object(schedule))
        print("Updated schedule \(scheduleID) of job \(id)")
    }
}

struct ScheduleRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a schedule from a job.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The job id.") var id: String
    @Argument(help: "The schedule id.") var scheduleID: String

    func run() async throws {
        try await connection.client().send(.DELETE, "/v1/jobs/\(SundialClient.segment(id))/schedules/\(SundialClient.segment(scheduleID))")
        print("Removed schedule \(scheduleID) from job \(id)")
    }
}
