import Foundation
import Synchronization

/// One run of the `sundial` binary as a client: its output gathered as it arrives (so a
/// test can watch a `--follow` live) and its exit status awaited without blocking a thread.
final class CLIProcess: @unchecked Sendable {
    private let process: Process
    private let output = Mutex((stdout: Data(), stderr: Data()))
    private let exited = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))

    /// `url` becomes `--url` (nil leaves the server to SUNDIAL_URL or the default); the
    /// environment is the test's own without any SUNDIAL_* variable, plus `environment`.
    init(_ arguments: [String], url: String?, environment: [String: String] = [:], stdin: String? = nil) throws {
        let process = Process()
        process.executableURL = SundialServerProcess.sundialBinary
        process.arguments = arguments + (url.map { ["--url", $0] } ?? [])
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SUNDIAL_") }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        self.process = process
        out.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            self.output.withLock { $0.stdout.append(chunk) }
        }
        err.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            self.output.withLock { $0.stderr.append(chunk) }
        }
        process.terminationHandler = { process in
            // Drain what the pipes still hold before anyone reads the output.
            let restOut = out.fileHandleForReading.readDataToEndOfFile()
            let restErr = err.fileHandleForReading.readDataToEndOfFile()
            out.fileHandleForReading.readabilityHandler = nil
            err.fileHandleForReading.readabilityHandler = nil
            self.output.withLock {
                $0.stdout.append(restOut)
                $0.stderr.append(restErr)
            }
            let waiters = self.exited.withLock { state in
                state.status = process.terminationStatus
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: process.terminationStatus) }
        }
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
    }

    var pid: Int32 { process.processIdentifier }

    var stdout: String { output.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    var stderr: String { output.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = exited.withLock { state -> Int32? in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Runs a command to its end.
    static func run(_ arguments: [String], url: String?, environment: [String: String] = [:], stdin: String? = nil) async throws -> CLIResult {
        let cli = try CLIProcess(arguments, url: url, environment: environment, stdin: stdin)
        let status = await cli.waitForExit()
        return CLIResult(status: status, stdout: cli.stdout, stderr: cli.stderr)
    }
}

struct CLIResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

extension SundialServerProcess {
    var url: String { "http://127.0.0.1:\(port)" }

    /// `sundial <arguments> --url <this server>`.
    func cli(_ arguments: String..., stdin: String? = nil) async throws -> CLIResult {
        try await CLIProcess.run(arguments, url: url, stdin: stdin)
    }

    /// A file in a fresh temporary directory, for job and schedule definitions.
    func file(_ name: String, _ contents: String) throws -> String {
        let directory = dataDirectory.deletingLastPathComponent().appendingPathComponent("files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

extension SundialServerProcess {
    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.processIdentifier }

    /// SIGTERM without waiting: a test can then watch whether the server gets out.
    func terminate() { process.terminate() }
}
