import CSundialExecutor
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs tasks as local processes through `sundial-executor`, one long-lived C process per
/// state directory that starts, reaps and stops every task, so that tasks outlive a crash of
/// the server and a launch costs one process start.
///
/// - The executor is started on first use, in a session of its own, and reached through a
///   unix socket in the state directory; a restarted server finds the same executor there.
/// - Each task: a new session and process group, the given environment and nothing else,
///   cwd = sandbox, fd 0 = /dev/null, fd 1/2 appended to `<sandbox>/stdout` and `<sandbox>/stderr`.
/// - Exit statuses stay with the executor until `forget`, so one that arrives while no server
///   listens is still reported to the next one.
/// - If the executor itself dies, its tasks die with it (their main processes by their
///   parent-death signal, the rest of their process groups by the executor's guardian) and are `.lost`.
public final class LocalExecutor: Sendable {
    public let executorPath: String
    public let stateDirectory: String
    public let artifactCacheDirectory: String
    let watcher: ExitWatcher
    let artifacts: ArtifactFetcher
    let connection: ExecutorConnection
    let runningAsRoot: Bool

    public static let defaultKillGracePeriodSeconds = 3.0

    /// Where the executor is expected: `$SUNDIAL_EXECUTOR`, else `sundial-executor` next to the
    /// running executable (SwiftPM builds every product of the package into one directory).
    public static func bundledExecutorPath() -> String {
        if let path = ProcessInfo.processInfo.environment["SUNDIAL_EXECUTOR"], !path.isEmpty { return path }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent("sundial-executor").path
    }

