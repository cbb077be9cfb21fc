import SundialCore

/// A consistent read of one job for the API: taken in one actor turn.
public struct JobSnapshot: Sendable {
    public var spec: JobSpec
    public var activeRuns: [JobRun]
    public var history: JobHistory?
    public var nextRunAt: [String: Instant]

    /// It has enabled schedules and none will fire again (Chronos then reports the job
    /// disabled, as it does once a job's repetitions are used up).
    public var schedulesExhausted: Bool {
        let enabled = spec.schedules.filter(\.enabled)
        return !enabled.isEmpty && enabled.allSatisfy { nextRunAt[$0.id] == nil }
    }
}

/// The engine's state as of one actor turn. Copying the dictionaries is O(1) (copy on
/// write), so the turn is short; building, sorting and encoding snapshots of every job then
/// happens off the actor, where it cannot delay a timer.
struct EngineStateCopy: Sendable {
    /// Job ids in order (the engine's cached sorted list, shared with the UI listing).
    var ids: [JobID]
    var jobs: [JobID: JobSpec]
    var runs: [JobID: [RunID: RunState]]
    var histories: [JobID: JobHistory]
    var armed: [ScheduleKey: ArmedSchedule]
    var now: Instant

    func snapshot(_ spec: JobSpec, includeHistory: Bool) -> JobSnapshot {
        Self.snapshot(spec, runs: runs, histories: histories, armed: armed, now: now, includeHistory: includeHistory)
    }

    static func snapshot(
        _ spec: JobSpec, runs: [JobID: [RunID: RunState]], histories: [JobID: JobHistory], armed: [ScheduleKey: ArmedSchedule],
        now: Instant, includeHistory: Bool
    ) -> JobSnapshot {
        var next: [String: Instant] = [:]
        for schedule in spec.schedules {
            if let instant = nextRunAt(spec, schedule, armed: armed, now: now) { next[schedule.id] = instant }
        }
        let active = (runs[spec.id] ?? [:]).values.map(\.run).sorted { $0.createdAt < $1.createdAt }
        return JobSnapshot(
            spec: spec, activeRuns: active, history: includeHistory ? (histories[spec.id] ?? JobHistory()) : nil, nextRunAt: next)
    }

    /// What the timer is armed with; for a schedule not armed (disabled, or an expression a
    /// hand-edited database broke), what it would fire next.
    static func nextRunAt(_ spec: JobSpec, _ schedule: ScheduleSpec, armed: [ScheduleKey: ArmedSchedule], now: Instant) -> Instant? {
        if let armed = armed[ScheduleKey(jobID: spec.id, scheduleID: schedule.id)] {
            return armed.next ?? armed.compiled.next(after: now)
        }
        return CompiledSchedule(schedule).flatMap { $0.next(after: now) }
    }
}

extension Engine {
    public func snapshot(_ id: JobID, includeHistory: Bool) -> JobSnapshot? {
        guard let spec = jobs[id] else { return nil }
        // Straight from the engine's state: a copy would also fetch the sorted id list.
        return EngineStateCopy.snapshot(spec, runs: runs, histories: histories, armed: armed.byKey, now: clock.now(), includeHistory: includeHistory)
    }

    /// Every job, sorted by id. Built outside the actor from a copy taken in one turn.
    nonisolated public func snapshots(includeHistory: Bool) async -> [JobSnapshot] {
        let state = await stateCopy()
        return state.ids.compactMap { state.jobs[$0].map { state.snapshot($0, includeHistory: includeHistory) } }
    }

    func stateCopy() -> EngineStateCopy {
        EngineStateCopy(ids: orderedJobIDs(), jobs: jobs, runs: runs, histories: histories, armed: armed.byKey, now: clock.now())
    }

    /// A free Metronome id for a job created through the Chronos API under `name`.
    public func availableID(forChronosName name: String) -> JobID {
        ChronosNames.metronomeID(for: name, isTaken: { jobs[$0] != nil || reservedIDs.contains($0) })
    }
}
