import Foundation
import Synchronization

/// A one-shot HTTP server on loopback that records the request it receives and answers
/// `[]`: enough to see exactly what the CLI sends (its headers), which a real server
/// would not show.
final class RecordingHTTPServer: Sendable {
    let port: Int
    private let listener: Int32
    private let received = Mutex<String?>(nil)

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 4) == 0 else { throw TestFailure("bind/listen failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serveOnce() }
    }

    deinit { close(listener) }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The request head, once one has arrived.
    var request: String? { received.withLock { $0 } }

    private func serveOnce() {
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: bytes, as: UTF8.self).contains("\r\n\r\n") {
            let n = read(connection, &buffer, buffer.count)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        received.withLock { $0 = String(decoding: bytes, as: UTF8.self) }
        let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]"
        _ = answer.withCString { write(connection, $0, strlen($0)) }
    }
}
