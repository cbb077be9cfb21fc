/// Frames of the server ↔ `sundial-executor` protocol; Sources/sundial-executor/protocol.h is
/// the reference. Every frame: u32 little-endian length, a type byte, NUL-terminated fields.
enum ExecutorProtocol {
    static let socketName = "executor-v1.sock"
    static let lockName = "executor.lock"
    static let logName = "executor.log"

    /// Appends one frame to `buffer`. Fields must not contain NUL (callers validate).
    static func append(_ type: Character, _ fields: [String], to buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(contentsOf: [0, 0, 0, 0, type.asciiValue!])
        for field in fields {
            buffer.append(contentsOf: field.utf8)
            buffer.append(0)
        }
        let length = UInt32(buffer.count - start - 4)
        buffer[start] = UInt8(truncatingIfNeeded: length)
        buffer[start + 1] = UInt8(truncatingIfNeeded: length >> 8)
        buffer[start + 2] = UInt8(truncatingIfNeeded: length >> 16)
        buffer[start + 3] = UInt8(truncatingIfNeeded: length >> 24)
    }

    static func launchFields(
        taskID: String, sandbox: String, graceMilliseconds: Int, user: ResolvedUser?, command: TaskCommand, environment: [String]
    ) -> [String] {
        var fields = [
            taskID, sandbox, String(graceMilliseconds),
            user.map { String($0.uid) } ?? "", user.map { String($0.gid) } ?? "",
            user.map { $0.groups.map { String($0) }.joined(separator: ",") } ?? "",
        ]
        switch command {
        case .shell(let command):
            fields += ["sh", "1", command]
        case .argv(let argv):
            fields += ["exec", String(argv.count)] + argv
        }
        fields.append(String(environment.count))
        fields += environment
        return fields
    }

    /// What the executor says about a task.
    enum TaskState: Sendable, Hashable {
        case running(pid: Int32)
        case exited(TaskExit)
        /// Never launched by this executor, or its exit was acknowledged.
        case unknown
    }

    enum Message: Sendable, Hashable {
        /// `startedAtMicroseconds`: the executor's wall clock when the task had exec'd (nil
        /// from an executor that does not say).
        case launched(taskID: String, pid: Int32, startedAtMicroseconds: Int64?)
        case failed(taskID: String, message: String)
        case exited(taskID: String, TaskExit)
        case state(taskID: String, TaskState)
        case exitReply(leaving: Bool)
    }

    /// Decodes the complete frames at the front of `buffer` and removes them. Returns nil
    /// when the executor broke the protocol. Frames of unknown types, and fields beyond the
    /// ones a frame is known to have, are ignored: a newer executor may send them.
    static func decode(_ buffer: inout [UInt8]) -> [Message]? {
        var messages: [Message] = []
        var offset = 0
        defer { buffer.removeFirst(offset) }
        while buffer.count - offset >= 4 {
            let length = Int(buffer[offset]) | Int(buffer[offset + 1]) << 8 | Int(buffer[offset + 2]) << 16 | Int(buffer[offset + 3]) << 24
            guard length >= 1 else { return nil }
            guard buffer.count - offset - 4 >= length else { break }
            let body = buffer[(offset + 5)..<(offset + 4 + length)]
            let type = buffer[offset + 4]
            offset += 4 + length
            let fields = body.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
            guard "lfeqx".utf8.contains(type) else { continue }
            guard let message = message(type, Array(fields)) else { return nil }
            messages.append(message)
        }
        return messages
    }

    private static func message(_ type: UInt8, _ f: [String]) -> Message? {
        switch UnicodeScalar(type) {
        case "l":
            guard f.count >= 2, let pid = Int32(f[1]) else { return nil }
            return .launched(taskID: f[0], pid: pid, startedAtMicroseconds: f.count >= 3 ? Int64(f[2]) : nil)
        case "f":
            guard f.count >= 2 else { return nil }
            return .failed(taskID: f[0], message: f[1])
        case "e":
            guard f.count >= 4, let exit = exit(f[1..<4]) else { return nil }
            return .exited(taskID: f[0], exit)
        case "q":
            guard f.count >= 2 else { return nil }
            switch f[1] {
            case "running":
                guard f.count >= 3, let pid = Int32(f[2]) else { return nil }
                return .state(taskID: f[0], .running(pid: pid))
            case "exited":
                guard f.count >= 5, let exit = exit(f[2..<5]) else { return nil }
                return .state(taskID: f[0], .exited(exit))
            case "unknown":
                return .state(taskID: f[0], .unknown)
            default:
                return nil
            }
        case "x":
            guard f.count >= 1 else { return nil }
            return .exitReply(leaving: f[0] == "bye")
        default:
            return nil
        }
    }

    /// `how code stop`, as the executor writes an exit.
    private static func exit(_ f: ArraySlice<String>) -> TaskExit? {
        let f = Array(f)
        guard f.count == 3, let code = Int32(f[1]) else { return nil }
        switch f[0] {
        case "exited": return .exited(code)
        case "signaled": return .signaled(code, stopRequested: f[2] == "1")
        default: return nil
        }
    }
}
