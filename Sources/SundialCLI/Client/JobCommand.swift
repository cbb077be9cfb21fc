import ArgumentParser
import SundialCore

/// `sundial job …`: every job operation of `dcos job`, against a Sundial server.
struct JobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Manage jobs, runs, schedules and logs on a Sundial server (as `dcos job` does).",
        discussion: "The server is --url, else SUNDIAL_URL, else \(ServerURL.defaultURL). Job and schedule files may be JSON or YAML.",
        subcommands: [
            JobAddCommand.self, JobListCommand.self, JobShowCommand.self, JobUpdateCommand.self, JobRemoveCommand.self,
            JobRunCommand.self, JobKillCommand.self, JobHistoryCommand.self, JobScheduleCommand.self, JobLogsCommand.self,
        ])
}

/// `sundial job add <file>`.
struct JobAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Create a job from a JSON or YAML file.",
        discussion: "A file with a `schedules` array creates the job together with its schedule, in one step, as `dcos job add` does (Metronome's /v0/scheduled-jobs); a bad schedule leaves nothing behind.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The job file (JSON or YAML); - reads standard input.") var file: String

    func run() async throws {
        let client = try connection.client()
        let job = try JobFile.read(file)
        let path = job["schedules"] == nil ? "/v1/jobs" : "/v0/scheduled-jobs"
        let created = try await client.send(.POST, path, json: .object(job)).json
        print("Created job \(created["id"]?.stringValue ?? "")")
    }
}

/// `sundial job list`.
struct JobListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List jobs with their status, last run and next run.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var format: ListFormatOptions

    func run() async throws {
        let jobs = try await connection.client().get("/v1/jobs", query: [("embed", "activeRuns"), ("embed", "historySummary")])
        let items = jobs.arrayValue ?? []
        format.emit(jobs, ids: items.map { $0["id"]?.stringValue ?? "" }) {
            Output.table(["ID", "STATUS", "LAST RUN", "NEXT RUN"], items.map(Self.row))
        }
    }

    static func row(_ job: JSONValue) -> [String] {
        let schedules = (job["schedules"]?.arrayValue ?? []).filter { $0["enabled"]?.boolValue ?? true }
        let status = !(job["activeRuns"]?.arrayValue ?? []).isEmpty ? "Running" : schedules.isEmpty ? "Unscheduled" : "Scheduled"
        let next = schedules.compactMap { $0["nextRunAt"]?.stringValue.flatMap(Instant.parse) }.min()
        return [job["id"]?.stringValue ?? "", status, lastRun(job["historySummary"]), next?.rfc3339 ?? "N/A"]
    }

    /// The later of the last success and the last failure: `Success 2026-11-21T06:00:03Z`.
    static func lastRun(_ summary: JSONValue?) -> String {
        let success = summary?["lastSuccessAt"]?.stringValue.flatMap(Instant.parse)
        let failure = summary?["lastFailureAt"]?.stringValue.flatMap(Instant.parse)
        switch (success, failure) {
        case (nil, nil): return "N/A"
        case (let s?, let f?) where f > s: return "Failed \(f.rfc3339)"
        case (let s?, _): return "Success \(s.rfc3339)"
        case (nil, let f?): return "Failed \(f.rfc3339)"
        }
    }
}

/// `sundial job show <id>` and `sundial job show runs <id>`.
struct JobShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a job's definition, or its runs (`show runs`).",
        discussion: "`show <id>` is short for `show job <id>`; a job whose id is `runs` is shown with `show job runs`.",
        subcommands: [JobShowDefinitionCommand.self, JobShowRunsCommand.self], defaultSubcommand: JobShowDefinitionCommand.self)
}

/// `sundial job show <id>`: the definition as the server stores it, ready to edit and
/// feed back to `job update`.
struct JobShowDefinitionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "job", abstract: "Show a job's definition as JSON (the default of `show`).")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The job id.") var id: String

    func run() async throws {
        print(Output.json(try await connection.client().get("/v1/jobs/\(SundialClient.segment(id))", query: [("embed", "schedules")])))
    }
}

/// `sundial job update <file>`.
struct JobUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Replace a job's definition with a JSON or YAML file.",
        discussion: "With a `schedules` array in the file, the job's schedules are replaced too; without one they are kept.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The job file (JSON or YAML), naming the job by its id; - reads standard input.") var file: String

    func run() async throws {
        let client = try connection.client()
        let job = try JobFile.read(file)
        guard let id = job["id"]?.stringValue, !id.isEmpty else { throw ClientError.usage("\(file) has no job id (the `id` field)") }
        let path = job["schedules"] == nil ? "/v1/jobs/" : "/v0/scheduled-jobs/"
        try await client.send(.PUT, path + SundialClient.segment(id), json: .object(job))
        print("Updated job \(id)")
    }
}

/// `sundial job remove <id>`.
struct JobRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Delete a job with its history and logs.",
        discussion: "A job with active runs is not removed unless --stop-current-job-runs stops them first.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The job id.") var id: String
    @Flag(help: "Stop the job's active runs, then remove it.") var stopCurrentJobRuns = false

    func run() async throws {
        let query = stopCurrentJobRuns ? [("stopCurrentJobRuns", "true")] : []
        let client = try connection.client()
        do {
            try await client.send(.DELETE, "/v1/jobs/\(SundialClient.segment(id))", query: query)
        } catch {
            // The server's text names its query parameter; name the flag instead.
            guard case .server(let status, _, let body) = error, status == 409, String(decoding: body, as: UTF8.self).contains("stopCurrentJobRuns") else {
                throw error
            }
            throw ClientError.usage("job \(id) has active runs: add --stop-current-job-runs to stop them and remove it")
        }
        print("Removed job \(id)")
    }
}
