import CSundialExecutor
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The server's side of the `sundial-executor` socket: one thread that writes queued requests
/// (many per system call under load) and reads replies and exits, and the continuations that
/// wait for them.
///
/// The executor is found through its socket in `directory`, or started there (in a session of
/// its own, so it outlives this process) when nothing answers. When the connection breaks, the
/// thread connects again (starting a new executor if the old one died) and asks about every
/// launch in flight and every task still watched: an executor that survived answers; a new one
/// knows nothing, and those tasks are lost.
final class ExecutorConnection: Sendable {
    let directory: String
    let executablePath: String
    let watcher: ExitWatcher
    let wakefd: Int32
    let state = Mutex(State())

    struct State {
        /// Frames not yet handed to the I/O thread.
        var output: [UInt8] = []
        var wakePending = false
        var launches: [String: CheckedContinuation<Result<StartedProcess, ExecutorError>, Never>] = [:]
        var queries: [String: [CheckedContinuation<ExecutorProtocol.TaskState, Never>]] = [:]
        /// Tasks launched or adopted here whose exit has not arrived yet.
        var watched: Set<String> = []
        var waiters: [String: [CheckedContinuation<TaskExit?, Never>]] = [:]
        /// Exits that arrived, kept until `forget`, so that waiting twice gives the same answer.
        var exits: [String: TaskExit] = [:]
        var exitReplies: [CheckedContinuation<Bool, Never>] = []
        /// The latest `expect`: sent again to an executor reached after a reconnect.
        var expectedLaunches = 0
        /// The executor this connection started, when it is still our child: the process we
        /// spawned, which forks the executor proper and stays as its guardian until it has exited.
        var spawnedPID: Int32?
        /// No new requests (after `shutdown` or `close`).
        var closed = false
        /// The I/O thread ends (after `close`).
        var stopped = false

        var hasPendingWork: Bool {
            !output.isEmpty || !launches.isEmpty || !queries.isEmpty || !watched.isEmpty || !exitReplies.isEmpty
        }
    }

    init(directory: String, executablePath: String, watcher: ExitWatcher) throws(ExecutorError) {
        self.directory = directory
        self.executablePath = executablePath
        self.watcher = watcher
        wakefd = sundial_eventfd()
        guard wakefd >= 0 else { throw ExecutorError(.spawnFailed, "eventfd: \(errnoString())") }
        let thread = Thread { [self] in self.run() }
        thread.name = "sundial-executor-io"
        thread.stackSize = 512 * 1024
        thread.start()
    }

    // MARK: - Requests

    /// A task the executor has started.
    struct StartedProcess: Sendable {
        var pid: Int32
        /// The executor's wall clock when the task had exec'd, when it says.
        var startedAtMicroseconds: Int64?
    }

    /// Sends a launch and returns the task's pid once the executor has started it.
    func launch(taskID: String, fields: [String]) async -> Result<StartedProcess, ExecutorError> {
        await withCheckedContinuation { continuation in
            let refused: Bool = state.withLock { s in
                guard !s.closed, s.launches[taskID] == nil, !s.watched.contains(taskID) else { return true }
                s.launches[taskID] = continuation
                // Watched from now on, so an exit that arrives with (or before) the reply is kept.
                s.watched.insert(taskID)
                s.exits[taskID] = nil
                ExecutorProtocol.append("L", fields, to: &s.output)
                return false
            }
            if refused {
                continuation.resume(returning: .failure(ExecutorError(.invalidSpec, "task \(taskID) is already launched or the executor is shut down")))
            } else {
                wake()
            }
        }
    }

    /// What the executor knows about a task. A running task is watched from then on.
    func query(_ taskID: String) async -> ExecutorProtocol.TaskState {
        if let exit = state.withLock({ $0.exits[taskID] }) { return .exited(exit) }
        return await withCheckedContinuation { continuation in
            let closed: Bool = state.withLock { s in
                guard !s.closed else { return true }
                let first = s.queries[taskID] == nil
                s.queries[taskID, default: []].append(continuation)
                if first { ExecutorProtocol.append("Q", [taskID], to: &s.output) }
                return false
            }
            if closed { continuation.resume(returning: .unknown) } else { wake() }
        }
    }

    /// The task's exit once it has arrived; `.lost` when the executor does not know the task.
    func wait(_ taskID: String) async -> TaskExit {
        while true {
            // nil: not watched here, so ask the executor.
            let exit: TaskExit? = await withCheckedContinuation { continuation in
                let immediate: TaskExit?? = state.withLock { s in
                    if let exit = s.exits[taskID] { return .some(exit) }
                    guard s.watched.contains(taskID) else { return .some(nil) }
                    s.waiters[taskID, default: []].append(continuation)
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
            if let exit { return exit }
            switch await query(taskID) {
            case .exited(let exit): return exit
            case .unknown: return .lost
            case .running: continue  // watched from now on
            }
        }
    }

    func stop(_ taskID: String) {
        send("S", [taskID])
    }

    /// Announces a burst of launches (see `LocalExecutor.expectLaunches`). Remembered, so that
    /// an executor started after a reconnect hears it too.
    func expect(_ launches: Int) {
        state.withLock { $0.expectedLaunches = launches }
        send("E", [String(max(0, launches))])
    }

    /// The task's end is recorded durably: the executor (and this side) may drop its exit.
    func forget(_ taskID: String) {
        let known = state.withLock { s in
            s.exits.removeValue(forKey: taskID) != nil
        }
        if known { send("A", [taskID]) }
    }

    /// Asks an executor this process started to exit when it is idle, and reaps it. One that
    /// an earlier server started is not our child: it exits by itself once idle (10 s).
    func shutdown() async {
        let pid: Int32? = state.withLock { s in
            guard let pid = s.spawnedPID, !s.closed else { return nil }
            return pid
        }
        guard let pid else { return }
        let leaving = await withCheckedContinuation { continuation in
            state.withLock { s in
                s.exitReplies.append(continuation)
                ExecutorProtocol.append("X", [], to: &s.output)
            }
            wake()
        }
        state.withLock { $0.closed = true }
        guard leaving else { return }
        // Reaped by the watcher when it exits. Bounded: an executor that a second server
        // reached at that very moment stays, for it.
        for _ in 0..<200 {
            if kill(pid, 0) != 0 && errno == ESRCH { return }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Ends the connection and its thread (the owner goes away). Anything still waiting is
    /// answered as if the executor were gone; the executor itself and its tasks carry on.
    func close() {
        state.withLock { s in
            s.closed = true
            s.stopped = true
        }
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakefd, $0.baseAddress, 8) }
    }

    private func send(_ type: Character, _ fields: [String]) {
        let sent: Bool = state.withLock { s in
            guard !s.closed else { return false }
            ExecutorProtocol.append(type, fields, to: &s.output)
            return true
        }
        if sent { wake() }
    }

    func wake() {
        let needed = state.withLock { s in
            if s.wakePending { return false }
            s.wakePending = true
            return true
        }
        guard needed else { return }
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakefd, $0.baseAddress, 8) }
    }
}
