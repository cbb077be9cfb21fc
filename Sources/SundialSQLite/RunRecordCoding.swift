import SundialCore

/// The JSON kept in `runs.data`: what a run needs beyond its indexed columns.
enum RunRecordCoding {
    static func encode(_ run: JobRun) -> String {
        var o = JSONObject()
        o["tasks"] = .array(run.tasks.map { task in
            var t = JSONObject()
            t["id"] = .string(task.id)
            t["status"] = .string(task.status.rawValue)
            if let startedAt = task.startedAt { t["startedAt"] = .number(Double(startedAt.millisecondsSinceEpoch)) }
            if let completedAt = task.completedAt { t["completedAt"] = .number(Double(completedAt.millisecondsSinceEpoch)) }
            if let exitCode = task.exitCode { t["exitCode"] = .number(Double(exitCode)) }
            if let message = task.message { t["message"] = .string(message) }
            if let elements = task.elementsProcessed { t["elementsProcessed"] = .number(Double(elements)) }
            return .object(t)
        })
        switch run.trigger {
        case .manual: o["trigger"] = "manual"
        case .dependency: o["trigger"] = "dependency"
        case .schedule: o["trigger"] = "schedule"
        }
        if let deadline = run.startingDeadline { o["startingDeadline"] = .number(Double(deadline.millisecondsSinceEpoch)) }
        o["spec"] = .object(JobSpecEncoder.encode(run.spec, options: .storage))
        return JSONWriter.string(.object(o))
    }

    static func decode(
        jobID: JobID, runID: RunID, status: String, createdAt: Instant, completedAt: Instant?,
        scheduleID: String?, scheduledAt: Instant?, data: String
    ) throws(StoreError) -> JobRun {
        let json: JSONValue
        do { json = try JSONParser.parse(data) } catch { throw StoreError(.corrupt, "run \(jobID).\(runID): \(error)") }
        guard let status = JobRun.Status(rawValue: status), let specJSON = json["spec"] else {
            throw StoreError(.corrupt, "run \(jobID).\(runID): bad status or spec")
        }
        let spec: RunSpec
        do { spec = try JobSpecDecoder.decodeStoredRun(specJSON) } catch { throw StoreError(.corrupt, "run \(jobID).\(runID): \(error)") }
        func instant(_ value: JSONValue?) -> Instant? {
            value?.numberValue.map { Instant(millisecondsSinceEpoch: Int64($0)) }
        }
        let tasks: [TaskRecord] = (json["tasks"]?.arrayValue ?? []).compactMap { t in
            guard let id = t["id"]?.stringValue, let status = t["status"]?.stringValue.flatMap(TaskRecord.Status.init(rawValue:)) else { return nil }
            var task = TaskRecord(
                id: id, status: status, startedAt: instant(t["startedAt"]), completedAt: instant(t["completedAt"]),
                exitCode: t["exitCode"]?.numberValue.map { Int($0) }, message: t["message"]?.stringValue)
            task.elementsProcessed = t["elementsProcessed"]?.numberValue.map { Int64($0) }
            return task
        }
        let trigger: JobRun.Trigger
        switch json["trigger"]?.stringValue {
        case "schedule":
            if let scheduleID, let scheduledAt { trigger = .schedule(id: scheduleID, instant: scheduledAt) } else { trigger = .manual }
        case "dependency": trigger = .dependency
        default: trigger = .manual
        }
        return JobRun(
            id: runID, jobID: jobID, status: status, createdAt: createdAt, completedAt: completedAt, tasks: tasks,
            trigger: trigger, startingDeadline: instant(json["startingDeadline"]), spec: spec)
    }
}
