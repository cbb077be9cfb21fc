import Foundation
import SundialExecutor
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The executor's reply stream stays well-formed when a server reads it slowly: replies pile
/// up in the executor's output buffer, which slides its unread data to the front while new
/// frames are being written into it. (A frame that kept an absolute position across such a
/// slide once corrupted the stream in a 10,000-task burst.)
@Suite("sundial-executor: the reply stream under back-pressure", .timeLimit(.minutes(1)))
struct ProtocolStreamTests {
    /// A raw client of the executor's socket, as a server is.
    final class RawClient {
        let fd: Int32

        init(directory: String) throws {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let path = Array((directory + "/executor-v1.sock").utf8)
            try #require(path.count < MemoryLayout.size(ofValue: address.sun_path))
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: path)
                raw[path.count] = 0
            }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            try #require(connected == 0, "connect: \(String(cString: strerror(errno)))")
        }

        deinit { close(fd) }

        func send(_ type: Character, _ fields: [String]) {
            var body = [UInt8(ascii: type.unicodeScalars.first!)]
            for field in fields { body += Array(field.utf8) + [0] }
            var frame = withUnsafeBytes(of: UInt32(body.count).littleEndian) { Array($0) }
            frame += body
            var sent = 0
            while sent < frame.count {
                let n = frame[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { return }
                sent += n
            }
        }

        /// Up to `limit` bytes, as they come.
        func read(limit: Int) -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: limit)
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, limit) }
            return n > 0 ? Array(buffer[0..<n]) : []
        }
    }

    @Test func everyReplyFrameParsesWhenTheServerReadsSlowly() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        // Starts the executor.
        let warmUp = try await executor.launch(spec(scratch.sandbox("warm-up"), .shell("true")))
        #expect(await executor.waitForExit(warmUp) == .exited(0))

        let client = try RawClient(directory: scratch.path)
        // Long ids make every reply frame long, so that slides happen in the middle of frames.
        let padding = String(repeating: "x", count: 4000)
        let count = 1500
        let ids = (0..<count).map { "task-\($0)-\(padding)" }
        // Exits spread over a second, so replies keep coming while the client reads.
        for (i, id) in ids.enumerated() {
            client.send("L", [id, scratch.path + "/s/\(i)", "1000", "", "", "", "sh", "1", "sleep 0.\(i % 10)", "1", "PATH=/usr/bin:/bin"])
        }

        var pending: [UInt8] = []
        var launched = Set<String>(), exited = Set<String>()
        let deadline = ContinuousClock.now + .seconds(40)
        while (launched.count < count || exited.count < count) && ContinuousClock.now < deadline {
            // Small reads with pauses (about 2 MB/s, slower than the replies come): the
            // socket stays full and the executor sends part of its buffer at a time.
            pending += client.read(limit: 4000)
            while pending.count >= 4 {
                let length = Int(UInt32(pending[0]) | UInt32(pending[1]) << 8 | UInt32(pending[2]) << 16 | UInt32(pending[3]) << 24)
                try #require(length > 0 && length < 1 << 20, "a frame length of \(length): the stream is corrupt")
                guard pending.count >= 4 + length else { break }
                let body = Array(pending[4..<(4 + length)])
                pending.removeFirst(4 + length)
                let fields = body.dropFirst().split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
                let id = try #require(fields.first)
                try #require(id.hasSuffix(padding), "a reply for an id never sent: \(id.prefix(40))…")
                switch body[0] {
                case UInt8(ascii: "l"): launched.insert(id)
                case UInt8(ascii: "e"): exited.insert(id)
                default: Issue.record("unexpected reply '\(Character(UnicodeScalar(body[0])))' for \(id.prefix(20))…")
                }
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(launched == Set(ids))
        #expect(exited == Set(ids))
        for id in ids { client.send("A", [id]) }
    }
}
