import Hummingbird
import NIOCore
import SundialCore
import SundialEngine

/// The Metronome v0/v1 jobs API over the engine (reference/metronome.md §2).
struct MetronomeRoutes: Sendable {
    let engine: Engine
    let server: ServerInfo
    /// Sundial's addition under a run: `…/runs/{run}/logs/{stdout|stderr}`.
    let logs: LogEndpoint

    /// Answers a request whose path (prefix already removed) belongs to Metronome, or nil
    /// when no Metronome route has that path and method.
    func handle(_ request: RoutedRequest) async -> Response? {
        let s = request.segments
        let method = request.method
        switch (method, s.count) {
        case (.get, 1) where s[0] == "ping": return HTTPReply.text(.ok, "pong")
        case (.get, 1) where s[0] == "info": return info()
        case (.get, 1) where s[0] == "leader": return HTTPReply.json(.ok, JSONObject(["leader": .string(server.advertisedAddress)]))
        case (.get, 2) where s[0] == "v1" && s[1] == "metrics": return await metrics()
        case (.get, 2) where s[0] == "v1" && s[1] == "queue": return await queue()
        default: break
        }
        if let file = PublicFilesRoute.handle(request) { return file }
        if s.count >= 2, s[0] == "v1", s[1] == "jobs" {
            return await jobsRoute(request, rest: Array(s.dropFirst(2)))
        }
        if s.count >= 2, s[0] == "v0", s[1] == "scheduled-jobs" {
            if method == .post, s.count == 2 { return await createJob(request, v0: true) }
            if method == .put, s.count == 3 {
                return await withJobID(s[2], request) { id in await updateJobV0(request, id: id) }
            }
        }
        return nil
    }

    func jobsRoute(_ request: RoutedRequest, rest: [Substring]) async -> Response? {
        let method = request.method
        if rest.isEmpty {
            switch method {
            case .get: return await listJobs(request)
            case .post: return await createJob(request, v0: false)
            default: return nil
            }
        }
        let rawID = rest[0]
        switch (method, rest.count) {
        case (.get, 1): return await withJobID(rawID, request) { await getJob(request, id: $0) }
        case (.put, 1): return await withJobID(rawID, request) { await updateJobV1(request, id: $0) }
        case (.delete, 1): return await withJobID(rawID, request) { await deleteJob(request, id: $0) }
        default: break
        }
        guard rest.count >= 2 else { return nil }
        switch rest[1] {
        case "missed-slots" where method == .get && rest.count == 2:
            return await withJobID(rawID, request) { await listMissedSlots(request, id: $0) }
        case "runs":
            switch (method, rest.count) {
            case (.get, 2): return await withJobID(rawID, request) { await listRuns(id: $0) }
            case (.post, 2): return await withJobID(rawID, request) { await startRun(id: $0) }
            case (.get, 3): return await withJobID(rawID, request) { await getRun(id: $0, runID: String(rest[2])) }
            case (.post, 5) where rest[3] == "actions" && rest[4] == "stop":
                return await withJobID(rawID, request) { await stopRun(id: $0, runID: String(rest[2])) }
            case (.get, 5) where rest[3] == "logs":
                guard let stream = LogStream(rawValue: String(rest[4])) else { return nil }
                return await withJobID(rawID, request) { await logs.respond(request, job: $0, runID: String(rest[2]), stream: stream) }
            default: return nil
            }
        case "schedules":
            switch (method, rest.count) {
            case (.get, 2): return await withJobID(rawID, request) { await listSchedules(id: $0) }
            case (.post, 2): return await withJobID(rawID, request) { await addSchedule(request, id: $0) }
            case (.get, 3): return await withJobID(rawID, request) { await getSchedule(id: $0, scheduleID: String(rest[2])) }
            case (.put, 3): return await withJobID(rawID, request) { await updateSchedule(request, id: $0, scheduleID: String(rest[2])) }
            case (.delete, 3): return await withJobID(rawID, request) { await deleteSchedule(id: $0, scheduleID: String(rest[2])) }
            default: return nil
            }
        default: return nil
        }
    }

    // MARK: Request helpers

    /// Metronome's path binder: split on dots, drop empty segments, validate each.
    func withJobID(_ raw: Substring, _ request: RoutedRequest, _ body: (JobID) async -> Response) async -> Response {
        let text = percentDecoded(raw)
        let normalized = text.split(separator: ".").joined(separator: ".")
        guard let id = JobID(normalized) else {
            return MetronomeErrors.framework(.badRequest, "Not a valid id: \(text)", path: request.path)
        }
        return await body(id)
    }

