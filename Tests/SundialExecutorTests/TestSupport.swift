import Foundation
import SundialExecutor
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `sundial-executor`: $SUNDIAL_EXECUTOR, or next to the test binary
/// (SwiftPM puts every product of the package in the same build directory).
func executorPath() -> String {
    if let path = ProcessInfo.processInfo.environment["SUNDIAL_EXECUTOR"] { return path }
    var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    // The test binary may sit inside a bundle directory (…/X.xctest/…).
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("sundial-executor").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        directory.deleteLastPathComponent()
    }
    return "sundial-executor-not-found"
}

/// A scratch directory for one test, removed at the end.
final class Scratch: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "sundial-executor-tests/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(NSTemporaryDirectory() + "sundial-executor-tests", 0o755)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func sandbox(_ name: String = "sandbox") -> String { path + "/" + name }

    /// An executor client for this scratch directory. Calling it again gives a second client
    /// of the same `sundial-executor` process, as a restarted server would be.
    func executor() throws -> LocalExecutor {
        try LocalExecutor(executorPath: executorPath(), stateDirectory: path, artifactCacheDirectory: path + "/cache")
    }

    /// The pid of the `sundial-executor` serving this directory (it writes it into its lock file).
    func executorPID() throws -> Int32 {
        try #require(Int32(contents(path + "/executor.lock").trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let file = path + "/" + name
        try contents.write(toFile: file, atomically: false, encoding: .utf8)
        return file
    }
}

let basicEnvironment = ["PATH": "/usr/local/bin:/usr/bin:/bin"]

func spec(
    _ sandbox: String,
    _ command: TaskCommand,
    environment: [String: String] = basicEnvironment,
    user: String? = nil,
    artifacts: [ArtifactSpec] = [],
    grace: Double? = nil
) -> TaskLaunchSpec {
    TaskLaunchSpec(
        taskID: "task-" + UUID().uuidString,
        sandbox: sandbox,
        command: command,
        environment: environment,
        user: user,
        artifacts: artifacts,
        killGracePeriodSeconds: grace)
}

func contents(_ path: String) -> String {
    (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
}

/// Waits (test-only polling) until `path` contains `text`.
func waitForFile(_ path: String, toContain text: String, timeout: Duration = .seconds(10)) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if contents(path).contains(text) { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("timed out waiting for '\(text)' in \(path); it has: \(contents(path))")
}

/// Waits (test-only polling) until no process has `pid` any more: exited *and reaped*, since a
/// zombie still answers kill(pid, 0).
func waitUntilGone(_ pid: Int32, timeout: Duration = .seconds(10)) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if !processExists(pid) { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return false
}

func processExists(_ pid: Int32) -> Bool {
    if kill(pid, 0) == 0 { return true }
    return errno != ESRCH
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
