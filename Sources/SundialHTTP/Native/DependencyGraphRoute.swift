import Hummingbird
import SundialCore
import SundialEngine

/// `GET /api/jobs/{id}/dependencies`: the job's ancestors and descendants as nodes and
/// edges, so the UI can draw the graph without loading every job (docs/api.md).
enum DependencyGraphRoute {
    static func handle(_ id: JobID, engine: Engine) async -> Response {
        guard let graph = await engine.dependencyGraph(of: id) else {
            return HTTPReply.json(.notFound, JSONObject(["id": .string(id.rawValue), "message": "Job not found"]))
        }
        return HTTPReply.json(.ok, JSONObject([
            "id": .string(id.rawValue),
            "nodes": .array(graph.nodes.map { .string($0.rawValue) }),
            "edges": .array(graph.edges.map { .object(JSONObject(["parent": .string($0.parent.rawValue), "child": .string($0.child.rawValue)])) }),
            "truncated": .bool(graph.truncated),
        ]))
    }
}
