/// Where the server is: `http://host:port` with an optional base path (for a server behind
/// a prefix such as DC/OS's `/service/metronome`).
struct ServerURL: Sendable, CustomStringConvertible {
    var host: String
    var port: Int
    var basePath: String
    var description: String

    static let defaultURL = "http://127.0.0.1:9000"

    init(_ text: String) throws(ClientError) {
        description = text
        let lowered = text.lowercased()
        if lowered.hasPrefix("https://") {
            throw ClientError.usage("\(text): https is not supported by this client; reach the server over http (it listens on loopback by default)")
        }
        guard lowered.hasPrefix("http://") else {
            throw ClientError.usage("\(text) is not a server URL; expected something like \(Self.defaultURL)")
        }
        let rest = text.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var path = String(rest.dropFirst(authority.count).prefix { $0 != "?" && $0 != "#" })
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
        var hostPart = Substring(authority)
        var portText: Substring?
        if hostPart.hasPrefix("[") {
            // An IPv6 literal: [::1]:9000
            guard let close = hostPart.firstIndex(of: "]") else { throw ClientError.usage("\(text): unterminated IPv6 address") }
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw ClientError.usage("\(text): bad address") }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portText = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty else { throw ClientError.usage("\(text): the URL names no host") }
        host = String(hostPart)
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else { throw ClientError.usage("\(text): '\(portText)' is not a port number") }
            port = number
        } else {
            port = 80
        }
    }

    /// The value of the Host header.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }
}
