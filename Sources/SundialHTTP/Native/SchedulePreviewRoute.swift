import Hummingbird
import SundialCore

/// `GET /api/schedule/next?expression=…&timezone=…&from=…&count=…`: the next fire instants
/// of an expression, as RFC 3339 UTC instants (docs/api.md).
enum SchedulePreviewRoute {
    static func handle(_ request: RoutedRequest, now: Instant) -> Response {
        guard let expression = request.queryValues("expression").first, !expression.isEmpty else {
            return problem("expression", "query parameter 'expression' is required")
        }
        let timezone = request.queryValues("timezone").first ?? "UTC"
        var start = now
        if let from = request.queryValues("from").first {
            guard let parsed = Instant.parse(from) else {
                return problem("from", "'from' must be an RFC 3339 instant, e.g. 2026-03-08T00:00:00Z")
            }
            start = parsed
        }
        var count = 5
        if let text = request.queryValues("count").first {
            guard let value = Int(text) else { return problem("count", "'count' must be an integer") }
            count = value
        }
        do {
            let instants = try SchedulePreview.next(expression: expression, timezone: timezone, after: start, count: count)
            return HTTPReply.json(.ok, JSONObject([
                "expression": .string(expression),
                "timezone": .string(timezone),
                "from": .string(start.rfc3339),
                "instants": .array(instants.map { .string($0.rfc3339) }),
            ]))
        } catch {
            return problem(error.parameter, error.message)
        }
    }

    static func problem(_ parameter: String, _ message: String) -> Response {
        HTTPReply.json(.unprocessableContent, JSONObject(["message": .string(message), "parameter": .string(parameter)]))
    }
}