    /// Parses the body as JSON, answering like Play does for a wrong content type or bad JSON.
    func parseBody(_ request: RoutedRequest) -> Result<JSONValue, EarlyReply> {
        if let contentType = request.contentType?.lowercased(), !contentType.hasPrefix("application/json"), !contentType.contains("+json"),
            !contentType.hasPrefix("text/json")
        {
            return .failure(EarlyReply(MetronomeErrors.framework(.unsupportedMediaType, "Expecting text/json or application/json body", path: request.path)))
        }
        do {
            return .success(try JSONParser.parse(request.body.readableBytesView))
        } catch {
            return .failure(EarlyReply(MetronomeErrors.framework(.badRequest, "Invalid Json: \(error)", path: request.path)))
        }
    }

    func parseEmbeds(_ request: RoutedRequest) -> Result<MetronomeJSON.Embeds, EarlyReply> {
        var embeds: MetronomeJSON.Embeds = []
        for value in request.queryValues("embed") {
            for part in value.split(separator: ",") {
                switch part.trimmingCharacters(in: .whitespaces) {
                case "activeRuns": embeds.insert(.activeRuns)
                case "schedules": embeds.insert(.schedules)
                case "history": embeds.insert(.history)
                case "historySummary": embeds.insert(.historySummary)
                default:
                    return .failure(EarlyReply(MetronomeErrors.framework(
                        .badRequest, "Unknown embed options. Valid options are: activeRuns, schedules, history, historySummary", path: request.path)))
                }
            }
        }
        return .success(embeds)
    }

    // MARK: Server

    func info() -> Response {
        HTTPReply.json(.ok, JSONObject([
            "version": .string(ServerInfo.metronomeCompatibleVersion), "libVersion": .string(ServerInfo.sundialVersion),
            "sundialVersion": .string(ServerInfo.sundialVersion),
            "config": .object(server.config),
        ]))
    }

    func metrics() async -> Response {
        let m = await engine.currentMetrics()
        func counter(_ n: Int) -> JSONValue { .object(JSONObject(["count": .number(Double(n))])) }
        func gauge(_ n: Double) -> JSONValue { .object(JSONObject(["value": .number(n)])) }
        return HTTPReply.json(.ok, JSONObject([
            "version": "4.0.0",
            "counters": .object(JSONObject([
                "metronome.jobs.started.counter": counter(m.runsStarted),
                "metronome.jobs.failed.counter": counter(m.runsFailed),
                "metronome.jobs.succeeded.counter": counter(m.runsSucceeded),
                "metronome.tasks.launched.counter": counter(m.tasksLaunched),
                "sundial.schedule.triggers.counter": counter(m.scheduledTriggers),
                "sundial.schedule.skipped.counter": counter(m.skippedTriggers),
                "sundial.schedule.missed.counter": counter(m.missedSlots),
                "sundial.runs.starting-deadline-aborted.counter": counter(m.startingDeadlineAborts),
            ])),
            "gauges": .object(JSONObject([
                "metronome.jobs.active.gauge": gauge(Double(m.activeRuns)),
                "metronome.jobs.gauge": gauge(Double(m.jobs)),
                "metronome.uptime.gauge.seconds": gauge(server.uptimeSeconds()),
            ])),
            "histograms": .object(JSONObject([
                "sundial.schedule.trigger-skew.microseconds": histogram(m.triggerSkew),
                "sundial.schedule.process-start-skew.microseconds": histogram(m.processStartSkew),
            ])),
            "meters": [:], "timers": [:],
        ]))
    }

    /// Dropwizard's histogram shape, as Metronome's metrics use.
    func histogram(_ s: LatencySummary) -> JSONValue {
        .object(JSONObject([
            "count": .number(Double(s.count)), "min": .number(Double(s.min)), "max": .number(Double(s.max)),
            "mean": .number(s.mean.rounded()), "p50": .number(Double(s.p50)), "p75": .number(Double(s.p75)),
            "p95": .number(Double(s.p95)), "p99": .number(Double(s.p99)), "p999": .number(Double(s.p999)),
        ]))
    }

    /// Runs not yet launched, grouped by job (the full dotted id, unlike Metronome's
    /// first-segment quirk).
    func queue() async -> Response {
        let queued = await engine.queuedRuns()
        var order: [JobID] = []
        var byJob: [JobID: [JobRun]] = [:]
        for run in queued {
            if byJob[run.jobID] == nil { order.append(run.jobID) }
            byJob[run.jobID, default: []].append(run)
        }
        return HTTPReply.json(.ok, .array(order.map { id in
            .object(JSONObject([
                "jobId": .string(id.rawValue),
                "runs": .array(byJob[id]!.map { .object(JSONObject(["runId": .string($0.id.rawValue)])) }),
            ]))
        }))
    }

    // MARK: Jobs

