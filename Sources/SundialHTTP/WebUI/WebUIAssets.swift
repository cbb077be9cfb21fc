#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// The web UI's files, served from memory. They come from `EmbeddedWebUIAssets` (compiled
/// into the binary by the EmbedWebUI plugin) or, for UI development, from a directory read
/// on every request so an edit shows on reload without rebuilding.
public struct WebUIAssets: Sendable {
    public struct Asset: Sendable {
        public var body: ByteBuffer
        public var contentType: String
        /// A strong validator for conditional GETs.
        public var etag: String
    }

    /// Names the current set of files; asset URLs carry it so they can be cached forever.
    public let version: String
    let files: [String: Asset]
    let liveDirectory: String?

    public static func embedded() -> WebUIAssets {
        WebUIAssets(texts: EmbeddedWebUIAssets.files, liveDirectory: nil)
    }

    /// Serves the files under `directory` as they are on disk (`SUNDIAL_UI_DIR`).
    public static func live(directory: String) -> WebUIAssets {
        WebUIAssets(texts: [:], liveDirectory: directory)
    }

    init(texts: [String: String], liveDirectory: String?) {
        var files: [String: Asset] = [:]
        var combined = FNV1a()
        for path in texts.keys.sorted() {
            let text = texts[path]!
            combined.add(path)
            combined.add(text)
            files[path] = Self.asset(path, text)
        }
        self.files = files
        self.version = liveDirectory == nil ? String(combined.hex.prefix(12)) : "live"
        self.liveDirectory = liveDirectory
    }

    static func asset(_ path: String, _ text: String) -> Asset {
        var hash = FNV1a()
        hash.add(text)
        return Asset(body: ByteBuffer(string: text), contentType: contentType(of: path), etag: "\"\(hash.hex)\"")
    }

    /// The file at `path` (relative, such as `views/job-list.js`), or nil.
    func asset(_ path: String) -> Asset? {
        guard let liveDirectory else { return files[path] }
        guard !path.split(separator: "/").contains(".."), let text = readFile(liveDirectory + "/" + path) else { return nil }
        return Self.asset(path, text)
    }

    /// Whether assets may be cached without asking again (not while developing the UI).
    var isImmutable: Bool { liveDirectory == nil }

    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last ?? "" {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "json": "application/json"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}

/// 64-bit FNV-1a: a stable, dependency-free content hash for ETags and the asset version.
struct FNV1a {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
        // Separates consecutive inputs so ("ab","c") and ("a","bc") differ.
        value ^= 0xff
        value &*= 0x0000_0100_0000_01b3
    }
    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// Reads a whole UTF-8 file, or nil.
private func readFile(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count <= 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    return String(validating: bytes, as: UTF8.self)
}
