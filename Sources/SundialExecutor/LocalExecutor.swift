import CSundialExecutor
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs tasks as local processes, each under its own `sundial-supervisor`, so a task survives a
/// crash of the server and its exit status still lands in its sandbox.
///
/// - The supervisor is spawned with `posix_spawn` (vfork-based in glibc) in a new session, with
///   the task's environment, cwd = sandbox, fd 0 = /dev/null, fd 1/2 = the sandbox's log files,
///   no other fds and default signal dispositions.
/// - Every supervisor is watched through a pidfd on one epoll thread per executor.
/// - After a restart, `adopt` finds a task again by its sandbox.
///
/// Needs Linux ≥ 5.4 (pidfd_open, waitid(P_PIDFD)) and glibc ≥ 2.34.
public final class LocalExecutor: Sendable {
    public let supervisorPath: String
    public let artifactCacheDirectory: String
    let watcher: ExitWatcher
    let artifacts: ArtifactFetcher
    let runningAsRoot: Bool

    public static let defaultKillGracePeriodSeconds = 3.0

    /// Where the supervisor is expected: `$SUNDIAL_SUPERVISOR`, else `sundial-supervisor` next to
    /// the running executable (SwiftPM builds every product of the package into one directory).
    public static func bundledSupervisorPath() -> String {
        if let path = ProcessInfo.processInfo.environment["SUNDIAL_SUPERVISOR"], !path.isEmpty { return path }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent("sundial-supervisor").path
    }

    public init(supervisorPath: String, artifactCacheDirectory: String) throws {
        guard access(supervisorPath, X_OK) == 0 else {
            throw ExecutorError(.spawnFailed, "supervisor '\(supervisorPath)' is not executable: \(errnoString())")
        }
        let probe = sundial_pidfd_open(getpid())
        guard probe >= 0 else {
            throw ExecutorError(.spawnFailed, "pidfd_open is not available (Linux ≥ 5.4 needed): \(errnoString())")
        }
        close(probe)
        do {
            try FileManager.default.createDirectory(atPath: artifactCacheDirectory, withIntermediateDirectories: true)
        } catch {
            throw ExecutorError(.sandboxFailed, "cannot create artifact cache \(artifactCacheDirectory): \(error)")
        }
        self.supervisorPath = supervisorPath
        self.artifactCacheDirectory = artifactCacheDirectory
        self.runningAsRoot = geteuid() == 0
        self.watcher = try ExitWatcher()
        self.artifacts = ArtifactFetcher(cacheDirectory: artifactCacheDirectory, watcher: watcher)
    }

    deinit {
        watcher.shutdown()
    }

    /// Creates the sandbox and fetches the artifacts into it: http and https through URLSession;
    /// `file://` URIs and absolute paths by copy. With `extract`, `.tar .tar.gz .tgz .tar.bz2 .tar.xz`
    /// are unpacked by `/bin/tar` and `.zip` by ZIPFoundation, into the sandbox. `executable` adds
    /// the x bits; `cache` keeps a copy keyed by URI in the cache directory and reuses it.
    /// When the task will run as another user (server is root), the sandbox's content is chowned to it.
    public func prepare(_ spec: TaskLaunchSpec) async throws(ExecutorError) {
        let sandbox = try SandboxFiles.normalize(spec.sandbox)
        let user = try applicableUser(spec)
        try SandboxFiles.createDirectories(sandbox)
        for artifact in spec.artifacts {
            try await artifacts.fetch(artifact, into: sandbox)
        }
        if let user {
            chownTree(sandbox, to: user)
        }
    }