    /// `stateDirectory` holds the executor's socket, lock and log (the server's data directory).
    public init(executorPath: String, stateDirectory: String, artifactCacheDirectory: String) throws {
        guard access(executorPath, X_OK) == 0 else {
            throw ExecutorError(.spawnFailed, "executor '\(executorPath)' is not executable: \(errnoString())")
        }
        let probe = sundial_pidfd_open(getpid())
        guard probe >= 0 else {
            throw ExecutorError(.spawnFailed, "pidfd_open is not available (Linux ≥ 5.4 needed): \(errnoString())")
        }
        close(probe)
        do {
            try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: artifactCacheDirectory, withIntermediateDirectories: true)
        } catch {
            throw ExecutorError(.sandboxFailed, "cannot create \(stateDirectory) or \(artifactCacheDirectory): \(error)")
        }
        self.executorPath = executorPath
        self.stateDirectory = stateDirectory
        self.artifactCacheDirectory = artifactCacheDirectory
        self.runningAsRoot = geteuid() == 0
        self.watcher = try ExitWatcher()
        self.artifacts = ArtifactFetcher(cacheDirectory: artifactCacheDirectory, watcher: watcher)
        self.connection = try ExecutorConnection(directory: stateDirectory, executablePath: executorPath, watcher: watcher)
    }

    deinit {
        connection.close()
        watcher.shutdown()
    }

    /// Creates the sandbox and fetches the artifacts into it: http and https through URLSession;
    /// `file://` URIs and absolute paths by copy. With `extract`, `.tar .tar.gz .tgz .tar.bz2 .tar.xz`
    /// are unpacked by `/bin/tar` and `.zip` by ZIPFoundation, into the sandbox, in order: later
    /// artifacts replace files of earlier ones. `executable` adds the x bits; `cache` keeps a copy keyed by URI in the cache directory and reuses it.
    /// When the task will run as another user (server is root), the sandbox's content is chowned to it.
    public func prepare(_ spec: TaskLaunchSpec) async throws(ExecutorError) {
        let sandbox = try SandboxFiles.normalize(spec.sandbox)
        let user = try applicableUser(spec)
        try SandboxFiles.createDirectory(sandbox)
        for artifact in spec.artifacts {
            try await artifacts.fetch(artifact, into: sandbox)
        }
        if let user {
            chownTree(sandbox, to: user)
        }
    }

    /// Starts the task. Returns once its process exists, not when it finishes.
    public func launch(_ spec: TaskLaunchSpec) async throws(ExecutorError) -> RunningTask {
        let sandbox = try SandboxFiles.normalize(spec.sandbox)
        let user = try applicableUser(spec)
        let grace = spec.killGracePeriodSeconds ?? Self.defaultKillGracePeriodSeconds
        guard grace.isFinite, grace >= 0, grace < 1e9 else {
            throw ExecutorError(.invalidSpec, "killGracePeriodSeconds must be a finite number ≥ 0")
        }
        guard !spec.taskID.isEmpty, !spec.taskID.utf8.contains(0) else {
            throw ExecutorError(.invalidSpec, "task id must be a non-empty string without NUL")
        }
        switch spec.command {
        case .shell(let command):
            guard !command.utf8.contains(0) else { throw ExecutorError(.invalidSpec, "command contains a NUL byte") }
        case .argv(let argv):
            guard let first = argv.first, !first.isEmpty else {
                throw ExecutorError(.invalidSpec, "argv must not be empty")
            }
            guard !argv.contains(where: { $0.utf8.contains(0) }) else {
                throw ExecutorError(.invalidSpec, "argv contains a NUL byte")
            }
        }
        var environment: [String] = []
        environment.reserveCapacity(spec.environment.count)
        for (name, value) in spec.environment {
            guard !name.isEmpty, !name.utf8.contains(UInt8(ascii: "=")), !name.utf8.contains(0),
                  !value.utf8.contains(0)
            else {
                throw ExecutorError(.invalidSpec, "invalid environment variable name or value: '\(name)'")
            }
            environment.append(name + "=" + value)
        }
        let fields = ExecutorProtocol.launchFields(
            taskID: spec.taskID, sandbox: sandbox, graceMilliseconds: Int((grace * 1000).rounded()), user: user,
            command: spec.command, environment: environment)
        let started = try await connection.launch(taskID: spec.taskID, fields: fields).get()
        return RunningTask(taskID: spec.taskID, sandbox: sandbox, pid: started.pid, startedAtMicroseconds: started.startedAtMicroseconds)
    }

    /// Finds a task started by an earlier server process (or another executor instance).
    public func adopt(taskID: String, sandbox: String) async -> AdoptResult {
        guard let sandbox = try? SandboxFiles.normalize(sandbox), !taskID.isEmpty, !taskID.utf8.contains(0) else { return .lost }
        switch await connection.query(taskID) {
        case .running(let pid):
            return .running(RunningTask(taskID: taskID, sandbox: sandbox, pid: pid))
        case .exited(let exit):
            return .finished(exit)
        case .unknown:
            return SandboxFiles.hasOutput(sandbox) ? .lost : .notStarted
        }
    }

    /// Suspends until the task has exited and returns its exit. Calling it again, or for a task
    /// another instance launched, is fine; a task no executor knows is `.lost`.
    public func waitForExit(_ task: RunningTask) async -> TaskExit {
        await connection.wait(task.taskID)
    }

    /// Asks the task to stop: SIGTERM to its process group, SIGKILL after the grace period.
    /// Harmless when the task has already finished.
    public func stop(_ task: RunningTask) {
        connection.stop(task.taskID)
    }

    /// The task's end is durably recorded elsewhere: its exit status need not be kept any more.
    public func forget(taskID: String) {
        connection.forget(taskID)
    }

    /// About this many launches are due soon: the executor makes that many sandboxes ahead
    /// while it is idle (0: its usual small pool).
    public func expectLaunches(_ count: Int) {
        connection.expect(count)
    }

    /// Lets an executor this instance started exit if it has nothing left to do (the server is
    /// shutting down). Tasks still running keep it running, for the next server to adopt.
    public func shutdown() async {
        await connection.shutdown()
    }

    // MARK: - Helpers

    private func applicableUser(_ spec: TaskLaunchSpec) throws(ExecutorError) -> ResolvedUser? {
        guard let name = spec.user else { return nil }
        let user = try ResolvedUser.lookup(name)
        return runningAsRoot ? user : nil
    }

    /// lchown of everything in the sandbox.
    private func chownTree(_ sandbox: String, to user: ResolvedUser) {
        _ = lchown(sandbox, user.uid, user.gid)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: sandbox) else { return }
        for name in names {
            let path = sandbox + "/" + name
            _ = lchown(path, user.uid, user.gid)
            if let enumerator = FileManager.default.enumerator(atPath: path) {
                while let sub = enumerator.nextObject() as? String {
                    _ = lchown(path + "/" + sub, user.uid, user.gid)
                }
            }
        }
    }
}

/// Calls `body` with a NULL-terminated `char *[]` copy of `strings`.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
