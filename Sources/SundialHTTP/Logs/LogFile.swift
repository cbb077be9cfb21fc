import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A task's log file opened for reading by offset. Reads are positional (`pread`), so one
/// open file serves a range, a backwards tail scan and a follow without shared state, and
/// keeps working after the retention sweep unlinks the file.
final class LogFile: Sendable {
    /// Bytes read per system call and sent per chunk.
    static let chunkSize = 64 * 1024

    let descriptor: Int32

    /// Opens `path`, or answers nil when it does not exist (yet, or any more).
    init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// The file's current size; it grows while the task writes.
    func size() -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return 0 }
        return Int64(info.st_size)
    }

    /// `read(at:count:)` on NIO's blocking-I/O thread pool, so a slow disk never stalls the
    /// threads that run every other request.
    func readOffThread(at offset: Int64, count: Int) async throws -> [UInt8] {
        try await NIOThreadPool.singleton.runIfActive { try self.read(at: offset, count: count) }
    }

    /// Up to `count` bytes at `offset`; fewer at the end of the file, none past it.
    func read(at offset: Int64, count: Int) throws(LogReadError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw LogReadError(errno: errno)
            }
            if n == 0 { break }
            filled += n
        }
        if filled < count { bytes.removeLast(count - filled) }
        return bytes
    }
}

struct LogReadError: Error, CustomStringConvertible {
    var errno: Int32
    var description: String { "cannot read log: \(String(cString: strerror(errno)))" }
}
