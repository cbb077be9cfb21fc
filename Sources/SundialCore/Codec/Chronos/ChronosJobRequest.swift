/// A Chronos job body decoded into the shared model, before the server gives it an id and
/// resolves its parents' names (both need the other jobs).
public struct ChronosJobRequest: Sendable {
    public var name: String
    /// Parent names for a dependency job (present, possibly empty), nil for a scheduled one.
    public var parents: [String]?
    /// The job with a placeholder id and no dependencies yet.
    public var spec: JobSpec
}

/// A Chronos request the server refuses: answered 400 `{"message": …, "status": "Bad Request"}`.
public struct ChronosRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    static func requirement(_ text: String) -> ChronosRequestError { ChronosRequestError("requirement failed: \(text)") }
}

/// Chronos' server defaults (its `--mesos_task_*` and `--user` flags).
public enum ChronosDefaults {
    public static let cpus = 0.1
    public static let mem = 128.0
    public static let disk = 256.0
    public static let runAsUser = "root"
    public static let retries = 2
    /// 2.x's `--task_epsilon` default; 3.x has no epsilon (docs/compatibility.md).
    public static let epsilonSeconds = 60
    /// The schedule id Chronos jobs get in the shared model (Metronome shows it).
    public static let scheduleID = "chronos"
    /// Chronos' job name rule: `([\w\.-]+)`, with Java's `\w` = `[A-Za-z0-9_]`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { b in
            (65...90).contains(b) || (97...122).contains(b) || (48...57).contains(b) || b == 95 || b == 46 || b == 45
        }
    }
}
