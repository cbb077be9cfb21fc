import SundialCore

/// A consistent read of one job for the API: taken in one actor turn.
public struct JobSnapshot: Sendable {
    public var spec: JobSpec
    public var activeRuns: [JobRun]
    public var history: JobHistory?
    public var nextRunAt: [String: Instant]
}

extension Engine {
    public func snapshot(_ id: JobID, includeHistory: Bool) -> JobSnapshot? {
        guard let spec = jobs[id] else { return nil }
        return makeSnapshot(spec, includeHistory: includeHistory)
    }

    public func snapshots(includeHistory: Bool) -> [JobSnapshot] {
        jobs.values.sorted { $0.id < $1.id }.map { makeSnapshot($0, includeHistory: includeHistory) }
    }

    func makeSnapshot(_ spec: JobSpec, includeHistory: Bool) -> JobSnapshot {
        var next: [String: Instant] = [:]
        for schedule in spec.schedules {
            if let instant = nextRunAt(spec.id, scheduleID: schedule.id) { next[schedule.id] = instant }
        }
        let active = (runs[spec.id] ?? [:]).values.map(\.run).sorted { $0.createdAt < $1.createdAt }
        return JobSnapshot(
            spec: spec, activeRuns: active, history: includeHistory ? (histories[spec.id] ?? JobHistory()) : nil, nextRunAt: next)
    }
}
