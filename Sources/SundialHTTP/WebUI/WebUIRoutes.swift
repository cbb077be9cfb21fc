import HTTPTypes
import Hummingbird
import NIOCore

/// Serves the web UI: the page at `/` and its files under `/ui/<version>/…`. Asset URLs
/// carry the content version, so browsers may keep them for a year; the page itself is
/// revalidated on every load, which is how a new binary's UI reaches open browsers.
struct WebUIRoutes: Sendable {
    let assets: WebUIAssets

    /// Where the page finds its assets; `index.html` says `%ASSET_BASE%` for it.
    var assetBase: String { "/ui/\(assets.version)" }

    func handle(_ request: RoutedRequest, ifNoneMatch: String?) -> Response? {
        guard request.method == .get else { return nil }
        let s = request.segments
        if s.isEmpty || (s.count == 1 && s[0] == "index.html") {
            guard let page = assets.asset("index.html") else { return nil }
            let html = String(buffer: page.body).replacing("%ASSET_BASE%", with: assetBase)
            let asset = WebUIAssets.asset("index.html", html)
            return reply(asset, cacheControl: "no-cache", ifNoneMatch: ifNoneMatch, page: true)
        }
        // /ui/<version>/<path…>: any version answers with today's files, so a page loaded
        // before an upgrade still gets something; only the current one may be cached.
        guard s.count >= 3, s[0] == "ui" else { return nil }
        let path = s.dropFirst(2).joined(separator: "/")
        guard let asset = assets.asset(path) else { return nil }
        let cacheable = assets.isImmutable && s[1] == Substring(assets.version)
        return reply(
            asset, cacheControl: cacheable ? "public, max-age=31536000, immutable" : "no-cache", ifNoneMatch: ifNoneMatch,
            page: false)
    }

    func reply(_ asset: WebUIAssets.Asset, cacheControl: String, ifNoneMatch: String?, page: Bool) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = asset.contentType
        headers[.cacheControl] = cacheControl
        headers[.eTag] = asset.etag
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        if page {
            // Everything the UI needs comes from this server; nothing inline, nothing framed.
            headers[.contentSecurityPolicy] =
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
            headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        }
        if let ifNoneMatch, ifNoneMatch.split(separator: ",").contains(where: { $0.trimmingSpaces() == asset.etag || $0.trimmingSpaces() == "*" }) {
            return Response(status: .notModified, headers: headers, body: ResponseBody())
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: asset.body))
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
