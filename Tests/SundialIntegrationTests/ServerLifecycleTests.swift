import Foundation
import Testing

/// `sundial server` creates its data directory and shuts down cleanly on SIGTERM and SIGINT.
@Suite struct ServerLifecycleTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func shutsDownCleanlyOnSignal(_ signal: Int32) async throws {
        let server = try await SundialServerProcess()
        #expect(FileManager.default.fileExists(atPath: server.dataDirectory.appendingPathComponent("sundial.db").path))
        #expect(FileManager.default.fileExists(atPath: server.dataDirectory.appendingPathComponent("sandboxes").path))
        _ = try await server.post("/v1/jobs", minimalJob("kept"))
        kill(server.process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(10)
        while server.process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!server.process.isRunning)
        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 0)
        try await server.start()
        defer { server.stop() }
        #expect(try await server.get("/v1/jobs/kept").status == 200)
    }

    @Test func environmentConfiguresTheServer() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sundial-env-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = SundialServerProcess.sundialBinary
        process.arguments = ["server"]
        process.environment = ["SUNDIAL_PORT": "0", "SUNDIAL_DATA_DIR": dir.path, "SUNDIAL_HOST": "127.0.0.1", "PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        var seen = ""
        let deadline = Date().addingTimeInterval(10)
        while !seen.contains("listening on") && Date() < deadline {
            seen += String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(seen.contains("listening on http://127.0.0.1:"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("sundial.db").path))
    }
}
