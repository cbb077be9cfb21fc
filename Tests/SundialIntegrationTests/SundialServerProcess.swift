import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SundialCore

/// A real `sundial server` child process on an ephemeral port with its own data directory.
final class SundialServerProcess: @unchecked Sendable {
    let dataDirectory: URL
    private(set) var process: Process
    private(set) var port: Int = 0
    let extraArguments: [String]
    /// A directory this harness made up is removed when it goes away.
    let ownsDataDirectory: Bool

    static var binaryDirectory: URL {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent()
    }

    static var sundialBinary: URL { binaryDirectory.appendingPathComponent("sundial") }

    init(dataDirectory: URL? = nil, extraArguments: [String] = []) async throws {
        self.dataDirectory = dataDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("sundial-test-\(UUID().uuidString)")
        self.ownsDataDirectory = dataDirectory == nil
        self.extraArguments = extraArguments
        self.process = Process()
        try await start()
    }

    /// Starts (or restarts) the server on the same data directory.
    func start() async throws {
        let process = Process()
        process.executableURL = Self.sundialBinary
        process.arguments = ["server", "--port", "0", "--data-dir", dataDirectory.path, "--log-level", "warning"] + extraArguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        try process.run()
        self.process = process
        let handle = pipe.fileHandleForReading
        let port: Int = try await withCheckedThrowingContinuation { continuation in
            // A thread of its own: it blocks reading the pipe for the life of the server.
            Thread.detachNewThread {
                var buffer = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty {
                        continuation.resume(throwing: TestFailure("server exited before listening"))
                        return
                    }
                    buffer.append(chunk)
                    if let text = String(data: buffer, encoding: .utf8), let range = text.range(of: "listening on http://") {
                        let rest = text[range.upperBound...]
                        if let newline = rest.firstIndex(of: "\n"), let colon = rest[..<newline].lastIndex(of: ":"),
                            let port = Int(rest[rest.index(after: colon)..<newline])
                        {
                            continuation.resume(returning: port)
                            // Keep draining so the server never blocks on a full pipe.
                            while !handle.availableData.isEmpty {}
                            return
                        }
                    }
                }
            }
        }
        self.port = port
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        killExecutor()
    }

    /// Ends the `sundial-executor` of this data directory, if one is left (tasks still running,
    /// or exits a killed server never acknowledged), so tests leave no processes behind.
    func killExecutor() {
        let lock = dataDirectory.appendingPathComponent("executor.lock").path
        guard let text = try? String(contentsOfFile: lock, encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let commandLine = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
              commandLine.contains("sundial-executor"), commandLine.contains(dataDirectory.path)
        else { return }
        kill(pid, SIGKILL)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        if ownsDataDirectory { try? FileManager.default.removeItem(at: dataDirectory) }
    }

    struct Reply {
        var status: Int
        var body: Data
        var contentType: String?
        var headers: [String: String] = [:]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValue { (try? JSONParser.parse(Array(body))) ?? .null }
    }

    func request(
        _ method: String, _ path: String, json: String? = nil, contentType: String? = "application/json", headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 30
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.httpBody = Data(json.utf8)
            if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var replyHeaders: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { replyHeaders[name.lowercased()] = value }
        }
        return Reply(status: http.statusCode, body: data, contentType: http.value(forHTTPHeaderField: "Content-Type"), headers: replyHeaders)
    }

    func get(_ path: String) async throws -> Reply { try await request("GET", path) }
    func post(_ path: String, _ json: String = "") async throws -> Reply { try await request("POST", path, json: json) }
    func put(_ path: String, _ json: String) async throws -> Reply { try await request("PUT", path, json: json) }
    func delete(_ path: String) async throws -> Reply { try await request("DELETE", path) }

    /// Polls `condition` until it holds or `timeout` passes.
    func eventually(timeout: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// J(id) of reference/metronome.md §7.
func minimalJob(_ id: String, cmd: String = "sleep 60") -> String {
    #"{"id":"\#(id)","run":{"cmd":"\#(cmd)","cpus":0.01,"mem":32,"disk":0}}"#
}
