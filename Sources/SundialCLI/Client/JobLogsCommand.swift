import ArgumentParser
import SundialCore

/// `sundial job logs <id> [<run-id>]`: a run's output, whole, its last lines, or followed
/// live until the task ends.
struct JobLogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print a run's stdout (or stderr); the latest run when no run id is given.",
        discussion: "With --follow the output keeps coming while the task writes and the command ends when the task has ended.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The job id.") var id: String
    @Argument(help: "The run; default: the job's most recently started run.") var runID: String?
    @Flag(help: "Print stderr instead of stdout.") var stderr = false
    @Flag(name: [.short, .long], help: "Keep printing what the task writes until it ends.") var follow = false
    @Option(name: [.short, .long], help: "Start with only the last N lines.") var lines: Int?
    @Option(help: "The task (attempt) to read; default: the run's latest. A run restarted ON_FAILURE has one task per attempt.") var task: String?

    func validate() throws {
        if let lines, lines < 0 { throw ValidationError("--lines must be 0 or more") }
    }

    func run() async throws {
        let client = try connection.client()
        let run: String
        if let runID { run = runID } else { run = try await Self.latestRun(of: id, client: client) }
        var query: [(String, String)] = []
        if let task { query.append(("task", task)) }
        if let lines { query.append(("tail", String(lines))) }
        if follow { query.append(("follow", "true")) }
        let path = "/v1/jobs/\(SundialClient.segment(id))/runs/\(SundialClient.segment(run))/logs/\(stderr ? "stderr" : "stdout")"
        do {
            _ = try await client.send(.GET, path, query: query, body: nil) { chunk in Output.write(chunk.readableBytesView) }
        } catch {
            throw await Self.explained(error, job: id, run: run, client: client)
        }
    }

    /// A task that never started has no log (404); what stopped it is on the run, so say that
    /// instead of "Log not found".
    static func explained(_ original: ClientError, job: String, run: String, client: SundialClient) async -> ClientError {
        guard case .server(let status, _, _) = original, status == 404,
            let reasons = try? await taskMessages(job: job, run: run, client: client), !reasons.isEmpty
        else { return original }
        return ClientError.usage("run \(run) has no log: " + reasons.joined(separator: "; "))
    }

    static func taskMessages(job: String, run: String, client: SundialClient) async throws(ClientError) -> [String] {
        let answer = try await client.get("/v1/jobs/\(SundialClient.segment(job))/runs/\(SundialClient.segment(run))")
        return (answer["tasks"]?.arrayValue ?? []).compactMap { $0["message"]?.stringValue }
    }

    /// The run started last, active or finished.
    static func latestRun(of id: String, client: SundialClient) async throws(ClientError) -> String {
        let job = try await client.get("/v1/jobs/\(SundialClient.segment(id))", query: [("embed", "activeRuns"), ("embed", "history")])
        var candidates: [(createdAt: Instant, id: String)] = []
        for run in job["activeRuns"]?.arrayValue ?? [] {
            if let runID = run["id"]?.stringValue, let created = run["createdAt"]?.stringValue.flatMap(Instant.parse) { candidates.append((created, runID)) }
        }
        for run in FinishedRuns.list(job["history"], failuresOnly: false) { candidates.append((run.createdAt, run.id)) }
        guard let latest = candidates.max(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) else {
            throw .usage("job \(id) has no runs yet; start one with `sundial job run \(id)`")
        }
        return latest.id
    }
}
