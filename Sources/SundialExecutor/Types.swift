/// What a task runs.
public enum TaskCommand: Sendable, Hashable {
    /// `/bin/sh -c <command>`.
    case shell(String)
    /// argv[0] is looked up in the task environment's `PATH` (glibc's default path when it has none)
    /// unless it contains a `/`. Must not be empty.
    case argv([String])
}

/// A file fetched into the sandbox before the task starts (Metronome `artifacts`, Chronos `fetch`/`uris`).
public struct ArtifactSpec: Sendable, Hashable {
    /// `http://`, `https://`, `file://` or an absolute path.
    public var uri: String
    /// Unpack `.tar .tar.gz .tgz .tar.bz2 .tar.xz .zip` into the sandbox (the archive itself stays).
    public var extract: Bool
    /// chmod +x the fetched file.
    public var executable: Bool
    /// Keep a copy in the executor's artifact cache, keyed by URI, and reuse it next time.
    public var cache: Bool

    public init(uri: String, extract: Bool = true, executable: Bool = false, cache: Bool = false) {
        self.uri = uri
        self.extract = extract
        self.executable = executable
        self.cache = cache
    }
}

public struct TaskLaunchSpec: Sendable {
    public var taskID: String
    /// Absolute directory path; created if missing.
    public var sandbox: String
    public var command: TaskCommand
    /// The task's whole environment: nothing from the server's environment is added.
    public var environment: [String: String]
    /// Applied only when the server runs as root; an unknown user is an error either way.
    public var user: String?
    public var artifacts: [ArtifactSpec]
    /// SIGTERM → SIGKILL delay on stop; nil means 3 s.
    public var killGracePeriodSeconds: Double?

    public init(
        taskID: String,
        sandbox: String,
        command: TaskCommand,
        environment: [String: String] = [:],
        user: String? = nil,
        artifacts: [ArtifactSpec] = [],
        killGracePeriodSeconds: Double? = nil
    ) {
        self.taskID = taskID
        self.sandbox = sandbox
        self.command = command
        self.environment = environment
        self.user = user
        self.artifacts = artifacts
        self.killGracePeriodSeconds = killGracePeriodSeconds
    }
}

public enum TaskExit: Sendable, Hashable {
    /// The task's main process exited with this code. 127: it could not be started
    /// (command not found, exec failed, privileges could not be dropped; the reason is in
    /// the sandbox's stderr file); 126: found but not executable.
    case exited(Int32)
    /// The task's main process was killed by this signal; `stopRequested` tells whether
    /// `stop` had been called (a SIGKILL after the grace period, or a SIGTERM it did not trap).
    case signaled(Int32, stopRequested: Bool)
    /// The executor that ran it died (taking the task with it), or never knew it.
    case lost

    public var succeeded: Bool {
        if case .exited(0) = self { return true }
        return false
    }
}

/// A launched (or adopted) task: the executor knows it by `taskID`.
public struct RunningTask: Sendable, Hashable {
    public var taskID: String
    public var sandbox: String
    /// The task's main process, also the id of its process group and session.
    public var pid: Int32
    /// When it started (had exec'd), by the wall clock in µs since the epoch, as the
    /// executor saw it; nil when not known (a task found again after a restart).
    public var startedAtMicroseconds: Int64?

    public init(taskID: String, sandbox: String, pid: Int32, startedAtMicroseconds: Int64? = nil) {
        self.taskID = taskID
        self.sandbox = sandbox
        self.pid = pid
        self.startedAtMicroseconds = startedAtMicroseconds
    }
}

public enum AdoptResult: Sendable, Hashable {
    /// The task runs; watch it with `waitForExit`.
    case running(RunningTask)
    /// The task finished while no server was watching.
    case finished(TaskExit)
    /// No trace of the task: it was never started, and may be launched now.
    case notStarted
    /// It was started (its sandbox has output files) but no executor knows it any more.
    case lost
}

public struct ExecutorError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The spec is unusable (relative sandbox, empty argv, bad environment name, ...).
        public static let invalidSpec = Code("invalidSpec")
        /// The sandbox could not be created or written.
        public static let sandboxFailed = Code("sandboxFailed")
        /// An artifact could not be fetched (bad URI, HTTP error, missing file, ...).
        public static let fetchFailed = Code("fetchFailed")
        /// An artifact was fetched but could not be unpacked.
        public static let extractFailed = Code("extractFailed")
        /// The task could not be started, or `sundial-executor` could not be reached or started.
        public static let spawnFailed = Code("spawnFailed")
        /// `user` names no user on this machine.
        public static let unknownUser = Code("unknownUser")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