    func listJobs(_ request: RoutedRequest) async -> Response {
        let embeds: MetronomeJSON.Embeds
        switch parseEmbeds(request) {
        case .success(let e): embeds = e
        case .failure(let reply): return reply.response
        }
        let snapshots = await engine.snapshots(includeHistory: !embeds.isDisjoint(with: [.history, .historySummary]))
        return HTTPReply.json(.ok, .array(snapshots.map { MetronomeJSON.jobInfo($0, embeds: embeds, inList: true) }))
    }

    func getJob(_ request: RoutedRequest, id: JobID) async -> Response {
        let embeds: MetronomeJSON.Embeds
        switch parseEmbeds(request) {
        case .success(let e): embeds = e
        case .failure(let reply): return reply.response
        }
        guard let snapshot = await engine.snapshot(id, includeHistory: !embeds.isDisjoint(with: [.history, .historySummary])) else {
            return MetronomeErrors.response(for: .jobNotFound(id))
        }
        return HTTPReply.json(.ok, MetronomeJSON.jobInfo(snapshot, embeds: embeds, inList: false))
    }

    func createJob(_ request: RoutedRequest, v0: Bool) async -> Response {
        let json: JSONValue
        switch parseBody(request) {
        case .success(let value): json = value
        case .failure(let reply): return reply.response
        }
        let spec: JobSpec
        do { spec = try JobSpecDecoder.decode(json) } catch { return MetronomeErrors.invalid(error) }
        do {
            let created = try await engine.createJob(spec)
            return await specResponse(.created, created, alwaysWriteSchedules: v0)
        } catch {
            return MetronomeErrors.response(for: error as any Error)
        }
    }

    func specResponse(_ status: HTTPResponse.Status, _ spec: JobSpec, alwaysWriteSchedules: Bool = false) async -> Response {
        var next: [String: Instant] = [:]
        for schedule in spec.schedules {
            if let instant = await engine.nextRunAt(spec.id, scheduleID: schedule.id) { next[schedule.id] = instant }
        }
        return HTTPReply.json(status, MetronomeJSON.spec(spec, nextRunAt: next, alwaysWriteSchedules: alwaysWriteSchedules))
    }

    /// Decodes a PUT body; the path id wins over the body's (which must still be valid).
    func decodeForUpdate(_ request: RoutedRequest, id: JobID) async -> Result<JobSpec, EarlyReply> {
        let json: JSONValue
        switch parseBody(request) {
        case .success(let value): json = value
        case .failure(let reply): return .failure(reply)
        }
        // Unknown job answers 404 before body validation, as Metronome's tests expect.
        guard await engine.job(id) != nil else { return .failure(EarlyReply(MetronomeErrors.response(for: .jobNotFound(id)))) }
        var spec: JobSpec
        do { spec = try JobSpecDecoder.decode(json) } catch { return .failure(EarlyReply(MetronomeErrors.invalid(error))) }
        spec.id = id
        return .success(spec)
    }

    func updateJobV1(_ request: RoutedRequest, id: JobID) async -> Response {
        switch await decodeForUpdate(request, id: id) {
        case .failure(let reply): return reply.response
        case .success(let spec):
            do {
                return await specResponse(.ok, try await engine.updateJob(spec, keepSchedules: true))
            } catch { return MetronomeErrors.response(for: error as any Error) }
        }
    }

    func updateJobV0(_ request: RoutedRequest, id: JobID) async -> Response {
        switch await decodeForUpdate(request, id: id) {
        case .failure(let reply): return reply.response
        case .success(let spec):
            do {
                return await specResponse(.ok, try await engine.updateJob(spec, keepSchedules: false), alwaysWriteSchedules: true)
            } catch { return MetronomeErrors.response(for: error as any Error) }
        }
    }

    func deleteJob(_ request: RoutedRequest, id: JobID) async -> Response {
        var stop = false
        if let value = request.queryValues("stopCurrentJobRuns").last {
            switch value {
            case "true", "1": stop = true
            case "false", "0": stop = false
            default:
                return MetronomeErrors.framework(.badRequest, "Cannot parse parameter stopCurrentJobRuns as Boolean: should be true, false, 0 or 1", path: request.path)
            }
        }
        do {
            let deleted = try await engine.deleteJob(id, stopCurrentRuns: stop)
            return HTTPReply.json(.ok, MetronomeJSON.spec(deleted, nextRunAt: [:]))
        } catch { return MetronomeErrors.response(for: error as any Error) }
    }

    // MARK: Runs

    func listRuns(id: JobID) async -> Response {
        guard await engine.job(id) != nil else { return MetronomeErrors.response(for: .jobNotFound(id)) }
        return HTTPReply.json(.ok, .array(await engine.activeRuns(of: id).map(MetronomeJSON.run)))
    }

