import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A task's sandbox: its working directory, with the task's output in `<sandbox>/stdout` and
/// `<sandbox>/stderr` (appended; created by `sundial-executor` when it starts the task) and
/// whatever its artifacts unpacked to. Nothing else: exit statuses live in the executor.
enum SandboxFiles {
    /// An absolute path without trailing slashes, or an error.
    static func normalize(_ sandbox: String) throws(ExecutorError) -> String {
        guard sandbox.hasPrefix("/"), !sandbox.utf8.contains(0) else {
            throw ExecutorError(.invalidSpec, "sandbox must be an absolute path: '\(sandbox)'")
        }
        var path = sandbox
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        guard path != "/" else { throw ExecutorError(.invalidSpec, "sandbox must not be /") }
        return path
    }

    /// Creates the sandbox (and its parents) when missing.
    static func createDirectory(_ sandbox: String) throws(ExecutorError) {
        if mkdir(sandbox, 0o755) == 0 || errno == EEXIST { return }
        do {
            try FileManager.default.createDirectory(atPath: sandbox, withIntermediateDirectories: true)
        } catch {
            throw ExecutorError(.sandboxFailed, "cannot create \(sandbox): \(error)")
        }
    }

    /// The trace a started task leaves: the executor creates the output files before exec.
    static func hasOutput(_ sandbox: String) -> Bool {
        access(sandbox + "/stdout", F_OK) == 0 || access(sandbox + "/stderr", F_OK) == 0
    }

    /// Reads a file of at most 4 KiB with plain syscalls.
    static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var length = 0
        while length < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + length, $0.count - length) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            length += n
        }
        return String(decoding: buffer[0..<length], as: UTF8.self)
    }
}
