import Synchronization
import SundialCore

/// A launcher whose tasks end when the test says so.
public final class FakeLauncher: TaskLauncher {
    struct State {
        var launched: [TaskLaunchRequest] = []
        var waiting: [String: CheckedContinuation<TaskOutcome, Never>] = [:]
        var finishedEarly: [String: TaskOutcome] = [:]
        var stopped: [String] = []
        var adoptions: [String: AdoptOutcome] = [:]
        var discarded: [JobID] = []
        var released: [String] = []
        var expected: [Int] = []
        var nextPID: Int32 = 1000
        /// While true, launches wait (a slow artifact fetch, a busy machine) until released.
        var holdLaunches = false
        var heldLaunches: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    public init() {}

    public var launched: [TaskLaunchRequest] { state.withLock { $0.launched } }
    public var stopped: [String] { state.withLock { $0.stopped } }
    /// Tasks the engine released (their end durably recorded), in order.
    public var released: [String] { state.withLock { $0.released } }
    /// Jobs whose sandboxes the engine asked to discard, in order.
    public var discarded: [JobID] { state.withLock { $0.discarded } }
    /// Every `expectLaunches` hint, in order.
    public var expectedLaunches: [Int] { state.withLock { $0.expected } }

    public func expectLaunches(_ count: Int) { state.withLock { $0.expected.append(count) } }

    /// Makes later launches wait until `releaseLaunches()`.
    public func holdLaunches() { state.withLock { $0.holdLaunches = true } }

    public func releaseLaunches() {
        let held = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.holdLaunches = false
            defer { state.heldLaunches = [] }
            return state.heldLaunches
        }
        for continuation in held { continuation.resume() }
    }

    public func launch(_ request: TaskLaunchRequest) async throws(LaunchError) -> LaunchedTask {
        await withCheckedContinuation { continuation in
            let held = state.withLock { state -> Bool in
                if state.holdLaunches { state.heldLaunches.append(continuation) }
                return state.holdLaunches
            }
            if !held { continuation.resume() }
        }
        return state.withLock { state in
            state.launched.append(request)
            state.nextPID += 1
            return LaunchedTask(taskID: request.taskID, sandbox: "/fake/\(request.taskID)", pid: state.nextPID)
        }
    }

    public func wait(for task: LaunchedTask) async -> TaskOutcome {
        await withCheckedContinuation { continuation in
            let early = state.withLock { state -> TaskOutcome? in
                if let outcome = state.finishedEarly.removeValue(forKey: task.taskID) { return outcome }
                state.waiting[task.taskID] = continuation
                return nil
            }
            if let early { continuation.resume(returning: early) }
        }
    }

    /// Ends a task with the given outcome.
    public func finish(_ taskID: String, _ outcome: TaskOutcome) {
        let continuation = state.withLock { state -> CheckedContinuation<TaskOutcome, Never>? in
            if let c = state.waiting.removeValue(forKey: taskID) { return c }
            state.finishedEarly[taskID] = outcome
            return nil
        }
        continuation?.resume(returning: outcome)
    }

    public func stop(_ task: LaunchedTask) {
        state.withLock { $0.stopped.append(task.taskID) }
        finish(task.taskID, .signaled(15, stopRequested: true))
    }

    public func setAdoption(_ taskID: String, _ outcome: AdoptOutcome) {
        state.withLock { $0.adoptions[taskID] = outcome }
    }

    public func release(taskID: String) {
        state.withLock { $0.released.append(taskID) }
    }

    public func discardSandboxes(of job: JobID) {
        state.withLock { $0.discarded.append(job) }
    }

    public func adopt(_ request: TaskLaunchRequest) async -> AdoptOutcome {
        state.withLock { $0.adoptions[request.taskID] ?? .lost }
    }
}
