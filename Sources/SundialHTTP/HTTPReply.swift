import Hummingbird
import NIOCore
import SundialCore

/// Small constructors for the responses every dialect sends.
enum HTTPReply {
    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        let bytes = JSONWriter.write(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json(_ status: HTTPResponse.Status, _ object: JSONObject) -> Response { json(status, .object(object)) }

    static func text(_ status: HTTPResponse.Status, _ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func empty(_ status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [:], body: ResponseBody())
    }
}

/// A request reduced to what routing needs: the method, the path split into non-empty
/// segments (so `//` counts as `/`), the query, and the body.
struct RoutedRequest: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var segments: [Substring]
    var query: [(String, String)]
    var contentType: String?
    var body: ByteBuffer
    /// The connection, for answers that outlast the request (a followed log).
    var channel: (any Channel)? = nil

    func queryValues(_ name: String) -> [String] { query.filter { $0.0 == name }.map(\.1) }
}

/// Escapes text the way Play's error handler does before echoing it back.
func htmlEscaped(_ text: String) -> String {
    var out = ""
    for ch in text {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#x27;"
        default: out.append(ch)
        }
    }
    return out
}

func percentDecoded(_ text: Substring) -> String {
    guard text.contains("%") || text.contains("+") else { return String(text) }
    var bytes: [UInt8] = []
    var iterator = Array(text.utf8).makeIterator()
    while let byte = iterator.next() {
        if byte == UInt8(ascii: "%"), let h = iterator.next(), let l = iterator.next(),
            let value = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16)
        {
            bytes.append(value)
        } else if byte == UInt8(ascii: "+") {
            bytes.append(UInt8(ascii: " "))
        } else {
            bytes.append(byte)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
