import SundialCore
import SundialEngine

/// Metronome's output shapes for runs, history and job info (reference/metronome.md §3.4, §5).
enum MetronomeJSON {
    static func timestamp(_ instant: Instant?) -> JSONValue {
        instant.map { .string($0.metronomeFormat) } ?? .null
    }

    static func run(_ run: JobRun) -> JSONValue {
        var o = JSONObject()
        o["id"] = .string(run.id.rawValue)
        o["jobId"] = .string(run.jobID.rawValue)
        o["status"] = .string(run.status.rawValue)
        o["createdAt"] = timestamp(run.createdAt)
        o["completedAt"] = timestamp(run.completedAt)
        o["tasks"] = .array(run.tasks.map(task))
        return .object(o)
    }

    /// Tasks omit absent instants instead of writing null.
    static func task(_ task: TaskRecord) -> JSONValue {
        var o = JSONObject()
        o["id"] = .string(task.id)
        o["status"] = .string(task.status.rawValue)
        if let startedAt = task.startedAt { o["startedAt"] = .string(startedAt.metronomeFormat) }
        if let completedAt = task.completedAt { o["completedAt"] = .string(completedAt.metronomeFormat) }
        // Sundial additions, written only when known: why a task failed (it may never have
        // started, so there is no log to read) and how its process ended.
        if let exitCode = task.exitCode { o["exitCode"] = .number(Double(exitCode)) }
        if let message = task.message { o["message"] = .string(message) }
        return .object(o)
    }

    static func historySummary(_ history: JobHistory) -> JSONObject {
        var o = JSONObject()
        o["successCount"] = .number(Double(history.successCount))
        o["failureCount"] = .number(Double(history.failureCount))
        o["lastSuccessAt"] = timestamp(history.lastSuccessAt)
        o["lastFailureAt"] = timestamp(history.lastFailureAt)
        return o
    }

    static func history(_ history: JobHistory) -> JSONObject {
        var o = historySummary(history)
        func finished(_ runs: [JobHistory.FinishedRun]) -> JSONValue {
            .array(runs.map { run in
                .object(JSONObject([
                    "id": .string(run.id.rawValue), "createdAt": timestamp(run.createdAt), "finishedAt": timestamp(run.finishedAt),
                    "tasks": .array(run.tasks.map { .string($0) }),
                ]))
            })
        }
        o["successfulFinishedRuns"] = finished(history.successfulFinishedRuns)
        o["failedFinishedRuns"] = finished(history.failedFinishedRuns)
        return o
    }

    struct Embeds: OptionSet {
        let rawValue: Int
        static let activeRuns = Embeds(rawValue: 1)
        static let schedules = Embeds(rawValue: 2)
        static let history = Embeds(rawValue: 4)
        static let historySummary = Embeds(rawValue: 8)
    }

    static func jobInfo(_ snapshot: JobSnapshot, embeds: Embeds, inList: Bool) -> JSONValue {
        let nextRunAt = snapshot.nextRunAt
        var o = JobSpecEncoder.encode(
            snapshot.spec,
            options: .init(alwaysWriteSchedules: embeds.contains(.schedules), nextRunAt: { nextRunAt[$0.id] }))
        if embeds.contains(.activeRuns), !(inList && snapshot.activeRuns.isEmpty) {
            o["activeRuns"] = .array(snapshot.activeRuns.map(run))
        }
        if embeds.contains(.history), let history = snapshot.history {
            o["history"] = .object(self.history(history))
        }
        if embeds.contains(.historySummary), let history = snapshot.history {
            o["historySummary"] = .object(historySummary(history))
        }
        return .object(o)
    }

    static func spec(_ spec: JobSpec, nextRunAt: [String: Instant], alwaysWriteSchedules: Bool = false) -> JSONValue {
        .object(JobSpecEncoder.encode(spec, options: .init(alwaysWriteSchedules: alwaysWriteSchedules, nextRunAt: { nextRunAt[$0.id] })))
    }
}
