/// Where jobs, runs and history live durably. Every method that changes state returns only
/// after the change is durable; a batch is applied entirely or not at all.
public protocol JobStore: Sendable {
    /// Everything the engine keeps in memory, read once at start-up.
    func load(historyLimit: Int) async throws(StoreError) -> StoreSnapshot
    /// Queues the changes to be applied atomically, in call order, and calls `completion`
    /// once they are durable (or failed). Synchronous so that callers on one actor keep
    /// their write order. `urgency` says whether the write may wait a moment for company.
    func submit(_ changes: [StoreChange], urgency: WriteUrgency, completion: @escaping @Sendable (Result<Void, StoreError>) -> Void)
    /// One run by id, finished or not (finished runs are not kept in the engine's memory).
    func finishedRun(job: JobID, run: RunID) async throws(StoreError) -> JobRun?
    /// Slots of a job recorded as missed, newest first.
    func missedSlots(job: JobID, limit: Int) async throws(StoreError) -> [MissedSlot]
}

/// How soon a write must be committed.
public enum WriteUrgency: Sendable {
    /// Someone waits for it (a process about to start, a client): commit as soon as the
    /// store can.
    case now
    /// Nobody waits for it (a run's end, a task turning RUNNING, a schedule's cursor): under
    /// a steady stream of writes it may wait a few milliseconds to share a commit, and its
    /// fsync, with others. Never reordered: a later `.now` write commits it too.
    case soon
}

extension JobStore {
    public func submit(_ changes: [StoreChange], completion: @escaping @Sendable (Result<Void, StoreError>) -> Void) {
        submit(changes, urgency: .now, completion: completion)
    }

    /// Returns once every change submitted before the call is written (stores write their
    /// submissions in order). A server shutting down calls it, so that nothing written in
    /// the background — a skipped slot's cursor, a missed slot, a finished run — is lost.
    public func flush() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            submit([]) { _ in done.resume() }
        }
    }
}

public enum StoreChange: Sendable {
    case putJob(JobSpec)
    /// Removes the job with its runs, history and schedule cursors.
    case deleteJob(JobID)
    /// Inserts a new run. Fails with `.conflict` when a run for the same scheduled slot
    /// (job, schedule, instant) already exists: that is what makes a slot fire once.
    case insertRun(JobRun)
    case updateRun(JobRun)
    case putHistory(JobID, HistoryCounters)
    /// The last slot of a schedule that was handled (fired, skipped or missed).
    case putCursor(JobID, scheduleID: String, Instant)
    case deleteCursor(JobID, scheduleID: String)
    case recordMissedSlot(MissedSlot)
}

public struct HistoryCounters: Sendable, Hashable {
    public var successCount: Int
    public var failureCount: Int
    public var lastSuccessAt: Instant?
    public var lastFailureAt: Instant?
    public init(successCount: Int = 0, failureCount: Int = 0, lastSuccessAt: Instant? = nil, lastFailureAt: Instant? = nil) {
        self.successCount = successCount
        self.failureCount = failureCount
        self.lastSuccessAt = lastSuccessAt
        self.lastFailureAt = lastFailureAt
    }
}

extension JobHistory {
    public var counters: HistoryCounters {
        HistoryCounters(successCount: successCount, failureCount: failureCount, lastSuccessAt: lastSuccessAt, lastFailureAt: lastFailureAt)
    }
}

/// A scheduled instant that did not run because it was past its starting deadline.
public struct MissedSlot: Sendable, Hashable {
    public var jobID: JobID
    public var scheduleID: String
    public var instant: Instant
    public var recordedAt: Instant
    public init(jobID: JobID, scheduleID: String, instant: Instant, recordedAt: Instant) {
        self.jobID = jobID
        self.scheduleID = scheduleID
        self.instant = instant
        self.recordedAt = recordedAt
    }
}

public struct StoreSnapshot: Sendable {
    public var jobs: [JobSpec] = []
    public var activeRuns: [JobRun] = []
    public var histories: [JobID: JobHistory] = [:]
    public var cursors: [ScheduleKey: Instant] = [:]
    public init() {}
}

public struct ScheduleKey: Sendable, Hashable {
    public var jobID: JobID
    public var scheduleID: String
    public init(jobID: JobID, scheduleID: String) {
        self.jobID = jobID
        self.scheduleID = scheduleID
    }
}

public struct StoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public static let conflict = Code(name: "conflict")
        public static let io = Code(name: "io")
        public static let corrupt = Code(name: "corrupt")
        public var description: String { name }
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "store \(code): \(message)" }
}

extension JobStore {
    /// Applies the changes atomically and returns when they are durable.
    public func apply(_ changes: [StoreChange]) async throws(StoreError) {
        let result: Result<Void, StoreError> = await withCheckedContinuation { continuation in
            submit(changes) { continuation.resume(returning: $0) }
        }
        try result.get()
    }
}
