/// Finished-run counters and the most recent finished runs of one job.
public struct JobHistory: Sendable, Hashable {
    public var successCount: Int = 0
    public var failureCount: Int = 0
    public var lastSuccessAt: Instant?
    public var lastFailureAt: Instant?
    /// Newest first, capped by the server's history limit.
    public var successfulFinishedRuns: [FinishedRun] = []
    public var failedFinishedRuns: [FinishedRun] = []

    public init() {}

    public struct FinishedRun: Sendable, Hashable {
        public var id: RunID
        public var createdAt: Instant
        public var finishedAt: Instant
        public var tasks: [String]
        public init(id: RunID, createdAt: Instant, finishedAt: Instant, tasks: [String]) {
            self.id = id
            self.createdAt = createdAt
            self.finishedAt = finishedAt
            self.tasks = tasks
        }
    }

    /// Records a finished run, keeping each list at most `limit` long.
    public mutating func record(_ run: JobRun, limit: Int) {
        guard let finishedAt = run.completedAt else { return }
        let entry = FinishedRun(id: run.id, createdAt: run.createdAt, finishedAt: finishedAt, tasks: run.tasks.map(\.id))
        if run.status == .SUCCESS {
            successCount += 1
            lastSuccessAt = finishedAt
            successfulFinishedRuns.insert(entry, at: 0)
            if successfulFinishedRuns.count > limit { successfulFinishedRuns.removeLast(successfulFinishedRuns.count - limit) }
        } else {
            failureCount += 1
            lastFailureAt = finishedAt
            failedFinishedRuns.insert(entry, at: 0)
            if failedFinishedRuns.count > limit { failedFinishedRuns.removeLast(failedFinishedRuns.count - limit) }
        }
    }
}
