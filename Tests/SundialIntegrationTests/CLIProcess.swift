import Foundation
import Synchronization

/// One run of the `sundial` binary as a client: its output gathered as it arrives (so a
/// test can watch a `--follow` live) and its exit status awaited without blocking a thread.
final class CLIProcess: @unchecked Sendable {
    private let process: Process
    /// Kept so their descriptors stay open while the reader threads use them.
    private let pipes: [Pipe]
    private let output = Mutex((stdout: Data(), stderr: Data()))
    private let exited = Mutex<(status: Int32?, openStreams: Int, waiters: [CheckedContinuation<Int32, Never>])>((nil, 2, []))

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
        self.pipes = [out, err, input]
        // Plain reader threads, not `readabilityHandler`: its dispatch sources crashed inside
        // libdispatch now and then when a handler was removed as the pipe closed.
        for (pipe, isStdout) in [(out, true), (err, false)] {
            let fd = pipe.fileHandleForReading.fileDescriptor
            let reader = Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = read(fd, &buffer, buffer.count)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    let chunk = Data(buffer[0..<n])
                    output.withLock { isStdout ? $0.stdout.append(chunk) : $0.stderr.append(chunk) }
                }
                finish { $0.openStreams -= 1 }
            }
            reader.start()
        }
        process.terminationHandler = { [self] process in
            finish { $0.status = process.terminationStatus }
        }
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
    }

    /// Waiters hear the exit once the process ended and both streams are drained.
    private func finish(_ change: (inout (status: Int32?, openStreams: Int, waiters: [CheckedContinuation<Int32, Never>])) -> Void) {
        let (status, waiters) = exited.withLock { state -> (Int32?, [CheckedContinuation<Int32, Never>]) in
            change(&state)
            guard let status = state.status, state.openStreams == 0 else { return (nil, []) }
            defer { state.waiters = [] }
            return (status, state.waiters)
        }
        if let status { for waiter in waiters { waiter.resume(returning: status) } }
    }

    var pid: Int32 { process.processIdentifier }

    var stdout: String { output.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    var stderr: String { output.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = exited.withLock { state -> Int32? in
                if let status = state.status, state.openStreams == 0 { return status }
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
