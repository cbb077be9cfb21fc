import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SundialCore

/// A small HTTP/1.1 client for the Sundial API over SwiftNIO, which the package already
/// builds for the server: one connection per request, the body streamed to a callback (for
/// `job logs --follow`) or collected. No TLS: the server speaks plain HTTP.
struct SundialClient: Sendable {
    let server: ServerURL
    let token: String?

    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]

        var json: JSONValue {
            get throws(ClientError) {
                do { return try JSONParser.parse(body) } catch {
                    throw .usage("the server's answer is not JSON (\(error)); does --url point at a Sundial server?")
                }
            }
        }
    }

    // MARK: Conveniences for JSON APIs

    func get(_ path: String, query: [(String, String)] = []) async throws(ClientError) -> JSONValue {
        try await send(.GET, path, query: query).json
    }

    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json: JSONValue? = nil) async throws(ClientError) -> Response {
        try await send(method, path, query: query, body: json.map { JSONWriter.write($0) }, onBody: nil)
    }

    // MARK: Transport

    /// Sends one request. A success answer's body goes to `onBody` chunk by chunk when it is
    /// given (and is then not collected); an error answer is always collected and thrown.
    func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)], body: [UInt8]?,
        onBody: (@Sendable (ByteBuffer) throws -> Void)?
    ) async throws(ClientError) -> Response {
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: server.host, port: server.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw .unreachable(server: server.description, reason: Self.reason(error))
        }
        let head = requestHead(method, path, query: query, bodyLength: body?.count)
        let outcome: Result<Response, ClientError>
        do {
            outcome = try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(.head(head))
                if let body, !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
                try await outbound.write(.end(nil))
                var response: Response?
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        response = Response(status: Int(head.status.code), headers: head.headers, body: [])
                    case .body(let buffer):
                        guard let status = response?.status else { continue }
                        if let onBody, (200..<300).contains(status) {
                            try onBody(buffer)
                        } else {
                            response?.body.append(contentsOf: buffer.readableBytesView)
                        }
                    case .end:
                        guard let response else { break }
                        if (200..<300).contains(response.status) { return .success(response) }
                        return .failure(ClientError.server(status: response.status, reason: HTTPResponseStatus(statusCode: response.status).reasonPhrase, body: response.body))
                    }
                }
                return .failure(ClientError.connectionLost(server: server.description, reason: "the server closed the connection before its answer was complete"))
            }
        } catch let error as ClientError {
            throw error
        } catch {
            throw .connectionLost(server: server.description, reason: Self.reason(error))
        }
        return try outcome.get()
    }

    func requestHead(_ method: HTTPMethod, _ path: String, query: [(String, String)], bodyLength: Int?) -> HTTPRequestHead {
        var uri = server.basePath + path
        if !query.isEmpty {
            uri += "?" + query.map { Self.percentEncoded($0.0) + "=" + Self.percentEncoded($0.1) }.joined(separator: "&")
        }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        head.headers.add(name: "Host", value: server.hostHeader)
        head.headers.add(name: "User-Agent", value: "sundial-cli")
        head.headers.add(name: "Accept", value: "application/json, text/plain")
        head.headers.add(name: "Connection", value: "close")
        if let token { head.headers.add(name: "Authorization", value: "token=\(token)") }
        if let bodyLength {
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(bodyLength))
        } else if method == .POST || method == .PUT {
            head.headers.add(name: "Content-Length", value: "0")
        }
        return head
    }

    /// A path segment (a job id, run id…) made safe for a URL.
    static func segment(_ text: String) -> String { percentEncoded(text) }

    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// NIO's errors, reduced to what a person can act on.
    static func reason(_ error: any Error) -> String {
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first { return reason(first.error) }
            if connection.dnsAAAAError != nil || connection.dnsAError != nil { return "cannot resolve host \(connection.host)" }
            return "cannot connect to \(connection.host):\(connection.port)"
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ETIMEDOUT: return "connection timed out"
            case EHOSTUNREACH, ENETUNREACH: return "no route to host"
            case ECONNRESET: return "connection reset by the server"
            default: return io.description
            }
        }
        if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout: return "no answer within 10 seconds"
            case .ioOnClosedChannel, .alreadyClosed, .eof: return "the server closed the connection"
            default: return "\(channel)"
            }
        }
        return "\(error)"
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
