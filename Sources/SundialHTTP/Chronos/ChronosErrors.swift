import Hummingbird
import SundialCore
import SundialEngine

/// Chronos' error envelope `{"message": …, "status": "<reason phrase>"}`, with a readable
/// message where Chronos sends a Java stack trace.
enum ChronosErrors {
    static func badRequest(_ message: String) -> Response {
        HTTPReply.json(.badRequest, JSONObject(["message": .string(message), "status": "Bad Request"]))
    }

    static func internalError(_ message: String) -> Response {
        HTTPReply.json(.internalServerError, JSONObject(["message": .string(message), "status": "Internal Server Error"]))
    }

    static func jobNotFound(_ name: String) -> Response { badRequest("requirement failed: Job '\(name)' not found") }

    static func scheduleNotFound(_ name: String) -> Response { badRequest("requirement failed: JobSchedule '\(name)' not found") }

    static func response(for error: EngineError, name: String) -> Response {
        switch error {
        case .jobNotFound: jobNotFound(name)
        case .unknownDependencies: badRequest("JobSchedule \(name) does not have all parents defined!")
        case .dependencyCycle: badRequest("requirement failed: adding the parents of '\(name)' would create a dependency cycle")
        case .invalid(let errors): badRequest(errors.entries.map { "\($0.path): \($0.errors.joined(separator: ", "))" }.joined(separator: "; "))
        case .store(let text): internalError("Storage failure: \(text)")
        default: badRequest("\(error)")
        }
    }
}
