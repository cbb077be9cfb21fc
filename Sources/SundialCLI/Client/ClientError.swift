import Foundation
import SundialCore

/// Why a client command failed, worded for the person who ran it. ArgumentParser prints the
/// description after `Error: ` on standard error and exits with a non-zero status.
enum ClientError: Error, CustomStringConvertible {
    /// Nothing answered at the server's address.
    case unreachable(server: String, reason: String)
    /// The connection broke before the answer was complete.
    case connectionLost(server: String, reason: String)
    /// The server answered with an error status.
    case server(status: Int, reason: String, body: [UInt8])
    /// The command's own input was wrong (a file, a flag combination).
    case usage(String)

    var description: String {
        switch self {
        case .unreachable(let server, let reason):
            "cannot reach the Sundial server at \(server): \(reason). Is `sundial server` running there? Choose another with --url or SUNDIAL_URL."
        case .connectionLost(let server, let reason):
            "the connection to \(server) broke: \(reason)"
        case .server(let status, let reason, let body):
            ServerErrorText.describe(status: status, reason: reason, body: body)
        case .usage(let message):
            message
        }
    }
}

/// Turns an error answer into plain text: `422 - Object is not valid` followed by one line
/// per failing path, `404 - Job not found: nightly`, or the server's own text.
enum ServerErrorText {
    static func describe(status: Int, reason: String, body: [UInt8]) -> String {
        guard let json = try? JSONParser.parse(body), let object = json.objectValue else {
            let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? "\(status) - \(reason)" : "\(status) - \(text)"
        }
        var message = object["message"]?.stringValue ?? reason
        if message.isEmpty { message = reason }
        if let id = object["id"]?.stringValue, message.hasSuffix("not found") { message += ": \(id)" }
        var lines = ["\(status) - \(unescaped(message))"]
        for detail in object["details"]?.arrayValue ?? [] {
            let path = detail["path"]?.stringValue ?? "/"
            for error in detail["errors"]?.arrayValue ?? [] {
                lines.append("  \(path): \(error.stringValue ?? JSONWriter.string(error))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Metronome HTML-escapes framework messages; a terminal wants them plain.
    static func unescaped(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#x27;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
