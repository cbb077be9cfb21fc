import ArgumentParser
import SundialCore

/// `sundial job run <id>`: prints the new run's id, so scripts can follow it.
struct JobRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Start a run of a job now and print its run id.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The job id.") var id: String

    func run() async throws {
        let run = try await connection.client().send(.POST, "/v1/jobs/\(SundialClient.segment(id))/runs").json
        print(run["id"]?.stringValue ?? "")
    }
}

/// `sundial job kill <id> (<run-id> | --all)`.
struct JobKillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill", abstract: "Stop a run (or every active run) of a job.",
        discussion: "Each run gets SIGTERM, then SIGKILL after its taskKillGracePeriodSeconds; the command returns once it has stopped.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The job id.") var id: String
    @Argument(help: "The run to stop.") var runID: String?
    @Flag(help: "Stop every active run of the job.") var all = false

    func validate() throws {
        if all == (runID != nil) { throw ValidationError("give either a run id or --all") }
    }

    func run() async throws {
        let client = try connection.client()
        let job = SundialClient.segment(id)
        let runs: [String]
        if let runID {
            runs = [runID]
        } else {
            runs = (try await client.get("/v1/jobs/\(job)/runs").arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            if runs.isEmpty { print("No active runs of \(id)") }
        }
        for run in runs {
            do {
                try await client.send(.POST, "/v1/jobs/\(job)/runs/\(SundialClient.segment(run))/actions/stop")
                print("Stopped run \(run)")
            } catch {
                // A run that ended between the listing and the stop is what --all wanted.
                guard all, case .server(let status, _, _) = error, status == 404 else { throw error }
                print("Run \(run) had already ended")
            }
        }
    }
}

/// `sundial job show runs <id>`: active runs, or one run (active or finished) by id.
struct JobShowRunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "Show a job's active runs, or one run with --run-id.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var format: ListFormatOptions
    @Argument(help: "The job id.") var id: String
    @Option(help: "Show only this run (it may have finished).") var runID: String?

    func run() async throws {
        let client = try connection.client()
        var path = "/v1/jobs/\(SundialClient.segment(id))/runs"
        if let runID { path += "/" + SundialClient.segment(runID) }
        let answer = try await client.get(path)
        let runs = runID == nil ? answer.arrayValue ?? [] : [answer]
        format.emit(answer, ids: runs.map { $0["id"]?.stringValue ?? "" }) {
            Output.table(["ID", "STATUS", "STARTED", "FINISHED", "TASKS"], runs.map { run in
                let tasks = (run["tasks"]?.arrayValue ?? []).map(Self.describe)
                return [
                    run["id"]?.stringValue ?? "", run["status"]?.stringValue ?? "", Output.instant(run["createdAt"]),
                    Output.instant(run["completedAt"]), tasks.joined(separator: ", "),
                ]
            })
        }
    }
}

extension JobShowRunsCommand {
    /// `<task id> <status>`, then how it ended when known: `exit 3`, or the reason it failed.
    static func describe(_ task: JSONValue) -> String {
        var text = "\(task["id"]?.stringValue ?? "") \(task["status"]?.stringValue ?? "")"
        if let code = task["exitCode"]?.numberValue { text += " exit \(Int(code))" }
        if let message = task["message"]?.stringValue { text += ": \(message)" }
        return text
    }
}

/// `sundial job history <id>`: finished runs, newest first.
struct JobHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "List a job's finished runs, newest first.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var format: ListFormatOptions
    @Argument(help: "The job id.") var id: String
    @Flag(help: "Only failed runs.") var failures = false
    @Flag(help: "Only the most recent run.") var last = false

    func run() async throws {
        let job = try await connection.client().get("/v1/jobs/\(SundialClient.segment(id))", query: [("embed", "history")])
        var runs = FinishedRuns.list(job["history"], failuresOnly: failures)
        if last { runs = Array(runs.prefix(1)) }
        format.emit(.array(runs.map(\.json)), ids: runs.map(\.id)) {
            Output.table(["ID", "STATUS", "STARTED", "FINISHED"], runs.map { [$0.id, $0.status, $0.createdAt.rfc3339, $0.finishedAt.rfc3339] })
        }
    }
}

/// A job's finished runs from Metronome's `history` embed, both lists merged newest first.
struct FinishedRuns {
    var id: String
    var status: String
    var createdAt: Instant
    var finishedAt: Instant
    var entry: JSONObject

    var json: JSONValue {
        var object = entry
        object["status"] = .string(status)
        return .object(object)
    }

    static func list(_ history: JSONValue?, failuresOnly: Bool) -> [FinishedRuns] {
        var runs: [FinishedRuns] = []
        let lists = failuresOnly ? [("FAILED", "failedFinishedRuns")] : [("SUCCESS", "successfulFinishedRuns"), ("FAILED", "failedFinishedRuns")]
        for (status, key) in lists {
            for item in history?[key]?.arrayValue ?? [] {
                guard let entry = item.objectValue, let id = entry["id"]?.stringValue,
                    let created = entry["createdAt"]?.stringValue.flatMap(Instant.parse),
                    let finished = entry["finishedAt"]?.stringValue.flatMap(Instant.parse)
                else { continue }
                runs.append(FinishedRuns(id: id, status: status, createdAt: created, finishedAt: finished, entry: entry))
            }
        }
        return runs.sorted { ($0.finishedAt, $0.id) > ($1.finishedAt, $1.id) }
    }
}
