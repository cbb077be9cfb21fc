import Foundation
import Hummingbird
import NIOCore
import SundialCore
import SundialEngine

/// The Chronos REST API (shared/seeds/002, reference/chronos.md §2) over the engine, under
/// `/v1/scheduler` (3.x) and `/scheduler` (2.x).
struct ChronosRoutes: Sendable {
    let engine: Engine
    let server: ServerInfo
    /// A Chronos POST is "create or replace by name": two for one new name at once (a client
    /// retrying) must not both create, or every slot would run twice under two ids.
    let nameLocks = KeyedAsyncLock<String>()

    func handle(_ request: RoutedRequest) async -> Response? {
        var s = request.segments
        if s.count >= 2, s[0] == "v1", s[1] == "scheduler" {
            s.removeFirst(2)
        } else if s.count >= 1, s[0] == "scheduler" {
            s.removeFirst()
        } else {
            return nil
        }
        let m = request.method
        switch (m, s.count) {
        case (.get, 1) where s[0] == "leader": return HTTPReply.json(.ok, JSONObject(["leader": .string(server.advertisedAddress)]))
        case (.post, 1) where s[0] == "iso8601", (.put, 1) where s[0] == "iso8601": return await upsert(request, dependency: false)
        case (.post, 1) where s[0] == "dependency", (.put, 1) where s[0] == "dependency": return await upsert(request, dependency: true)
        case (.get, 1) where s[0] == "jobs": return await listJobs()
        case (.get, 2) where s[0] == "jobs" && s[1] == "summary": return await summary()
        case (.get, 2) where s[0] == "jobs" && s[1] == "search": return await search(request)
        case (.get, 2) where s[0] == "job": return await getJob(name(s[1]))
        case (.put, 2) where s[0] == "job": return await startJob(name(s[1]), request)
        case (.delete, 2) where s[0] == "job": return await deleteJob(name(s[1]))
        case (.put, 3) where s[0] == "job" && s[1] == "success": return await markSuccess(name(s[2]))
        case (.get, 3) where s[0] == "job" && s[1] == "stat": return await stat(name(s[2]))
        case (.post, 5) where s[0] == "job" && s[2] == "task" && s[4] == "progress":
            return await progress(name(s[1]), taskID: name(s[3]), request)
        case (.get, 2) where s[0] == "stats": return await stats(name(s[1]))
        case (.get, 2) where s[0] == "graph" && s[1] == "dot": return await graph(csv: false)
        case (.get, 2) where s[0] == "graph" && s[1] == "csv": return await graph(csv: true)
        case (.delete, 3) where s[0] == "task" && s[1] == "kill": return await kill(name(s[2]))
        default: return nil
        }
    }

    func name(_ segment: Substring) -> String { percentDecoded(segment) }

    func parse(_ request: RoutedRequest) -> Result<JSONValue, EarlyReply> {
        do {
            return .success(try JSONParser.parse(request.body.readableBytesView))
        } catch {
            return .failure(EarlyReply(ChronosErrors.badRequest("Can not parse the request body as JSON: \(error)")))
        }
    }

    // MARK: Create and update

    /// A job with neither schedule nor parents (created through Metronome) reads back with
    /// `"parents": []`; a Chronos client sending that back updates it instead of failing.
    func isManualOnly(_ name: String) async -> Bool {
        guard let job = await engine.job(chronosName: name) else { return false }
        return job.schedules.isEmpty && job.dependencies.isEmpty
    }

