import Hummingbird
import SundialCore
import SundialEngine

/// Metronome's error envelopes (reference/metronome.md §1.2).
enum MetronomeErrors {
    /// Envelope A: router and framework errors.
    static func framework(_ status: HTTPResponse.Status, _ message: String, path: String) -> Response {
        HTTPReply.json(status, JSONObject(["message": .string(htmlEscaped(message)), "requestPath": .string(htmlEscaped(path))]))
    }

    static func unknownRoute(_ path: String) -> Response { framework(.notFound, "Unknown route.", path: path) }

    /// Envelope C: schema and semantic validation.
    static func invalid(_ errors: ValidationErrors) -> Response {
        HTTPReply.json(.unprocessableContent, JSONObject([
            "message": "Object is not valid",
            "details": .array(errors.entries.map { entry in
                .object(JSONObject(["path": .string(entry.path), "errors": .array(entry.errors.map { .string($0) })]))
            }),
        ]))
    }

    static func message(_ status: HTTPResponse.Status, _ text: String) -> Response {
        HTTPReply.json(status, JSONObject(["message": .string(text)]))
    }

    static func response(for error: any Error) -> Response {
        guard let error = error as? EngineError else {
            return HTTPReply.json(.internalServerError, JSONObject(["message": .string("\(error)")]))
        }
        return response(for: error)
    }

    static func response(for error: EngineError) -> Response {
        switch error {
        case .jobNotFound(let id):
            HTTPReply.json(.notFound, JSONObject(["id": .string(id.rawValue), "message": "Job not found"]))
        case .scheduleNotFound(_, let scheduleID):
            HTTPReply.json(.notFound, JSONObject(["id": .string(scheduleID), "message": "Schedule not found"]))
        case .runNotFound(let jobID, let runID):
            HTTPReply.json(.notFound, JSONObject(["jobSpec": .string(jobID.rawValue), "id": .string(runID), "message": "Job Run not found"]))
        case .jobExists:
            message(.conflict, "Job with this id already exists")
        case .scheduleExists(let id):
            message(.conflict, "requirement failed: A schedule with id \(id) already exists")
        case .tooManySchedules:
            message(.conflict, "requirement failed: Only one schedule supported at the moment")
        case .activeRuns:
            message(.conflict, "There are active job runs. Override with stopCurrentJobRuns=true")
        case .hasDependents(let id, let children):
            message(.conflict, "There are jobs with a dependency on \(id). children=[\(children.map(\.rawValue).joined(separator: ", "))]")
        case .unknownDependencies(let ids):
            message(.unprocessableContent, "Dependencies contain unknown jobs. unknown=[\(ids.map(\.rawValue).joined(separator: ", "))]")
        case .dependencyCycle:
            message(.unprocessableContent, "Dependencies have a cycle.")
        case .invalid(let errors):
            invalid(errors)
        case .store(let text):
            message(.serviceUnavailable, "Storage failure: \(text)")
        }
    }
}
