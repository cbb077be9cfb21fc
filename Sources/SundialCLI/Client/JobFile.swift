import Foundation
import SundialCore

/// Reads a job or schedule definition from a file (or standard input for `-`). JSON and
/// YAML are both accepted: `.json`, `.yaml` and `.yml` say which; otherwise a document that
/// starts with `{` or `[` is read as JSON and anything else as YAML.
enum JobFile {
    static func read(_ path: String) throws(ClientError) -> JSONObject {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .usage("cannot read \(path): no such file") }
            guard !isDirectory.boolValue else { throw .usage("cannot read \(path): it is a directory") }
            // FileHandle rather than Data(contentsOf:), which reports a device or a pipe
            // (`/dev/stdin`, `<(…)`) as a permission problem.
            guard let handle = FileHandle(forReadingAtPath: path) else { throw .usage("cannot read \(path): permission denied") }
            defer { try? handle.close() }
            do { data = try handle.readToEnd() ?? Data() } catch { throw .usage("cannot read \(path): \((error as NSError).localizedDescription)") }
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw .usage("\(path) is empty: expected a job or a schedule, in JSON or YAML")
        }
        let value = try parse(text, name: path)
        guard let object = value.objectValue else { throw .usage("\(path) must hold one object (a job or a schedule), not \(value.typeName)") }
        return object
    }

    static func parse(_ text: String, name: String) throws(ClientError) -> JSONValue {
        let lowered = name.lowercased()
        let isYAML: Bool
        if lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") {
            isYAML = true
        } else if lowered.hasSuffix(".json") {
            isYAML = false
        } else {
            let first = text.first { !$0.isWhitespace }
            isYAML = !(first == "{" || first == "[")
        }
        if isYAML {
            do { return try YAMLToJSON.convert(text) } catch { throw .usage("\(name): \(error)") }
        }
        do { return try JSONParser.parse(text) } catch { throw .usage("\(name) is not valid JSON: \(error)") }
    }
}
