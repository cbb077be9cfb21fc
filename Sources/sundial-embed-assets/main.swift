import Foundation

/// `sundial-embed-assets <assets-dir> <output.swift> <EnumName>`: writes every file below the
/// assets directory into one Swift source, as `enum EnumName { static let files }` keyed by
/// path relative to that directory. Used by the EmbedWebUI build plugin (the web UI and
/// Metronome's public API files); raw string literals compile far faster than the byte
/// arrays of SwiftPM's `embedInCode`.
let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: sundial-embed-assets <assets-dir> <output.swift> <EnumName>\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments[1]).standardizedFileURL
var files: [(path: String, text: String)] = []
if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) {
    for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
        let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            FileHandle.standardError.write(Data("sundial-embed-assets: \(relative) is not UTF-8 text\n".utf8))
            exit(1)
        }
        // Multi-line literals turn CR LF into LF; refuse rather than change the file silently.
        guard !text.contains("\r") else {
            FileHandle.standardError.write(Data("sundial-embed-assets: \(relative) contains carriage returns\n".utf8))
            exit(1)
        }
        files.append((relative, text))
    }
}
files.sort { $0.path < $1.path }

/// The fewest `#` that make a raw literal whose delimiter and escape never occur in `text`.
func rawDelimiter(for text: String) -> String {
    var hashes = "#"
    while text.contains("\"\"\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
    return hashes
}

var source = "// Generated at build time by sundial-embed-assets from \(root.lastPathComponent). Do not edit.\n\n"
source += "enum \(arguments[3]) {\n    static let files: [String: String] = [\n"
for file in files {
    let hashes = rawDelimiter(for: file.text)
    // The line breaks after the opening and before the closing delimiter are not part of
    // the literal, so its value is exactly the file's text.
    source += "        \"\(file.path)\": \(hashes)\"\"\"\n\(file.text)\n\"\"\"\(hashes),\n"
}
source += "    ]\n}\n"
let output = URL(fileURLWithPath: arguments[2])
// Keep the old file (and its timestamp) when nothing changed, so nothing recompiles.
if FileManager.default.contents(atPath: output.path) != Data(source.utf8) {
    try Data(source.utf8).write(to: output, options: .atomic)
}
