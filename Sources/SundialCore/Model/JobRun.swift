/// One execution of a job, with one task per attempt.
public struct JobRun: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case INITIAL, STARTING, ACTIVE, SUCCESS, FAILED
        public var isTerminal: Bool { self == .SUCCESS || self == .FAILED }
    }

    /// Why the run exists. A scheduled run carries its slot so the store can refuse a second
    /// run for the same (job, schedule, instant).
    public enum Trigger: Sendable, Hashable {
        case manual
        case schedule(id: String, instant: Instant)
        case dependency
    }

    public var id: RunID
    public var jobID: JobID
    public var status: Status
    public var createdAt: Instant
    public var completedAt: Instant?
    public var tasks: [TaskRecord]
    public var trigger: Trigger
    /// Scheduled runs must reach ACTIVE by this instant or they are aborted.
    public var startingDeadline: Instant?
    /// The spec the run was started with; later edits to the job do not change a running run.
    public var spec: RunSpec

    public init(
        id: RunID, jobID: JobID, status: Status, createdAt: Instant, completedAt: Instant? = nil,
        tasks: [TaskRecord] = [], trigger: Trigger, startingDeadline: Instant? = nil, spec: RunSpec
    ) {
        self.id = id
        self.jobID = jobID
        self.status = status
        self.createdAt = createdAt
        self.completedAt = completedAt
        self.tasks = tasks
        self.trigger = trigger
        self.startingDeadline = startingDeadline
        self.spec = spec
    }

    public var isActive: Bool { !status.isTerminal }
}

/// One attempt of a run: one process.
public struct TaskRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case TASK_CREATED, TASK_STAGING, TASK_STARTING, TASK_RUNNING, TASK_FINISHED, TASK_FAILED, TASK_KILLED
        public var isTerminal: Bool { self == .TASK_FINISHED || self == .TASK_FAILED || self == .TASK_KILLED }
    }

    public var id: String
    public var status: Status
    public var startedAt: Instant?
    public var completedAt: Instant?
    /// Exit code, or minus the signal number when killed by a signal.
    public var exitCode: Int?
    public var message: String?
    /// Elements a data job reported processing (Chronos task progress).
    public var elementsProcessed: Int64?

    public init(
        id: String, status: Status, startedAt: Instant? = nil, completedAt: Instant? = nil, exitCode: Int? = nil,
        message: String? = nil
    ) {
        self.id = id
        self.status = status
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.exitCode = exitCode
        self.message = message
    }
}

/// A run id: `yyyyMMddHHmmss` (UTC) and 5 random alphanumerics, unique within a job.
public struct RunID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(trusted text: String) { rawValue = text }
    public var description: String { rawValue }
    public static func < (lhs: RunID, rhs: RunID) -> Bool { lhs.rawValue < rhs.rawValue }

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    public static func generate(at instant: Instant, using generator: inout some RandomNumberGenerator) -> RunID {
        // One draw for all five letters (62^5 < 2^30): with the system generator, one
        // getrandom call per run instead of five.
        var draw = UInt64.random(in: 0..<916_132_832, using: &generator)
        var text = instant.compactUTC
        for _ in 0..<5 {
            text.append(Character(Unicode.Scalar(alphabet[Int(draw % 62)])))
            draw /= 62
        }
        return RunID(trusted: text)
    }

    public static func generate(at instant: Instant) -> RunID {
        var generator = SystemRandomNumberGenerator()
        return generate(at: instant, using: &generator)
    }
}
