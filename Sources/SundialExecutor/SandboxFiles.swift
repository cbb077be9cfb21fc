import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The sandbox layout shared with `sundial-supervisor`:
///
///     <sandbox>/stdout, <sandbox>/stderr       the task's output (append)
///     <sandbox>/.sundial/supervisor            "<pid> <starttime>\n", written by the supervisor at start
///     <sandbox>/.sundial/status                "exited <code> stop=<0|1>\n" or "signaled <sig> stop=<0|1>\n"
///     <sandbox>/<artifact>                     fetched artifacts (and what they unpacked to)
enum SandboxFiles {
    static let metadataDirectory = ".sundial"

    static func statusPath(_ sandbox: String) -> String { sandbox + "/.sundial/status" }
    static func supervisorPath(_ sandbox: String) -> String { sandbox + "/.sundial/supervisor" }

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

    /// Creates `<sandbox>/.sundial` (and the sandbox) when missing.
    static func createDirectories(_ sandbox: String) throws(ExecutorError) {
        let meta = sandbox + "/" + metadataDirectory
        if mkdir(meta, 0o755) == 0 || errno == EEXIST { return }
        do {
            try FileManager.default.createDirectory(atPath: meta, withIntermediateDirectories: true)
        } catch {
            throw ExecutorError(.sandboxFailed, "cannot create \(meta): \(error)")
        }
    }

    /// Removes what an earlier attempt in the same sandbox left, so it cannot be mistaken for this one.
    static func clearStaleState(_ sandbox: String) {
        unlink(statusPath(sandbox))
        unlink(supervisorPath(sandbox))
    }

    static func readStatus(_ sandbox: String) -> TaskExit? {
        guard let text = readSmallFile(statusPath(sandbox)) else { return nil }
        return parseStatus(text)
    }

    static func parseStatus(_ text: String) -> TaskExit? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard words.count >= 2, let number = Int32(words[1]) else { return nil }
        let stop = words.dropFirst(2).contains("stop=1")
        switch words[0] {
        case "exited": return .exited(number)
        case "signaled": return .signaled(number, stopRequested: stop)
        default: return nil
        }
    }

    static func readSupervisor(_ sandbox: String) -> (pid: Int32, startTime: UInt64)? {
        guard let text = readSmallFile(supervisorPath(sandbox)) else { return nil }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard words.count >= 2, let pid = Int32(words[0]), pid > 0, let start = UInt64(words[1]) else { return nil }
        return (pid, start)
    }

    /// Reads a file of at most 4 KiB with plain syscalls (hot path: once per task exit).
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
