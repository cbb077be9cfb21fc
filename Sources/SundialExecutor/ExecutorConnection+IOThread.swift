import CSundialExecutor
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The connection's thread: (re)connects, starting an executor when none answers, writes
/// what requests queued and hands what arrives to `handle`.
extension ExecutorConnection {
    func run() {
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
    fileprivate func receive(_ fd: Int32, _ input: inout [UInt8], _ readBuffer: inout [UInt8]) -> Bool {
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
    fileprivate func drainWake() {
        var value: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &value) { read(wakefd, $0.baseAddress, 8) }
        state.withLock { $0.wakePending = false }
    }

    /// Writes what the socket takes now, from `sent` on. Returns false when the connection is
    /// broken. The buffer is compacted only now and then: under a backlog of launches it holds
    /// megabytes, and moving them after every partial write would cost more than the writes.
    fileprivate func flush(_ fd: Int32, _ output: inout [UInt8], _ sent: inout Int) -> Bool {
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

    fileprivate func connectOrStart() -> Int32 {
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
}
