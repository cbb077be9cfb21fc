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
    ///
    /// Works on UTF-8 bytes (`/` never occurs inside a multi-byte character): the launcher
    /// asks for every task that starts and ends, and String's character-wise prefix and split
    /// were ~4 % of the server's CPU in a burst of 10,000 runs.
    public func jobAndRun(of path: String) -> (job: Substring, run: Substring)? {
        let bytes = path.utf8
        let rootBytes = root.utf8
        guard bytes.count > rootBytes.count, bytes.starts(with: rootBytes) else { return nil }
        let slash = UInt8(ascii: "/")
        let afterRoot = bytes.index(bytes.startIndex, offsetBy: rootBytes.count)
        guard bytes[afterRoot] == slash else { return nil }
        let jobStart = bytes.index(after: afterRoot)
        guard let jobEnd = bytes[jobStart...].firstIndex(of: slash), jobEnd > jobStart else { return nil }
        let runStart = bytes.index(after: jobEnd)
        guard let runEnd = bytes[runStart...].firstIndex(of: slash), runEnd > runStart else { return nil }
        return (path[jobStart..<jobEnd], path[runStart..<runEnd])
    }

    /// Directories under the root whose name starts with this are being deleted (a deleted
    /// job's sandboxes, renamed away first so a new job of the same id starts clean).
    public static let trashPrefix = ".trash-"
}

/// The two output streams a task has.
public enum LogStream: String, Sendable, Hashable, CaseIterable {
    case stdout, stderr
}
