import Foundation

/// Chronos task ids, `ct:<dueMillis>:<attempt>:<jobName>:<args>` (reference/chronos.md §3.8).
/// Sundial gives a Chronos job's tasks these ids in `mesos_task_id`, so data jobs can report
/// progress with them.
public struct ChronosTaskID: Sendable, Hashable {
    public var dueMilliseconds: Int64
    public var attempt: Int
    public var jobName: String
    public var arguments: String

    public init(dueMilliseconds: Int64, attempt: Int, jobName: String, arguments: String) {
        self.dueMilliseconds = dueMilliseconds
        self.attempt = attempt
        self.jobName = jobName
        self.arguments = arguments
    }

    /// `;` is removed from the arguments, as Chronos does.
    public var description: String {
        "ct:\(dueMilliseconds):\(attempt):\(jobName):\(arguments.replacingOccurrences(of: ";", with: ""))"
    }

    /// Parses with Chronos' pattern `ct:(\d+):(\d+):([\w\.-]+):?(.*)?`.
    public static func parse(_ text: String) -> ChronosTaskID? {
        guard text.hasPrefix("ct:") else { return nil }
        let parts = text.dropFirst(3).split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, !parts[0].isEmpty, !parts[1].isEmpty,
            parts[0].utf8.allSatisfy({ (48...57).contains($0) }), parts[1].utf8.allSatisfy({ (48...57).contains($0) }),
            let due = Int64(parts[0]), let attempt = Int(parts[1]), ChronosDefaults.isValidName(String(parts[2]))
        else { return nil }
        return ChronosTaskID(dueMilliseconds: due, attempt: attempt, jobName: String(parts[2]), arguments: parts.count > 3 ? String(parts[3]) : "")
    }
}
