import Hummingbird
import NIOCore

/// `GET /public/*file`: the RAML description and JSON schemas of the Metronome API, served
/// as Metronome serves them (e.g. `/public/api/v1/schema/jobspec.schema.json`). Verbatim
/// copies from dcos/metronome (Apache 2.0; see Public/SOURCE.txt), embedded at build time.
enum PublicFilesRoute {
    static func handle(_ request: RoutedRequest) -> Response? {
        let s = request.segments
        guard request.method == .get, s.count >= 3, s[0] == "public", s[1] == "api" else { return nil }
        let path = s.dropFirst(2).joined(separator: "/")
        guard path != "SOURCE.txt", let text = EmbeddedMetronomePublicFiles.files[path] else { return nil }
        let contentType = path.hasSuffix(".json") ? "application/json" : path.hasSuffix(".raml") ? "application/raml+yaml" : "text/plain; charset=utf-8"
        return HTTPReply.text(.ok, text, contentType: contentType)
    }
}
