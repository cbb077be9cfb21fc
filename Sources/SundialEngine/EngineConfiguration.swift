import SundialCore

public struct EngineConfiguration: Sendable {
    /// Finished runs kept per job and status (Metronome `history.count`).
    public var historyLimit: Int = 1000
    /// Variables every task starts with (PATH and the like), before the job's own `env`.
    public var baseEnvironment: [String: String] = [:]
    /// This machine's name: the `hostname` attribute constraints are matched against.
    public var hostname: String = "localhost"
    /// Further attributes (`--attribute rack=r1`) for placement constraints.
    public var attributes: [String: String] = [:]

    public init(historyLimit: Int = 1000, baseEnvironment: [String: String] = [:], hostname: String = "localhost", attributes: [String: String] = [:]) {
        self.historyLimit = historyLimit
        self.baseEnvironment = baseEnvironment
        self.hostname = hostname
        self.attributes = attributes
    }
}

/// Counters exposed through `/v1/metrics`.
public struct EngineMetrics: Sendable {
    public var runsStarted = 0
    public var runsSucceeded = 0
    public var runsFailed = 0
    public var tasksLaunched = 0
    public var scheduledTriggers = 0
    public var skippedTriggers = 0
    public var missedSlots = 0
    /// Scheduled runs aborted because they were not ACTIVE by their starting deadline.
    public var startingDeadlineAborts = 0
    /// Scheduled runs: run created minus scheduled instant.
    public var triggerSkew = LatencySummary(count: 0)
    /// Scheduled runs: first task's process started minus scheduled instant.
    public var processStartSkew = LatencySummary(count: 0)
    public var activeRuns = 0
    public var jobs = 0
    public init() {}
}
