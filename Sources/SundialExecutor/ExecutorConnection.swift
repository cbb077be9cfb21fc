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
    private let watcher: ExitWatcher
    private let wakefd: Int32
    private let state = Mutex(State())

    private struct State {
        /// Frames not yet handed to the I/O thread.
        var output: [UInt8] = []
        var wakePending = false
        var launches: [String: CheckedContinuation<Result<Int32, ExecutorError>, Never>] = [:]
        var queries: [String: [CheckedContinuation<ExecutorProtocol.TaskState, Never>]] = [:]
        /// Tasks launched or adopted here whose exit has not arrived yet.
        var watched: Set<String> = []
        var waiters: [String: [CheckedContinuation<TaskExit?, Never>]] = [:]
        /// Exits that arrived, kept until `forget`, so that waiting twice gives the same answer.
        var exits: [String: TaskExit] = [:]
        var exitReplies: [CheckedContinuation<Bool, Never>] = []
        /// The executor this connection started, when it is still our child.
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

    /// Sends a launch and returns the task's pid once the executor has started it.
    func launch(taskID: String, fields: [String]) async -> Result<Int32, ExecutorError> {
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

    private func wake() {
        let needed = state.withLock { s in
            if s.wakePending { return false }
            s.wakePending = true
            return true
        }
        guard needed else { return }
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakefd, $0.baseAddress, 8) }
    }

    // MARK: - The I/O thread

    private func run() {
        var fd: Int32 = -1
        var pendingOutput: [UInt8] = []
        var sent = 0  // bytes of pendingOutput already written
        var input: [UInt8] = []
        var readBuffer = [UInt8](repeating: 0, count: 256 * 1024)
        // After the first connection, every new one follows a broken one.
        var reconnecting = false
        while true {
            if state.withLock({ $0.stopped }) {
                if fd >= 0 { Glibc.close(fd) }
                failEverything(ExecutorError(.spawnFailed, "the executor connection was closed"))
                return  // wakefd stays open: `close()` may still be writing to it
            }
            if fd < 0 {
                let (hasWork, closed) = state.withLock { ($0.hasPendingWork, $0.closed) }
                if closed && hasWork {
                    failEverything(ExecutorError(.spawnFailed, "the executor has been shut down"))
                    continue
                }
                if !hasWork {
                    _ = sundial_poll_socket(-1, 0, wakefd, -1)
                    drainWake()
                    continue
                }
                fd = connectOrStart()
                if fd < 0 {
                    failEverything(ExecutorError(.spawnFailed, "cannot reach or start \(executablePath) in \(directory): \(errnoString())"))
                    continue
                }
                if reconnecting { askAboutEverythingInFlight() }
                reconnecting = true
            }
            state.withLock { s in
                pendingOutput.append(contentsOf: s.output)
                s.output.removeAll(keepingCapacity: true)
            }
            var broken = sent < pendingOutput.count && !flush(fd, &pendingOutput, &sent)
            if !broken {
                let ready = sundial_poll_socket(fd, sent < pendingOutput.count ? 1 : 0, wakefd, -1)
                if ready & 4 != 0 { drainWake() }
                if ready & 2 != 0 { broken = !flush(fd, &pendingOutput, &sent) }
                if ready & 1 != 0 && !broken { broken = !receive(fd, &input, &readBuffer) }
            }
            if broken {
                // Half-written frames die with the connection; what they asked is asked
                // again after reconnecting.
                Glibc.close(fd)
                fd = -1
                pendingOutput.removeAll()
                sent = 0
                input.removeAll()
            }
        }
    }

    /// Reads what the socket has and handles every complete message. Returns false when the
    /// connection is broken (closed, failed, or the executor broke the protocol).
    private func receive(_ fd: Int32, _ input: inout [UInt8], _ readBuffer: inout [UInt8]) -> Bool {
        var open = true
        while true {
            let n = readBuffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                input.append(contentsOf: readBuffer[0..<n])
                continue
            }
            if n < 0 && errno == EINTR { continue }
            open = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
            break
        }
        // Messages that arrived before the end still count.
        guard let messages = ExecutorProtocol.decode(&input) else { return false }
        for message in messages { handle(message) }
        return open
    }

    /// Consumes the wake-up, then lets the next request signal again. In this order: a request
    /// that raises the flag between the two is moved by the loop right after, and one after
    /// both signals anew (the other order could swallow a signal and leave the flag up).
    private func drainWake() {
        var value: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &value) { read(wakefd, $0.baseAddress, 8) }
        state.withLock { $0.wakePending = false }
    }

    /// Writes what the socket takes now, from `sent` on. Returns false when the connection is
    /// broken. The buffer is compacted only now and then: under a backlog of launches it holds
    /// megabytes, and moving them after every partial write would cost more than the writes.
    private func flush(_ fd: Int32, _ output: inout [UInt8], _ sent: inout Int) -> Bool {
        defer {
            if sent == output.count {
                output.removeAll(keepingCapacity: true)
                sent = 0
            } else if sent > 1 << 20 && sent > output.count / 2 {
                output.removeFirst(sent)
                sent = 0
            }
        }
        while sent < output.count {
            let n = output.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
        }
        return true
    }

    private func connectOrStart() -> Int32 {
        let fd = sundial_unix_connect(directory, ExecutorProtocol.socketName)
        if fd >= 0 { return fd }
        var pid: pid_t = 0
        let rc = withCStringArray([executablePath, directory]) { argv in
            withCStringArray([]) { envp in
                sundial_spawn_executor(&pid, executablePath, argv, envp, directory + "/" + ExecutorProtocol.logName)
            }
        }
        guard rc == 0 else {
            errno = rc
            return -1
        }
        let pidfd = sundial_pidfd_open(pid)
        if pidfd >= 0 {
            watcher.watch(pid, pidfd: pidfd)  // reaps it whenever it exits
            state.withLock { $0.spawnedPID = pid }
        }
        // It binds its socket within milliseconds; a second executor that lost the lock race
        // exits at once, and the winner's socket appears instead.
        var delay: useconds_t = 500
        for _ in 0..<400 {
            let fd = sundial_unix_connect(directory, ExecutorProtocol.socketName)
            if fd >= 0 { return fd }
            usleep(delay)
            delay = min(delay * 2, 50_000)
        }
        return -1
    }

    /// After (re)connecting: the fate of launches whose reply never came, of questions not
    /// answered yet, and of watched tasks, comes from the executor. Queued after everything
    /// already waiting to be sent. A shutdown request in flight is answered "not leaving".
    private func askAboutEverythingInFlight() {
        let exitReplies = state.withLock { s in
            for taskID in Set(s.launches.keys).union(s.queries.keys).union(s.watched.filter { s.exits[$0] == nil }) {
                ExecutorProtocol.append("Q", [taskID], to: &s.output)
            }
            let replies = s.exitReplies
            s.exitReplies = []
            return replies
        }
        for reply in exitReplies { reply.resume(returning: false) }
    }

    private func failEverything(_ error: ExecutorError) {
        let (launches, queries, waiters, exitReplies) = state.withLock { s in
            // Watched tasks are not marked: asked about later, they are unknown, hence lost.
            let taken = (s.launches, s.queries, s.waiters, s.exitReplies)
            s.launches = [:]
            s.queries = [:]
            s.waiters = [:]
            s.exitReplies = []
            s.watched = []
            s.output.removeAll()
            return taken
        }
        for (_, continuation) in launches { continuation.resume(returning: .failure(error)) }
        for continuation in queries.values.joined() { continuation.resume(returning: .unknown) }
        for continuation in waiters.values.joined() { continuation.resume(returning: .lost) }
        for continuation in exitReplies { continuation.resume(returning: false) }
    }

    private func handle(_ message: ExecutorProtocol.Message) {
        switch message {
        case .launched(let taskID, let pid):
            let continuation = state.withLock { $0.launches.removeValue(forKey: taskID) }
            continuation?.resume(returning: .success(pid))
        case .failed(let taskID, let text):
            let continuation = state.withLock { s in
                s.watched.remove(taskID)
                return s.launches.removeValue(forKey: taskID)
            }
            continuation?.resume(returning: .failure(ExecutorError(.spawnFailed, text)))
        case .exited(let taskID, let exit):
            let waiters = state.withLock { s -> [CheckedContinuation<TaskExit?, Never>] in
                guard s.watched.remove(taskID) != nil else { return [] }  // another server's task
                s.exits[taskID] = exit
                return s.waiters.removeValue(forKey: taskID) ?? []
            }
            for waiter in waiters { waiter.resume(returning: exit) }
        case .state(let taskID, let taskState):
            var launch: CheckedContinuation<Result<Int32, ExecutorError>, Never>?
            var waiters: [CheckedContinuation<TaskExit?, Never>] = []
            var outcome: TaskExit?
            let queries = state.withLock { s -> [CheckedContinuation<ExecutorProtocol.TaskState, Never>] in
                launch = s.launches.removeValue(forKey: taskID)
                let queries = s.queries.removeValue(forKey: taskID) ?? []
                switch taskState {
                case .running:
                    if !queries.isEmpty { s.watched.insert(taskID) }
                case .exited(let exit):
                    outcome = exit
                case .unknown:
                    if s.watched.contains(taskID) && launch == nil { outcome = .lost }
                }
                if let exit = outcome, s.watched.remove(taskID) != nil || !queries.isEmpty {
                    // A lost task is not remembered: asking again gives the same answer anyway.
                    if exit != .lost { s.exits[taskID] = exit }
                    waiters = s.waiters.removeValue(forKey: taskID) ?? []
                }
                if launch != nil, case .unknown = taskState { s.watched.remove(taskID) }
                return queries
            }
            if let launch {
                switch taskState {
                case .running(let pid): launch.resume(returning: .success(pid))
                case .exited: launch.resume(returning: .success(0))
                case .unknown:
                    launch.resume(returning: .failure(ExecutorError(.spawnFailed, "the executor was restarted before it started the task")))
                }
            }
            for waiter in waiters { waiter.resume(returning: outcome ?? .lost) }
            for query in queries { query.resume(returning: taskState) }
        case .exitReply(let leaving):
            let replies = state.withLock { s in
                let replies = s.exitReplies
                s.exitReplies = []
                return replies
            }
            for reply in replies { reply.resume(returning: leaving) }
        }
    }
}