    /// `POST /iso8601` and `/dependency`: an upsert by name with full replacement.
    func upsert(_ request: RoutedRequest, dependency: Bool) async -> Response {
        let json: JSONValue
        switch parse(request) {
        case .success(let value): json = value
        case .failure(let reply): return reply.response
        }
        let decoded: ChronosJobRequest
        do { decoded = try ChronosJobDecoder.decode(json, now: Instant.now()) } catch { return ChronosErrors.badRequest(error.message) }
        var spec = decoded.spec
        if dependency, decoded.parents == nil {
            return ChronosErrors.badRequest("requirement failed: a dependent job needs 'parents'")
        }
        if let parents = decoded.parents {
            if dependency, parents.isEmpty, !(await isManualOnly(decoded.name)) {
                return ChronosErrors.badRequest("requirement failed: 'parents' must not be empty")
            }
            for parent in parents {
                guard let job = await engine.job(chronosName: parent) else {
                    return ChronosErrors.badRequest("JobSchedule \(decoded.name) does not have all parents defined!")
                }
                if !spec.dependencies.contains(job.id) { spec.dependencies.append(job.id) }
            }
        }
        let engine = self.engine
        let upserted: Result<Void, EngineError> = await nameLocks.withLock(decoded.name) { [spec] in
            var spec = spec
            do throws(EngineError) {
                if let existing = await engine.job(chronosName: decoded.name) {
                    spec.id = existing.id
                    spec.labels = existing.labels
                    if spec.dependencies.contains(existing.id) { throw .dependencyCycle }
                    _ = try await engine.updateJob(spec, keepSchedules: false, validate: false)
                } else {
                    try await Self.create(spec, engine: engine)
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        switch upserted {
        case .success: return HTTPReply.empty(.noContent)
        case .failure(let error): return ChronosErrors.response(for: error, name: decoded.name)
        }
    }

    /// Gives a new job its Metronome id; a create racing for the same id tries the next.
    static func create(_ spec: JobSpec, engine: Engine) async throws(EngineError) {
        var spec = spec
        let name = spec.chronosName
        for _ in 0..<5 {
            spec.id = await engine.availableID(forChronosName: name)
            do {
                _ = try await engine.createJob(spec)
                return
            } catch .jobExists {
                continue
            }
        }
        throw .jobExists(spec.id)
    }

    // MARK: Reads

    func encode(_ snapshot: JobSnapshot, names: [JobID: String]) -> JSONObject {
        ChronosJobEncoder.encode(
            snapshot.spec, history: snapshot.history ?? JobHistory(), parentNames: snapshot.spec.dependencies.map { names[$0] ?? $0.rawValue },
            exhausted: snapshot.schedulesExhausted)
    }

    func namesByID(_ snapshots: [JobSnapshot]) -> [JobID: String] {
        Dictionary(uniqueKeysWithValues: snapshots.map { ($0.spec.id, $0.spec.chronosName) })
    }

    func listJobs() async -> Response {
        let snapshots = await engine.snapshots(includeHistory: true)
        let names = namesByID(snapshots)
        return HTTPReply.json(.ok, .array(snapshots.map { snapshot in
            var o = encode(snapshot, names: names)
            // Only the listing mirrors `fetch` and `uris`, for old clients (§2.4).
            let fetch = o["fetch"]?.arrayValue ?? []
            let uris = o["uris"]?.arrayValue ?? []
            if fetch.isEmpty {
                o["fetch"] = .array(uris.map { uri in
                    .object(JSONObject(["uri": uri, "executable": false, "cache": false, "extract": true]))
                })
            } else {
                o["uris"] = .array(fetch.compactMap { $0["uri"] })
            }
            return .object(o)
        }))
    }

    func getJob(_ name: String) async -> Response {
        guard let job = await engine.job(chronosName: name), let snapshot = await engine.snapshot(job.id, includeHistory: true) else {
            return ChronosErrors.jobNotFound(name)
        }
        let names = namesByID(await engine.snapshots(includeHistory: false))
        return HTTPReply.json(.ok, encode(snapshot, names: names))
    }

    /// `name`, `command` and `any` match case-insensitive substrings; `any` matches name or
    /// command. Unlike Chronos, `any` alone filters too (docs/compatibility.md).
    func search(_ request: RoutedRequest) async -> Response {
        let nameTerm = request.queryValues("name").last?.lowercased()
        let commandTerm = request.queryValues("command").last?.lowercased()
        let anyTerm = request.queryValues("any").last?.lowercased()
        // Chronos reads these as Java ints: anything else is a 400, not a silent default.
        var paging: [String: Int] = ["limit": 10, "offset": 0]
        for key in ["limit", "offset"] {
            guard let text = request.queryValues(key).last else { continue }
            guard let value = Int(text), value >= 0 else {
                return ChronosErrors.badRequest("Query parameter '\(key)' must be a non-negative integer, got '\(text)'")
            }
            paging[key] = value
        }
        let limit = paging["limit"]!, offset = paging["offset"]!
        let snapshots = await engine.snapshots(includeHistory: true)
        let names = namesByID(snapshots)
        let matching = snapshots.filter { snapshot in
            let name = snapshot.spec.chronosName.lowercased()
            let command = ChronosJobEncoder.command(of: snapshot.spec).command.lowercased()
            let anyMatches = anyTerm.map { name.contains($0) || command.contains($0) } ?? false
            if nameTerm == nil && commandTerm == nil { return anyTerm == nil || anyMatches }
            let fieldsMatch = (nameTerm.map { name.contains($0) } ?? true) && (commandTerm.map { command.contains($0) } ?? true)
            return fieldsMatch || anyMatches
        }
        let page = matching.dropFirst(max(0, offset)).prefix(max(0, limit))
        return HTTPReply.json(.ok, .array(page.map { .object(encode($0, names: names)) }))
    }

    /// Chronos' run state: `idle`, `queued`, or `<n> running`.
    func runState(_ id: JobID) async -> String {
        let counts = await engine.runCounts(id)
        if counts.running > 0 { return "\(counts.running) running" }
        return counts.queued > 0 ? "queued" : "idle"
    }

    func summary() async -> Response {
        let snapshots = await engine.snapshots(includeHistory: true)
        let names = namesByID(snapshots)
        var items: [JSONValue] = []
        for snapshot in snapshots {
            let history = snapshot.history ?? JobHistory()
            let schedule = snapshot.spec.schedules.first
            items.append(.object(JSONObject([
                "name": .string(snapshot.spec.chronosName),
                "status": .string(ChronosJobEncoder.lastOutcome(lastSuccess: history.lastSuccessAt, lastError: history.lastFailureAt)),
                "state": .string(await runState(snapshot.spec.id)),
                "schedule": .string(schedule?.expression ?? ""),
                "parents": .array(schedule == nil ? snapshot.spec.dependencies.map { .string(names[$0] ?? $0.rawValue) } : []),
                "disabled": .bool(ChronosJobEncoder.isDisabled(snapshot.spec) || snapshot.schedulesExhausted),
            ])))
        }
        return HTTPReply.json(.ok, JSONObject(["jobs": .array(items)]))
    }

    func graph(csv: Bool) async -> Response {
        let snapshots = await engine.snapshots(includeHistory: true)
        let names = namesByID(snapshots)
        var edges: [(parent: String, child: String)] = []
        for snapshot in snapshots {
            for parent in snapshot.spec.dependencies { edges.append((names[parent] ?? parent.rawValue, snapshot.spec.chronosName)) }
        }
        guard csv else {
            return HTTPReply.text(.ok, ChronosGraphExport.dot(vertices: snapshots.map(\.spec.chronosName), edges: edges))
        }
        var nodes: [ChronosGraphExport.Node] = []
        for snapshot in snapshots {
            let history = snapshot.history ?? JobHistory()
            nodes.append(ChronosGraphExport.Node(
                name: snapshot.spec.chronosName, lastOutcome: ChronosJobEncoder.lastOutcome(lastSuccess: history.lastSuccessAt, lastError: history.lastFailureAt),
                runState: await runState(snapshot.spec.id)))
        }
        return HTTPReply.text(.ok, ChronosGraphExport.csv(nodes: nodes, edges: edges))
    }

    // MARK: Runs

    /// `PUT /job/{name}?arguments=…`: a manual run. Arguments are used when non-blank, with
    /// `;` removed. As in Chronos, the run is dropped when the job is disabled, or when it
    /// is not `concurrent` and a run is already active.
    func startJob(_ name: String, _ request: RoutedRequest) async -> Response {
        guard let job = await engine.job(chronosName: name) else { return ChronosErrors.jobNotFound(name) }
        if ChronosJobEncoder.isDisabled(job) { return HTTPReply.empty(.noContent) }
        let concurrent = job.schedules.first.map { $0.concurrencyPolicy != .FORBID } ?? (job.chronos?.concurrent ?? false)
        let active = await engine.runCounts(job.id)
        if !concurrent, active.queued + active.running > 0 { return HTTPReply.empty(.noContent) }
        let raw = (request.queryValues("arguments").last ?? "").replacingOccurrences(of: ";", with: "")
        let arguments = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        do {
            _ = try await engine.startRun(job.id, extraArguments: arguments)
            return HTTPReply.empty(.noContent)
        } catch {
            return ChronosErrors.response(for: error, name: name)
        }
    }

    func deleteJob(_ name: String) async -> Response {
        guard let job = await engine.job(chronosName: name) else { return ChronosErrors.scheduleNotFound(name) }
        do {
            _ = try await engine.deleteJob(job.id, stopCurrentRuns: true, detachDependents: true)
            return HTTPReply.empty(.noContent)
        } catch {
            return ChronosErrors.response(for: error, name: name)
        }
    }

    func kill(_ name: String) async -> Response {
        guard let job = await engine.job(chronosName: name) else { return ChronosErrors.scheduleNotFound(name) }
        do {
            _ = try await engine.stopAllRuns(job.id)
            return HTTPReply.empty(.noContent)
        } catch {
            return ChronosErrors.response(for: error, name: name)
        }
    }

    func markSuccess(_ name: String) async -> Response {
        var marked = false
        if let job = await engine.job(chronosName: name) {
            do {
                try await engine.markSuccess(job.id)
                marked = true
            } catch {
                return ChronosErrors.response(for: error, name: name)
            }
        }
        return HTTPReply.text(.ok, "marked job \(name) as successful: \(marked)")
    }

    func progress(_ name: String, taskID: String, _ request: RoutedRequest) async -> Response {
        guard let job = await engine.job(chronosName: name) else { return ChronosErrors.scheduleNotFound(name) }
        guard let task = ChronosTaskID.parse(taskID) else { return ChronosErrors.badRequest("Invalid task id format \(taskID)") }
        guard job.chronos?.dataProcessingJobType == true else {
            return ChronosErrors.badRequest("JobSchedule '\(name)' is not enabled to track data")
        }
        let json: JSONValue
        switch parse(request) {
        case .success(let value): json = value
        case .failure(let reply): return reply.response
        }
        guard let count = json["numAdditionalElementsProcessed"]?.numberValue, JSONValue.isIntegral(count) else {
            return ChronosErrors.badRequest("numAdditionalElementsProcessed must be a whole number")
        }
        guard count >= 0 else { return ChronosErrors.badRequest("numAdditionalElementsProcessed (\(Int64(count))) is not positive") }
        let found = await engine.addProgress(
            job.id, runCreatedAt: Instant(millisecondsSinceEpoch: task.dueMilliseconds), attempt: task.attempt, elements: Int64(count))
        return found ? HTTPReply.empty(.noContent) : ChronosErrors.badRequest("Task id \(taskID) not found")
    }

    // MARK: Statistics

    func stat(_ name: String) async -> Response {
        guard let job = await engine.job(chronosName: name), let snapshot = await engine.snapshot(job.id, includeHistory: true) else {
            return ChronosErrors.jobNotFound(name)
        }
        let history = snapshot.history ?? JobHistory()
        let durations = ChronosStatistics.successDurations(history)
        var histogram = JSONObject()
        for key in ChronosStatistics.histogramKeys {
            histogram[key] = .number(ChronosStatistics.value(key, of: durations) ?? 0)
        }
        let finished = (history.successfulFinishedRuns.map { ($0, true) } + history.failedFinishedRuns.map { ($0, false) })
            .sorted { $0.0.finishedAt > $1.0.finishedAt }.prefix(5)
        var taskHistory: [JSONValue] = []
        for (run, succeeded) in finished {
            let seconds = (run.finishedAt.millisecondsSinceEpoch - run.createdAt.millisecondsSinceEpoch) / 1000
            let taskID = ChronosTaskID(
                dueMilliseconds: run.createdAt.millisecondsSinceEpoch, attempt: max(0, run.tasks.count - 1), jobName: name, arguments: "")
            var entry = JSONObject([
                "taskId": .string(taskID.description),
                "jobName": .string(name),
                "slaveId": .string(server.advertisedAddress),
                "startTime": .string(ChronosStatistics.statTime(run.createdAt)),
                "endTime": .string(ChronosStatistics.statTime(run.finishedAt)),
                "duration": .string(ChronosDuration.format(seconds: seconds)),
                "status": .string(succeeded ? "Success" : "Fail"),
            ])
            // Progress a data job reported (stored on its tasks).
            if job.chronos?.dataProcessingJobType == true, let stored = await engine.run(job.id, run.id) {
                entry["numElementsProcessed"] = .number(stored.tasks.compactMap(\.elementsProcessed).reduce(0.0) { $0 + Double($1) })
            }
            taskHistory.append(.object(entry))
        }
        return HTTPReply.json(.ok, JSONObject(["histogram": .object(histogram), "taskStatHistory": .array(taskHistory)]))
    }

    func stats(_ key: String) async -> Response {
        guard ChronosStatistics.histogramKeys.contains(key) else { return HTTPReply.json(.ok, .array([])) }
        let snapshots = await engine.snapshots(includeHistory: true)
        let rows = snapshots.map { snapshot -> (String, Double) in
            let durations = ChronosStatistics.successDurations(snapshot.history ?? JobHistory())
            return (snapshot.spec.chronosName, (ChronosStatistics.value(key, of: durations) ?? 0) / 1000)
        }.sorted { $0.1 > $1.1 }
        return HTTPReply.json(.ok, .array(rows.map { .object(JSONObject(["jobNameLabel": .string($0.0), "time": .number($0.1)])) }))
    }
}