    /// Spawns the task's supervisor. Returns once the process exists, not when it finishes.
    public func launch(_ spec: TaskLaunchSpec) throws(ExecutorError) -> RunningTask {
        let sandbox = try SandboxFiles.normalize(spec.sandbox)
        let user = try applicableUser(spec)
        let grace = spec.killGracePeriodSeconds ?? Self.defaultKillGracePeriodSeconds
        guard grace.isFinite, grace >= 0 else {
            throw ExecutorError(.invalidSpec, "killGracePeriodSeconds must be a finite number ≥ 0")
        }

        var arguments = [supervisorPath, "--sandbox", sandbox, "--grace", String(grace)]
        if let user {
            arguments += ["--uid", String(user.uid), "--gid", String(user.gid)]
            if !user.groups.isEmpty {
                arguments += ["--groups", user.groups.map { String($0) }.joined(separator: ",")]
            }
        }
        switch spec.command {
        case .shell(let command):
            guard !command.utf8.contains(0) else { throw ExecutorError(.invalidSpec, "command contains a NUL byte") }
            arguments += ["--shell", command]
        case .argv(let argv):
            guard let first = argv.first, !first.isEmpty else {
                throw ExecutorError(.invalidSpec, "argv must not be empty")
            }
            guard !argv.contains(where: { $0.utf8.contains(0) }) else {
                throw ExecutorError(.invalidSpec, "argv contains a NUL byte")
            }
            arguments += ["--exec"] + argv
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

        try SandboxFiles.createDirectories(sandbox)
        SandboxFiles.clearStaleState(sandbox)
        if let user {
            // The task may write in its working directory; .sundial stays the server's.
            _ = chown(sandbox, user.uid, user.gid)
        }

        var pid: pid_t = 0
        let rc = withCStringArray(arguments) { argv in
            withCStringArray(environment) { envp in
                sundial_spawn_supervisor(
                    &pid, supervisorPath, argv, envp, sandbox, sandbox + "/stdout", sandbox + "/stderr")
            }
        }
        guard rc == 0 else {
            throw ExecutorError(.spawnFailed, "cannot spawn \(supervisorPath) in \(sandbox): \(errnoString(rc))")
        }
        // Our child and not yet reaped, so the pid cannot have been reused.
        var startTime: UInt64 = 0
        _ = sundial_process_start_time(pid, &startTime)
        let pidfd = sundial_pidfd_open(pid)
        guard pidfd >= 0 else {
            let message = errnoString()
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            throw ExecutorError(.spawnFailed, "pidfd_open(\(pid)): \(message)")
        }
        let task = RunningTask(taskID: spec.taskID, sandbox: sandbox, supervisorPID: pid, startTime: startTime)
        watcher.watch(task, pidfd: pidfd, kind: .supervisor(sandbox: sandbox))
        return task
    }

    /// Re-attaches to a task started by an earlier server process, by its sandbox.
    public func adopt(taskID: String, sandbox: String) -> AdoptResult {
        guard let sandbox = try? SandboxFiles.normalize(sandbox) else { return .lost }
        func finishedOrLost() -> AdoptResult {
            SandboxFiles.readStatus(sandbox).map { .finished($0) } ?? .lost
        }
        if let exit = SandboxFiles.readStatus(sandbox) { return .finished(exit) }
        guard let (pid, startTime) = SandboxFiles.readSupervisor(sandbox) else { return finishedOrLost() }
        let task = RunningTask(taskID: taskID, sandbox: sandbox, supervisorPID: pid, startTime: startTime)
        if watcher.isWatching(task) { return .running(task) }
        guard isAlive(pid: pid, startTime: startTime) else { return finishedOrLost() }
        let pidfd = sundial_pidfd_open(pid)
        guard pidfd >= 0 else { return finishedOrLost() }
        // The pid may have been reused between the check and pidfd_open: check again, now that
        // the pidfd pins one process.
        guard isAlive(pid: pid, startTime: startTime) else {
            close(pidfd)
            return finishedOrLost()
        }
        watcher.watch(task, pidfd: pidfd, kind: .supervisor(sandbox: sandbox))
        return .running(task)
    }

    /// Suspends until the task's supervisor has exited and returns the task's exit.
    /// Call it once per task; concurrent calls for many tasks are fine. A task this executor
    /// does not watch (launched by another instance, or already collected) is adopted first.
    public func waitForExit(_ task: RunningTask) async -> TaskExit {
        if let exit = await watcher.wait(task) { return exit }
        switch adopt(taskID: task.taskID, sandbox: task.sandbox) {
        case .finished(let exit):
            return exit
        case .lost:
            return .lost
        case .running(let current):
            // A newer attempt runs in the same sandbox: the one asked about is gone.
            guard current.supervisorPID == task.supervisorPID, current.startTime == task.startTime else { return .lost }
            return await watcher.wait(current) ?? .lost
        }
    }

    /// Asks the task to stop: SIGTERM to its supervisor, which sends SIGTERM to the task's process
    /// group and SIGKILL after the grace period. Harmless when the task has already finished.
    public func stop(_ task: RunningTask) {
        if watcher.send(SIGTERM, to: task) { return }
        if isAlive(pid: task.supervisorPID, startTime: task.startTime) {
            kill(task.supervisorPID, SIGTERM)
        }
    }

    // MARK: - Helpers

    private func isAlive(pid: Int32, startTime: UInt64) -> Bool {
        var current: UInt64 = 0
        return sundial_process_start_time(pid, &current) == 0 && current == startTime
    }

    private func applicableUser(_ spec: TaskLaunchSpec) throws(ExecutorError) -> ResolvedUser? {
        guard let name = spec.user else { return nil }
        let user = try ResolvedUser.lookup(name)
        return runningAsRoot ? user : nil
    }

    /// lchown of everything in the sandbox but `.sundial`.
    private func chownTree(_ sandbox: String, to user: ResolvedUser) {
        _ = lchown(sandbox, user.uid, user.gid)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: sandbox) else { return }
        for name in names where name != SandboxFiles.metadataDirectory {
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
