import Hummingbird
import Logging
import NIOCore
import SundialCore
import SundialEngine

/// The server's single HTTP entry point: normalizes the path (repeated slashes count as
/// one, DC/OS's `/service/metronome` prefix is accepted) and hands the request to a dialect.
public struct SundialResponder: HTTPResponder {
    public typealias Context = SundialRequestContext

    let metronome: MetronomeRoutes
    let chronos: ChronosRoutes
    let engine: Engine
    let webUI: WebUIRoutes
    let maximumBodySize: Int

    /// `sandboxes` is where task logs are read from; without it every log answers 404.
    public init(
        engine: Engine, server: ServerInfo, sandboxes: SandboxLayout? = nil, webUIAssets: WebUIAssets = .embedded(),
        maximumBodySize: Int = 4 << 20
    ) {
        self.metronome = MetronomeRoutes(engine: engine, server: server, logs: LogEndpoint(engine: engine, layout: sandboxes))
        self.chronos = ChronosRoutes(engine: engine, server: server)
        self.engine = engine
        self.webUI = WebUIRoutes(assets: webUIAssets)
        self.maximumBodySize = maximumBodySize
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        var segments = path.split(separator: "/", omittingEmptySubsequences: true)
        if segments.count >= 2, segments[0] == "service", segments[1] == "metronome" {
            segments.removeFirst(2)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumBodySize)
        } catch {
            return MetronomeErrors.framework(.contentTooLarge, "Request body larger than \(maximumBodySize) bytes", path: path)
        }
        var query: [(String, String)] = []
        if let rawQuery = request.uri.query {
            for pair in rawQuery.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append((percentDecoded(parts[0]), parts.count > 1 ? percentDecoded(parts[1]) : ""))
            }
        }
        let routed = RoutedRequest(
            method: request.method, path: path, segments: Array(segments), query: query,
            contentType: request.headers[.contentType], body: body, channel: context.channel)
        if let response = await metronome.handle(routed) { return response }
        if var response = await chronos.handle(routed) {
            // Chronos' CorsFilter: browser pages on other origins read its API.
            response.headers[.accessControlAllowOrigin] = "*"
            return response
        }
        if let response = await native(routed) { return response }
        if let response = webUI.handle(routed, ifNoneMatch: request.headers[.ifNoneMatch]) { return response }
        return MetronomeErrors.unknownRoute(path)
    }

    /// Sundial's own additions under `/api` (docs/api.md).
    func native(_ request: RoutedRequest) async -> Response? {
        let s = request.segments
        switch (request.method, s.count) {
        case (.get, 3) where s[0] == "api" && s[1] == "schedule" && s[2] == "next":
            return SchedulePreviewRoute.handle(request, now: Instant.now())
        case (.get, 2) where s[0] == "api" && s[1] == "jobs":
            return await JobListRoute.handle(request, engine: engine)
        case (.get, 4) where s[0] == "api" && s[1] == "jobs" && s[3] == "dependencies":
            guard let id = JobID(percentDecoded(s[2])) else {
                return HTTPReply.json(.badRequest, JSONObject(["message": .string("Not a valid id: \(percentDecoded(s[2]))")]))
            }
            return await DependencyGraphRoute.handle(id, engine: engine)
        default:
            return nil
        }
    }
}
