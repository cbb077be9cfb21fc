import SundialCore

/// What the UI's job list asks for: one page of the jobs in a group, filtered.
public struct JobListQuery: Sendable, Equatable {
    /// The folder shown (`prod.example`); nil is the top level.
    public var group: String?
    /// With filters the UI wants every match below the group, not only its direct jobs.
    public var recursive = false
    /// Case-insensitive substring of the id or the description.
    public var text: String?
    /// Empty means any status.
    public var statuses: Set<JobListStatus> = []
    /// Every pair must match; a nil value asks only that the key exists.
    public var labels: [LabelFilter] = []
    public var offset = 0
    public var limit = 50

    public struct LabelFilter: Sendable, Equatable {
        public var key: String
        public var value: String?
        public init(key: String, value: String?) {
            self.key = key
            self.value = value
        }
    }

    public init() {}
}

/// One word for a job's state in the list; the first that applies wins, so a failing job
/// stays visible as failed even while it is scheduled.
public enum JobListStatus: String, Sendable, CaseIterable {
    /// A run is active.
    case running
    /// The most recent finished run failed.
    case failed
    /// An enabled schedule will start it.
    case scheduled
    /// The most recent finished run succeeded and nothing will start it again.
    case completed
    /// Never run, nothing scheduled.
    case unscheduled
}

public struct JobListPage: Sendable {
    /// Matching jobs in this page's scope (direct members of the group, or every match
    /// below it when recursive), before paging.
    public var total: Int
    /// Sub-folders of the group holding matching jobs, with how many match below each.
    public var groups: [(name: String, count: Int)]
    public var items: [JobListItem]
}

public struct JobListItem: Sendable {
    public var spec: JobSpec
    public var status: JobListStatus
    public var lastRun: LastRun?
    /// The soonest instant an enabled schedule fires.
    public var nextRunAt: Instant?
    public var activeRuns: Int

    public struct LastRun: Sendable {
        public var succeeded: Bool
        public var finishedAt: Instant
    }
}
