import Foundation
import SundialCore
import SundialExecutor

/// The engine's `TaskLauncher` port over the local executor (`sundial-executor`). Owns the
/// sandbox layout: `<sandboxes>/<job>/<run>/<task>`.
final class LocalTaskLauncher: TaskLauncher {
    let executor: LocalExecutor
    let layout: SandboxLayout
    /// Told when a task starts and ends in a sandbox, for the log retention sweep.
    let tracker: SandboxTracker
    let runningAsRoot = geteuid() == 0

    init(layout: SandboxLayout, tracker: SandboxTracker, artifactCache: String, dataDirectory: String, executorPath: String) throws {
        self.layout = layout
        self.tracker = tracker
        self.executor = try LocalExecutor(executorPath: executorPath, stateDirectory: dataDirectory, artifactCacheDirectory: artifactCache)
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
        tracker.forgetJob(job)
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
        tracker.started(spec.sandbox)
        do {
            // Without artifacts there is nothing to fetch; the executor creates the sandbox.
            if !spec.artifacts.isEmpty { try await executor.prepare(spec) }
            // No blocking work here: the request goes to the executor's socket and the
            // sandbox is made there.
            let running = try await executor.launch(spec)
            return LaunchedTask(
                taskID: running.taskID, sandbox: running.sandbox, pid: running.pid, startedAtMicroseconds: running.startedAtMicroseconds)
        } catch {
            tracker.ended(spec.sandbox)
            throw LaunchError(error.description)
        }
    }

    func wait(for task: LaunchedTask) async -> TaskOutcome {
        let exit = await executor.waitForExit(running(task))
        tracker.ended(task.sandbox)
        return outcome(exit)
    }

    func stop(_ task: LaunchedTask) { executor.stop(running(task)) }

    func release(taskID: String) { executor.forget(taskID: taskID) }

    func expectLaunches(_ count: Int) { executor.expectLaunches(count) }

    func adopt(_ request: TaskLaunchRequest) async -> AdoptOutcome {
        let sandbox = sandbox(for: request)
        let adopted = await executor.adopt(taskID: request.taskID, sandbox: sandbox)
        if case .running = adopted { tracker.started(sandbox) } else { tracker.ended(sandbox) }
        switch adopted {
        case .running(let task):
            return .running(LaunchedTask(taskID: task.taskID, sandbox: task.sandbox, pid: task.pid))
        case .finished(let exit):
            let outcome = outcome(exit)
            return outcome == .lost ? .lost : .finished(outcome)
        case .notStarted:
            return .notStarted
        case .lost:
            return .lost
        }
    }

    /// The server is stopping: an idle executor that this server started exits with it.
    func shutdown() async { await executor.shutdown() }

    func outcome(_ exit: TaskExit) -> TaskOutcome {
        switch exit {
        case .exited(let code): .exited(code)
        case .signaled(let signal, let stopRequested): .signaled(signal, stopRequested: stopRequested)
        case .lost: .lost
        }
    }

    func running(_ task: LaunchedTask) -> RunningTask {
        RunningTask(taskID: task.taskID, sandbox: task.sandbox, pid: task.pid)
    }
}
