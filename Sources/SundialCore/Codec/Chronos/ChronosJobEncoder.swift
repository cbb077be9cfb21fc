import Foundation

/// Writes a job as Chronos 3.x serializes it (reference/chronos.md §3.5), for jobs created
/// through either API: fields Metronome cannot express take Chronos' defaults.
public enum ChronosJobEncoder {
    /// Chronos' timestamp text: `2017-01-01T00:00:00.000Z`, or `""` for never.
    public static func timestamp(_ instant: Instant?) -> JSONValue {
        .string(instant.map { ISO8601Schedule.format($0, in: utc) } ?? "")
    }

    static let utc = TimeZone(identifier: "UTC")!

    /// The command and shell flag Chronos shows for a run spec.
    public static func command(of job: JobSpec) -> (command: String, shell: Bool, arguments: [String]) {
        if let cmd = job.run.cmd { return (cmd, true, job.chronos?.arguments ?? []) }
        if let args = job.run.args, let first = args.first { return (first, false, Array(args.dropFirst())) }
        return ("", job.chronos == nil, job.chronos?.arguments ?? [])
    }

    public static func isDisabled(_ job: JobSpec) -> Bool {
        (job.chronos?.disabled ?? false) || (job.schedules.first.map { !$0.enabled } ?? false)
    }

    /// Failures since the last success, as far as the kept history reaches.
    static func errorsSinceLastSuccess(_ history: JobHistory) -> Int {
        guard let lastFailure = history.lastFailureAt else { return 0 }
        guard let lastSuccess = history.lastSuccessAt else { return history.failureCount }
        guard lastFailure > lastSuccess else { return 0 }
        return max(1, history.failedFinishedRuns.filter { $0.finishedAt > lastSuccess }.count)
    }

    /// `exhausted`: the job's schedule has no repetition left; Chronos then disables it.
    public static func encode(_ job: JobSpec, history: JobHistory, parentNames: [String], exhausted: Bool = false) -> JSONObject {
        let chronos = job.chronos ?? ChronosFields(name: job.id.rawValue)
        let (command, shell, arguments) = command(of: job)
        let schedule = job.schedules.first
        var o = JSONObject()
        o["name"] = .string(chronos.name)
        o["command"] = .string(command)
        o["shell"] = .bool(shell)
        o["executor"] = .string(chronos.executor)
        o["executorFlags"] = .string(chronos.executorFlags)
        o["taskInfoData"] = .string(chronos.taskInfoData)
        let retries = job.run.restart.policy == .ON_FAILURE ? (job.run.restart.maxRetries ?? ChronosDefaults.retries) : 0
        o["retries"] = .number(Double(retries))
        o["owner"] = .string(chronos.owner)
        o["ownerName"] = .string(chronos.ownerName)
        o["description"] = .string(job.description ?? "")
        o["successCount"] = .number(Double(history.successCount))
        o["errorCount"] = .number(Double(history.failureCount))
        o["lastSuccess"] = timestamp(history.lastSuccessAt)
        o["lastError"] = timestamp(history.lastFailureAt)
        o["cpus"] = .number(job.run.cpus)
        o["disk"] = .number(job.run.disk)
        o["mem"] = .number(job.run.mem)
        o["disabled"] = .bool(isDisabled(job) || exhausted)
        o["softError"] = .bool(chronos.softError)
        o["dataProcessingJobType"] = .bool(chronos.dataProcessingJobType)
        o["errorsSinceLastSuccess"] = .number(Double(errorsSinceLastSuccess(history)))
        let uris = Set(chronos.uris)
        o["fetch"] = .array(job.run.artifacts.filter { !uris.contains($0.uri) }.map { a in
            .object(JSONObject(["uri": .string(a.uri), "executable": .bool(a.executable), "cache": .bool(a.cache), "extract": .bool(a.extract)]))
        })
        o["uris"] = .array(chronos.uris.map { .string($0) })
        o["environmentVariables"] = .array(job.run.env.keys.sorted().compactMap { name in
            guard case .value(let value) = job.run.env[name]! else { return nil }
            return .object(JSONObject(["name": .string(name), "value": .string(value)]))
        })
        o["arguments"] = .array(arguments.map { .string($0) })
        o["highPriority"] = .bool(chronos.highPriority)
        o["runAsUser"] = .string(job.run.user ?? "")
        o["concurrent"] = .bool(schedule.map { $0.concurrencyPolicy != .FORBID } ?? chronos.concurrent)
        o["maxCompletionTime"] = .number(Double(chronos.maxCompletionTime))
        if let container = chronos.container { o["container"] = container }
        o["constraints"] = .array(job.run.placement.constraints.map { c in
            .array([.string(c.attribute), .string(c.op == .IS ? "EQUALS" : c.op.rawValue), .string(c.value ?? "")])
        })
        o["epsilon"] = .string("PT\(schedule?.startingDeadlineSeconds ?? ChronosDefaults.epsilonSeconds)S")
        o["async"] = .bool(chronos.async)
        if let schedule {
            o["schedule"] = .string(schedule.expression)
            o["scheduleTimeZone"] = .string(schedule.kind == .iso8601 ? schedule.timezone : (schedule.timezone == "UTC" ? "" : schedule.timezone))
        } else {
            o["parents"] = .array(parentNames.map { .string($0) })
        }
        return o
    }

    /// `success`, `failure` or `fresh` from the last success and error instants.
    public static func lastOutcome(lastSuccess: Instant?, lastError: Instant?) -> String {
        switch (lastSuccess, lastError) {
        case (nil, nil): return "fresh"
        case (_?, nil): return "success"
        case (nil, _?): return "failure"
        case (let s?, let e?): return s > e ? "success" : "failure"
        }
    }
}
