/// What a client asked of a log (`GET …/runs/{run}/logs/{stream}`), parsed from the query
/// string: which task, which part of the file, and whether to keep following it.
public struct LogQuery: Sendable, Hashable {
    /// Which bytes of the file the answer starts with.
    public enum Selection: Sendable, Hashable {
        /// `offset` and optionally `length` (bytes); the whole file when neither is given.
        case range(offset: Int64, length: Int64?)
        /// The last N lines.
        case tail(lines: Int)
    }

    public var task: String?
    public var selection: Selection = .range(offset: 0, length: nil)
    public var follow = false

    public init(task: String? = nil, selection: Selection = .range(offset: 0, length: nil), follow: Bool = false) {
        self.task = task
        self.selection = selection
        self.follow = follow
    }

    /// Parses `task`, `offset`, `length`, `tail` and `follow`. Unknown parameters are
    /// ignored, as Metronome ignores them elsewhere; contradictory ones are an error.
    public static func parse(_ pairs: [(String, String)]) throws(LogQueryError) -> LogQuery {
        var query = LogQuery()
        var offset: Int64?
        var length: Int64?
        var tail: Int?
        for (name, value) in pairs {
            switch name {
            case "task":
                guard !value.isEmpty else { throw LogQueryError("task must not be empty") }
                query.task = value
            case "offset":
                guard let number = Int64(value), number >= 0 else { throw LogQueryError("offset must be a whole number of bytes, 0 or more; got \(value)") }
                offset = number
            case "length":
                guard let number = Int64(value), number >= 0 else { throw LogQueryError("length must be a whole number of bytes, 0 or more; got \(value)") }
                length = number
            case "tail":
                guard let number = Int(value), number >= 0 else { throw LogQueryError("tail must be a whole number of lines, 0 or more; got \(value)") }
                tail = number
            case "follow":
                switch value {
                case "true", "1", "": query.follow = true
                case "false", "0": query.follow = false
                default: throw LogQueryError("follow must be true or false; got \(value)")
                }
            default:
                continue
            }
        }
        if let tail {
            guard offset == nil, length == nil else { throw LogQueryError("tail cannot be combined with offset or length") }
            query.selection = .tail(lines: tail)
        } else {
            query.selection = .range(offset: offset ?? 0, length: length)
        }
        if query.follow, length != nil { throw LogQueryError("length cannot be combined with follow: a followed log has no end yet") }
        return query
    }
}

public struct LogQueryError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
