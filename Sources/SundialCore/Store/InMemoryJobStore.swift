import Synchronization

/// The reference `JobStore`: everything in memory, same rules as the durable stores (a
/// batch applies whole or not at all; one run per scheduled slot). Used by tests and as the
/// executable specification of the store contract.
public final class InMemoryJobStore: JobStore {
    struct State {
        var jobs: [JobID: JobSpec] = [:]
        var runs: [JobID: [RunID: JobRun]] = [:]
        var slots: Set<SlotKey> = []
        var history: [JobID: HistoryCounters] = [:]
        var cursors: [ScheduleKey: Instant] = [:]
        var missed: [MissedSlot] = []
    }

    struct SlotKey: Hashable {
        var job: JobID
        var schedule: String
        var instant: Instant
    }

    private let state = Mutex(State())

    public init() {}

    /// Applies at once whatever the urgency: nothing here is worth gathering.
    public func submit(_ changes: [StoreChange], urgency: WriteUrgency, completion: @escaping @Sendable (Result<Void, StoreError>) -> Void) {
        let result: Result<Void, StoreError> = state.withLock { state in
            var draft = state
            for change in changes {
                if let error = Self.apply(change, to: &draft) { return .failure(error) }
            }
            state = draft
            return .success(())
        }
        completion(result)
    }

    static func apply(_ change: StoreChange, to state: inout State) -> StoreError? {
        switch change {
        case .putJob(let job): state.jobs[job.id] = job
        case .deleteJob(let id):
            state.jobs[id] = nil
            state.runs[id] = nil
            state.history[id] = nil
            state.slots = state.slots.filter { $0.job != id }
            state.cursors = state.cursors.filter { $0.key.jobID != id }
            state.missed.removeAll { $0.jobID == id }
        case .insertRun(let run):
            if state.runs[run.jobID]?[run.id] != nil { return StoreError(.conflict, "run \(run.id) exists") }
            if case .schedule(let scheduleID, let instant) = run.trigger {
                let key = SlotKey(job: run.jobID, schedule: scheduleID, instant: instant)
                if state.slots.contains(key) { return StoreError(.conflict, "slot \(instant) of \(run.jobID) already has a run") }
                state.slots.insert(key)
            }
            state.runs[run.jobID, default: [:]][run.id] = run
        case .updateRun(let run):
            if state.runs[run.jobID]?[run.id] != nil { state.runs[run.jobID]?[run.id] = run }
        case .putHistory(let id, let counters): state.history[id] = counters
        case .putCursor(let id, let scheduleID, let instant): state.cursors[ScheduleKey(jobID: id, scheduleID: scheduleID)] = instant
        case .deleteCursor(let id, let scheduleID): state.cursors[ScheduleKey(jobID: id, scheduleID: scheduleID)] = nil
        case .recordMissedSlot(let slot):
            if !state.missed.contains(where: { $0.jobID == slot.jobID && $0.scheduleID == slot.scheduleID && $0.instant == slot.instant }) {
                state.missed.append(slot)
            }
        }
        return nil
    }

    public func load(historyLimit: Int) async throws(StoreError) -> StoreSnapshot {
        state.withLock { state in
            var snapshot = StoreSnapshot()
            snapshot.jobs = state.jobs.values.sorted { $0.id < $1.id }
            snapshot.cursors = state.cursors
            // Counters exist without runs too (a Chronos mark-success), as in the SQLite store.
            for jobID in Set(state.runs.keys).union(state.history.keys) {
                let runs = state.runs[jobID] ?? [:]
                var history = JobHistory()
                if let counters = state.history[jobID] {
                    history.successCount = counters.successCount
                    history.failureCount = counters.failureCount
                    history.lastSuccessAt = counters.lastSuccessAt
                    history.lastFailureAt = counters.lastFailureAt
                }
                let finished = runs.values.filter { $0.status.isTerminal }.sorted { ($0.completedAt ?? $0.createdAt) > ($1.completedAt ?? $1.createdAt) }
                for run in finished {
                    let entry = JobHistory.FinishedRun(id: run.id, createdAt: run.createdAt, finishedAt: run.completedAt ?? run.createdAt, tasks: run.tasks.map(\.id))
                    if run.status == .SUCCESS, history.successfulFinishedRuns.count < historyLimit { history.successfulFinishedRuns.append(entry) }
                    if run.status == .FAILED, history.failedFinishedRuns.count < historyLimit { history.failedFinishedRuns.append(entry) }
                }
                snapshot.histories[jobID] = history
                snapshot.activeRuns += runs.values.filter { !$0.status.isTerminal }
            }
            return snapshot
        }
    }

    public func finishedRun(job: JobID, run: RunID) async throws(StoreError) -> JobRun? {
        state.withLock { $0.runs[job]?[run] }
    }

    /// Every run stored for a job (tests look at what was recorded).
    public func storedRuns(of job: JobID) -> [JobRun] {
        state.withLock { ($0.runs[job] ?? [:]).values.sorted { $0.createdAt < $1.createdAt } }
    }

    public func missedSlots(job: JobID, limit: Int) async throws(StoreError) -> [MissedSlot] {
        Array(missedSlots(of: job).sorted { $0.instant > $1.instant }.prefix(limit))
    }

    public func missedSlots(of job: JobID) -> [MissedSlot] {
        state.withLock { $0.missed.filter { $0.jobID == job } }
    }
}
