import CSundialExecutor
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One thread that waits, with epoll on pidfds, for the helper processes the server spawns
/// itself (tar, and `sundial-executor`, so that it is reaped) — no polling loop and no thread
/// per process.
///
/// Shared state sits behind a `Mutex`: the epoll thread is not part of Swift concurrency, the
/// critical sections are a few dictionary operations, and an actor hop per launch and per exit
/// would cost more than the lock at thousands of tasks per second.
final class ExitWatcher: Sendable {
    private struct Entry {
        var key: Int32
        /// -1 once the exit is being collected.
        var pidfd: Int32
        var result: TaskExit?
        var waiters: [CheckedContinuation<TaskExit?, Never>] = []
    }

    private struct State {
        var nextToken: UInt64 = 1
        var entries: [UInt64: Entry] = [:]
        var tokens: [Int32: UInt64] = [:]
        var shutDown = false
    }

    private static let wakeToken: UInt64 = 0
    private let epfd: Int32
    private let wakefd: Int32
    private let state = Mutex(State())

    init() throws(ExecutorError) {
        epfd = sundial_epoll_create()
        guard epfd >= 0 else { throw ExecutorError(.spawnFailed, "epoll_create1: \(errnoString())") }
        wakefd = sundial_eventfd()
        guard wakefd >= 0, sundial_epoll_add(epfd, wakefd, Self.wakeToken) == 0 else {
            let message = errnoString()
            close(epfd)
            throw ExecutorError(.spawnFailed, "eventfd: \(message)")
        }
        let thread = Thread { [self] in self.run() }
        thread.name = "sundial-exit-watcher"
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Starts watching child `pid` through `pidfd` (ownership passes to the watcher). When
    /// `pid` is already watched the fd is closed and nothing changes.
    func watch(_ key: Int32, pidfd: Int32) {
        enum Outcome { case watching, duplicate, failed }
        let outcome: Outcome = state.withLock { s in
            guard !s.shutDown, s.tokens[key] == nil else { return .duplicate }
            let token = s.nextToken
            s.nextToken += 1
            // Inside the lock so the epoll thread cannot see the token before the entry exists.
            guard sundial_epoll_add(epfd, pidfd, token) == 0 else {
                // Cannot watch (out of memory or fds): report it as lost right away.
                s.entries[token] = Entry(key: key, pidfd: -1, result: .lost)
                s.tokens[key] = token
                return .failed
            }
            s.entries[token] = Entry(key: key, pidfd: pidfd)
            s.tokens[key] = token
            return .watching
        }
        switch outcome {
        case .watching:
            break
        case .duplicate:
            close(pidfd)
        case .failed:
            var code: Int32 = 0
            var signaled: Int32 = 0
            _ = sundial_pidfd_reap(pidfd, &code, &signaled)  // no zombie if it has already exited
            close(pidfd)
        }
    }

    /// The exit of a watched process, once it has exited; nil when `key` is not watched here
    /// (never was, or its exit has already been handed out).
    func wait(_ key: Int32) async -> TaskExit? {
        await withCheckedContinuation { (continuation: CheckedContinuation<TaskExit?, Never>) in
            let immediate: TaskExit?? = state.withLock { s in
                guard let token = s.tokens[key], var entry = s.entries[token] else { return .some(nil) }
                if let result = entry.result {
                    s.entries[token] = nil
                    s.tokens[key] = nil
                    return .some(result)
                }
                entry.waiters.append(continuation)
                s.entries[token] = entry
                return .none
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// Stops the thread; pending waiters get nil, watched processes are left alone.
    func shutdown() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakefd, $0.baseAddress, 8) }
    }

    // MARK: - The epoll thread

    private func run() {
        var tokens = [UInt64](repeating: 0, count: 64)
        while true {
            let n = tokens.withUnsafeMutableBufferPointer { sundial_epoll_wait(epfd, $0.baseAddress, 64, -1) }
            if n < 0 { continue }  // EINTR is retried inside; nothing else is expected
            for i in 0..<Int(n) {
                if tokens[i] == Self.wakeToken {
                    finish()
                    return
                }
                collect(tokens[i])
            }
        }
    }

    private func collect(_ token: UInt64) {
        let taken: Int32? = state.withLock { s in
            guard var entry = s.entries[token], entry.pidfd >= 0 else { return nil }
            let fd = entry.pidfd
            entry.pidfd = -1
            s.entries[token] = entry
            return fd
        }
        guard let fd = taken else { return }
        var code: Int32 = 0
        var signaled: Int32 = 0
        let reaped = sundial_pidfd_reap(fd, &code, &signaled)
        _ = sundial_epoll_remove(epfd, fd)
        close(fd)
        let exit: TaskExit = reaped == 1 ? (signaled != 0 ? .signaled(code, stopRequested: false) : .exited(code)) : .lost
        let waiters: [CheckedContinuation<TaskExit?, Never>] = state.withLock { s in
            guard var entry = s.entries[token] else { return [] }
            if entry.waiters.isEmpty {
                entry.result = exit
                s.entries[token] = entry
                return []
            }
            s.entries[token] = nil
            s.tokens[entry.key] = nil
            return entry.waiters
        }
        for waiter in waiters { waiter.resume(returning: exit) }
    }

    private func finish() {
        let (fds, waiters): ([Int32], [CheckedContinuation<TaskExit?, Never>]) = state.withLock { s in
            s.shutDown = true
            let fds = s.entries.values.map(\.pidfd).filter { $0 >= 0 }
            let waiters = s.entries.values.flatMap(\.waiters)
            s.entries = [:]
            s.tokens = [:]
            return (fds, waiters)
        }
        for fd in fds {
            _ = sundial_epoll_remove(epfd, fd)
            close(fd)
        }
        close(wakefd)
        close(epfd)
        for waiter in waiters { waiter.resume(returning: nil) }
    }
}

func errnoString(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
