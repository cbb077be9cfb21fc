import Foundation
import SundialCore
import SundialExecutor

/// The engine's `TaskLauncher` port over the local supervisor-based executor. Owns the
/// sandbox layout: `<sandboxes>/<job>/<run>/<task>`.
final class LocalTaskLauncher: TaskLauncher {
    let executor: LocalExecutor
    let layout: SandboxLayout
    let runningAsRoot = geteuid() == 0

    init(layout: SandboxLayout, artifactCache: String, supervisorPath: String) throws {
        self.layout = layout
        self.executor = try LocalExecutor(supervisorPath: supervisorPath, artifactCacheDirectory: artifactCache)
    }

    func sandbox(for request: TaskLaunchRequest) -> String {
        layout.taskDirectory(request.jobID, request.runID, task: request.taskID)
    }

    /// Renames the job's directory out of the way at once, then deletes it in the
    /// background: a large tree takes a while, and a job created again under the same id
    /// must not see (or lose) files meanwhile.
    func discardSandboxes(of job: JobID) {
        let directory = layout.jobDirectory(job)
        let trash = layout.root + "/" + SandboxLayout.trashPrefix + job.rawValue + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        guard rename(directory, trash) == 0 else { return }
        Task.detached(priority: .background) { try? FileManager.default.removeItem(atPath: trash) }
    }

    func spec(for request: TaskLaunchRequest) -> TaskLaunchSpec {
        let run = request.spec
        let command: TaskCommand = if let cmd = run.cmd { .shell(cmd) } else { .argv(run.args ?? []) }
        var environment = request.environment
        let sandbox = sandbox(for: request)
        environment["MESOS_SANDBOX"] = sandbox
        environment["HOME"] = environment["HOME"] ?? sandbox
        return TaskLaunchSpec(
            taskID: request.taskID, sandbox: sandbox, command: command, environment: environment,
            user: runningAsRoot ? run.user : nil,
            artifacts: run.artifacts.map { ArtifactSpec(uri: $0.uri, extract: $0.extract, executable: $0.executable, cache: $0.cache) },
            killGracePeriodSeconds: run.taskKillGracePeriodSeconds)
    }

    func launch(_ request: TaskLaunchRequest) async throws(LaunchError) -> LaunchedTask {
        if request.spec.docker != nil || request.spec.ucr != nil {
            throw LaunchError("container images are not executed yet: this server runs commands on the host only")
        }
        let spec = spec(for: request)
        let executor = self.executor
        do {
            // Without artifacts there is nothing to fetch; `launch` creates the sandbox.
            if !spec.artifacts.isEmpty { try await executor.prepare(spec) }
            let running = try await Self.offload { () throws(ExecutorError) in try executor.launch(spec) }
            return LaunchedTask(taskID: running.taskID, sandbox: running.sandbox, pid: running.supervisorPID, processStartTime: running.startTime)
        } catch {
            throw LaunchError(error.description)
        }
    }

    /// Sandbox creation and `posix_spawn` block their thread for a millisecond or more; on
    /// Swift's cooperative pool (one thread per core) a burst of launches would stall the
    /// engine and the HTTP server with it. They run on threads of their own instead.
    static let blockingQueue = DispatchQueue(label: "sundial.launch", qos: .userInitiated, attributes: .concurrent)

    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws(ExecutorError) -> T) async throws(ExecutorError) -> T {
        let result: Result<T, ExecutorError> = await withCheckedContinuation { continuation in
            blockingQueue.async {
                do throws(ExecutorError) { continuation.resume(returning: .success(try work())) } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    func wait(for task: LaunchedTask) async -> TaskOutcome {
        let exit = await executor.waitForExit(running(task))
        switch exit {
        case .exited(let code): return .exited(code)
        case .signaled(let signal, let stopRequested): return .signaled(signal, stopRequested: stopRequested)
        case .lost: return .lost
        }
    }

    func stop(_ task: LaunchedTask) { executor.stop(running(task)) }

    func adopt(_ request: TaskLaunchRequest) async -> AdoptOutcome {
        let sandbox = sandbox(for: request)
        let supervisorFile = sandbox + "/.sundial/supervisor"
        let statusFile = sandbox + "/.sundial/status"
        func traces() -> Bool {
            FileManager.default.fileExists(atPath: supervisorFile) || FileManager.default.fileExists(atPath: statusFile)
        }
        if !traces() {
            // A supervisor spawned just before the crash may not have written its file yet.
            try? await Task.sleep(for: .milliseconds(200))
            if !traces() { return .notStarted }
        }
        switch executor.adopt(taskID: request.taskID, sandbox: sandbox) {
        case .running(let task):
            return .running(LaunchedTask(taskID: task.taskID, sandbox: task.sandbox, pid: task.supervisorPID, processStartTime: task.startTime))
        case .finished(let exit):
            switch exit {
            case .exited(let code): return .finished(.exited(code))
            case .signaled(let signal, let stopRequested): return .finished(.signaled(signal, stopRequested: stopRequested))
            case .lost: return .lost
            }
        case .lost: return .lost
        }
    }

    func running(_ task: LaunchedTask) -> RunningTask {
        RunningTask(taskID: task.taskID, sandbox: task.sandbox, supervisorPID: task.pid, startTime: task.processStartTime)
    }
}