    /// Sundial extension: the slots that did not run (docs/time.md).
    func listMissedSlots(_ request: RoutedRequest, id: JobID) async -> Response {
        var limit = 100
        if let text = request.queryValues("limit").first {
            guard let value = Int(text), (1...1000).contains(value) else {
                return MetronomeErrors.framework(.badRequest, "limit must be an integer between 1 and 1000", path: request.path)
            }
            limit = value
        }
        do {
            let slots = try await engine.missedSlots(of: id, limit: limit)
            return HTTPReply.json(.ok, .array(slots.map { slot in
                .object(JSONObject([
                    "scheduleId": .string(slot.scheduleID),
                    "scheduledAt": .string(slot.instant.metronomeFormat),
                    "recordedAt": .string(slot.recordedAt.metronomeFormat),
                ]))
            }))
        } catch { return MetronomeErrors.response(for: error as any Error) }
    }

    func startRun(id: JobID) async -> Response {
        do {
            return HTTPReply.json(.created, MetronomeJSON.run(try await engine.startRun(id)))
        } catch { return MetronomeErrors.response(for: error as any Error) }
    }

    func getRun(id: JobID, runID: String) async -> Response {
        guard let run = await engine.run(id, RunID(trusted: runID)) else {
            return MetronomeErrors.response(for: .runNotFound(id, runID))
        }
        return HTTPReply.json(.ok, MetronomeJSON.run(run))
    }

    func stopRun(id: JobID, runID: String) async -> Response {
        do {
            return HTTPReply.json(.ok, MetronomeJSON.run(try await engine.stopRun(id, RunID(trusted: runID))))
        } catch { return MetronomeErrors.response(for: error as any Error) }
    }

    // MARK: Schedules

    func scheduleJSON(_ id: JobID, _ schedule: ScheduleSpec) async -> JSONValue {
        .object(JobSpecEncoder.encode(schedule, nextRunAt: await engine.nextRunAt(id, scheduleID: schedule.id)))
    }

    func listSchedules(id: JobID) async -> Response {
        guard let job = await engine.job(id) else { return MetronomeErrors.response(for: .jobNotFound(id)) }
        var items: [JSONValue] = []
        for schedule in job.schedules { items.append(await scheduleJSON(id, schedule)) }
        return HTTPReply.json(.ok, .array(items))
    }

    func getSchedule(id: JobID, scheduleID: String) async -> Response {
        guard let job = await engine.job(id) else { return MetronomeErrors.response(for: .jobNotFound(id)) }
        guard let schedule = job.schedules.first(where: { $0.id == scheduleID }) else {
            return MetronomeErrors.response(for: .scheduleNotFound(id, scheduleID))
        }
        return HTTPReply.json(.ok, await scheduleJSON(id, schedule))
    }

    func addSchedule(_ request: RoutedRequest, id: JobID) async -> Response {
        let json: JSONValue
        switch parseBody(request) {
        case .success(let value): json = value
        case .failure(let reply): return reply.response
        }
        guard await engine.job(id) != nil else { return MetronomeErrors.response(for: .jobNotFound(id)) }
        let schedule: ScheduleSpec
        do { schedule = try JobSpecDecoder.decodeSchedule(json, standalone: true) } catch { return MetronomeErrors.invalid(error) }
        do {
            let added = try await engine.addSchedule(schedule, to: id)
            return HTTPReply.json(.created, await scheduleJSON(id, added))
        } catch { return MetronomeErrors.response(for: error as any Error) }
    }

    func updateSchedule(_ request: RoutedRequest, id: JobID, scheduleID: String) async -> Response {
        let json: JSONValue
        switch parseBody(request) {
        case .success(let value): json = value
        case .failure(let reply): return reply.response
        }
        guard let job = await engine.job(id) else { return MetronomeErrors.response(for: .jobNotFound(id)) }
        guard job.schedules.contains(where: { $0.id == scheduleID }) else {
            return MetronomeErrors.response(for: .scheduleNotFound(id, scheduleID))
        }
        var schedule: ScheduleSpec
        do { schedule = try JobSpecDecoder.decodeSchedule(json, standalone: true) } catch { return MetronomeErrors.invalid(error) }
        schedule.id = scheduleID
        do {
            let updated = try await engine.updateSchedule(schedule, of: id)
            return HTTPReply.json(.ok, await scheduleJSON(id, updated))
        } catch { return MetronomeErrors.response(for: error as any Error) }
    }

    func deleteSchedule(id: JobID, scheduleID: String) async -> Response {
        do {
            try await engine.deleteSchedule(scheduleID, of: id)
            return HTTPReply.empty(.ok)
        } catch { return MetronomeErrors.response(for: error as any Error) }
    }
}

import Foundation

/// A response decided before the handler's main work (bad body, bad query).
struct EarlyReply: Error {
    var response: Response
    init(_ response: Response) { self.response = response }
}
