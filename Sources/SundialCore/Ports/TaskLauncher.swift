/// Runs tasks somewhere: today a local process under `sundial-executor`, later an agent.
public protocol TaskLauncher: Sendable {
    /// Fetches artifacts and starts the task. Returns once the process exists.
    func launch(_ request: TaskLaunchRequest) async throws(LaunchError) -> LaunchedTask
    /// Suspends until the task ends.
    func wait(for task: LaunchedTask) async -> TaskOutcome
    /// SIGTERM now, SIGKILL after the grace period.
    func stop(_ task: LaunchedTask)
    /// Finds a task started by an earlier server process.
    func adopt(_ request: TaskLaunchRequest) async -> AdoptOutcome
    /// The task's end is durably recorded: what the launcher kept so that a crash could not
    /// lose it (the local executor keeps exit statuses until then) may go.
    func release(taskID: String)
    /// Removes what the job's tasks left behind (sandboxes with their logs); called once
    /// the job is deleted and none of its tasks runs any more. Synchronous, so that no run
    /// of a job created again under the same id can slip in between.
    func discardSandboxes(of job: JobID)
    /// About this many scheduled launches are due within the next minutes (0: nothing
    /// unusual): a launcher may prepare for them while it is idle.
    func expectLaunches(_ count: Int)
}

extension TaskLauncher {
    /// Launchers that keep nothing per finished task have nothing to release.
    public func release(taskID: String) {}
    /// Launchers that keep nothing per task have nothing to discard.
    public func discardSandboxes(of job: JobID) {}
    /// Launchers with nothing to prepare ignore the hint.
    public func expectLaunches(_ count: Int) {}
}

public struct TaskLaunchRequest: Sendable {
    public var jobID: JobID
    public var runID: RunID
    public var taskID: String
    public var spec: RunSpec
    public var environment: [String: String]
    public init(jobID: JobID, runID: RunID, taskID: String, spec: RunSpec, environment: [String: String]) {
        self.jobID = jobID
        self.runID = runID
        self.taskID = taskID
        self.spec = spec
        self.environment = environment
    }
}

/// A started task, as the launcher needs to find it again.
public struct LaunchedTask: Sendable, Hashable {
    public var taskID: String
    public var sandbox: String
    /// The task's main process (also its process group).
    public var pid: Int32
    /// When the process started, by the launcher's own wall clock (µs since the epoch), when
    /// it knows: on a loaded machine the news of a start arrives milliseconds after the start.
    public var startedAtMicroseconds: Int64?
    public init(taskID: String, sandbox: String, pid: Int32, startedAtMicroseconds: Int64? = nil) {
        self.taskID = taskID
        self.sandbox = sandbox
        self.pid = pid
        self.startedAtMicroseconds = startedAtMicroseconds
    }
}

public enum TaskOutcome: Sendable, Hashable {
    case exited(Int32)
    case signaled(Int32, stopRequested: Bool)
    /// The task vanished and left no exit status.
    case lost

    public var succeeded: Bool {
        if case .exited(0) = self { return true }
        return false
    }
}

public enum AdoptOutcome: Sendable, Hashable {
    case running(LaunchedTask)
    case finished(TaskOutcome)
    /// No trace that the task was ever started: safe to launch it.
    case notStarted
    case lost
}

public struct LaunchError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
