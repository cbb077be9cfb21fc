import Yams
import SundialCore

/// Converts a YAML document into the project's `JSONValue`, using YAML 1.1's core schema
/// as Yams resolves it: `true`, `32`, `0.5` and `~` become a boolean, numbers and null;
/// quoted scalars stay strings. Key order is kept, so what is sent reads like the file.
enum YAMLToJSON {
    static func convert(_ text: String) throws(ClientError) -> JSONValue {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw .usage("not valid YAML: \(error)")
        }
        guard let root else { throw .usage("the YAML document is empty") }
        return try convert(root)
    }

    static func convert(_ node: Node) throws(ClientError) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: if let value = node.bool { return .bool(value) }
            case .int: if let value = node.int { return .number(Double(value)) }
            case .float: if let value = node.float, value.isFinite { return .number(value) }
            default: break
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try convert(item)) }
            return .array(items)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw .usage("YAML line \(key.mark.map { String($0.line) } ?? "?"): keys must be plain strings")
                }
                object[keyScalar.string] = try convert(value)
            }
            return .object(object)
        case .alias:
            throw .usage("YAML aliases are not supported in job files")
        }
    }
}
