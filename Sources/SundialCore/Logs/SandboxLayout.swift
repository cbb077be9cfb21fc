/// Where a task's files live on the machine that ran it: `<root>/<job>/<run>/<task>`, with
/// the output in `stdout` and `stderr` inside. One definition shared by the launcher that
/// creates sandboxes, the API that reads their logs and the retention sweep that removes them.
public struct SandboxLayout: Sendable, Hashable {
    public var root: String

    public init(root: String) {
        var root = root
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    public func jobDirectory(_ job: JobID) -> String { root + "/" + job.rawValue }

    public func runDirectory(_ job: JobID, _ run: RunID) -> String { jobDirectory(job) + "/" + run.rawValue }

    /// Task ids come from the engine's run records, never from a client, so they are safe
    /// path components (letters, digits, `_`, `.` and `-`).
    public func taskDirectory(_ job: JobID, _ run: RunID, task: String) -> String {
        runDirectory(job, run) + "/" + task
    }

    public func logFile(_ job: JobID, _ run: RunID, task: String, stream: LogStream) -> String {
        taskDirectory(job, run, task: task) + "/" + stream.rawValue
    }

    /// The job and run of a path below a run directory (a task directory), as names; nil for
    /// a path outside the root or not that deep.
    public func jobAndRun(of path: String) -> (job: Substring, run: Substring)? {
        guard path.hasPrefix(root), path.dropFirst(root.count).first == "/" else { return nil }
        let parts = path.dropFirst(root.count + 1).split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (parts[0], parts[1])
    }

    /// Directories under the root whose name starts with this are being deleted (a deleted
    /// job's sandboxes, renamed away first so a new job of the same id starts clean).
    public static let trashPrefix = ".trash-"
}

/// The two output streams a task has.
public enum LogStream: String, Sendable, Hashable, CaseIterable {
    case stdout, stderr
}
