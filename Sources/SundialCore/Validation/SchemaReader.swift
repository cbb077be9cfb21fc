/// Reads a `JSONValue` against a JSON-schema-like shape, collecting every violation with its
/// path instead of stopping at the first. Message wording follows the validator Metronome
/// uses, so existing tooling that greps for it keeps working.
public struct SchemaReader {
    public var errors = ValidationErrors()

    public init() {}

    public mutating func fail(_ path: JSONPath, _ message: String) { errors.add(path.description, message) }

    func display(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return "'\(s)'"
        default: return JSONWriter.string(value)
        }
    }

    mutating func wrongType(_ path: JSONPath, expected: String, found: JSONValue) {
        fail(path, "Wrong type. Expected \(expected), was \(found.typeName).")
    }

    /// An object whose keys are limited to `allowed` (when given) and must include `required`.
    public mutating func object(
        _ value: JSONValue, at path: JSONPath, allowed: Set<String>? = nil, required: [String] = []
    ) -> JSONObject? {
        guard case .object(let object) = value else {
            wrongType(path, expected: "object", found: value)
            return nil
        }
        if let allowed {
            let extra = object.keys.filter { !allowed.contains($0) }
            if !extra.isEmpty {
                fail(path, "Additional properties are not allowed but found \(extra.count == 1 ? "property" : "properties") \(extra.map { "'\($0)'" }.joined(separator: ", ")).")
            }
        }
        for key in required where object[key] == nil || object[key]!.isNull {
            fail(path.key(key), "Property \(key) missing.")
        }
        return object
    }

    public mutating func string(_ value: JSONValue?, at path: JSONPath, minLength: Int = 0) -> String? {
        guard let value, !value.isNull else { return nil }
        guard case .string(let s) = value else {
            wrongType(path, expected: "string", found: value)
            return nil
        }
        if s.count < minLength {
            fail(path, "'\(s)' does not match minimum length of \(minLength).")
            return nil
        }
        return s
    }

    public mutating func bool(_ value: JSONValue?, at path: JSONPath) -> Bool? {
        guard let value, !value.isNull else { return nil }
        guard case .bool(let b) = value else {
            wrongType(path, expected: "boolean", found: value)
            return nil
        }
        return b
    }

    public mutating func number(_ value: JSONValue?, at path: JSONPath, minimum: Double? = nil) -> Double? {
        guard let value, !value.isNull else { return nil }
        guard case .number(let n) = value else {
            wrongType(path, expected: "number", found: value)
            return nil
        }
        if let minimum, n < minimum {
            fail(path, "\(JSONWriter.string(.number(n))) is smaller than required minimum value of \(JSONWriter.string(.number(minimum))).")
            return nil
        }
        return n
    }

    public mutating func integer(_ value: JSONValue?, at path: JSONPath, minimum: Int? = nil) -> Int? {
        guard let value, !value.isNull else { return nil }
        guard case .number(let n) = value, JSONValue.isIntegral(n) else {
            wrongType(path, expected: "integer", found: value)
            return nil
        }
        let i = Int(n)
        if let minimum, i < minimum {
            fail(path, "\(i) is smaller than required minimum value of \(minimum).")
            return nil
        }
        return i
    }

    public mutating func array(_ value: JSONValue?, at path: JSONPath) -> [JSONValue]? {
        guard let value, !value.isNull else { return nil }
        guard case .array(let items) = value else {
            wrongType(path, expected: "array", found: value)
            return nil
        }
        return items
    }

    public mutating func stringArray(_ value: JSONValue?, at path: JSONPath) -> [String]? {
        guard let items = array(value, at: path) else { return nil }
        var result: [String] = []
        for (i, item) in items.enumerated() {
            if let s = string(item, at: path.index(i)) { result.append(s) }
        }
        return result
    }

    public mutating func stringMap(_ value: JSONValue?, at path: JSONPath) -> [String: String]? {
        guard let value, !value.isNull else { return nil }
        guard let object = object(value, at: path) else { return nil }
        var result: [String: String] = [:]
        for (key, item) in object {
            if let s = string(item, at: path.key(key)) { result[key] = s }
        }
        return result
    }

    public mutating func enumeration<E: RawRepresentable & CaseIterable>(
        _ value: JSONValue?, at path: JSONPath, _ type: E.Type, extra: [String] = []
    ) -> String? where E.RawValue == String {
        guard let s = string(value, at: path) else { return nil }
        let allowed = E.allCases.map(\.rawValue) + extra
        guard allowed.contains(s) else {
            fail(path, "Invalid enum value '\(s)'. Valid values are: \(allowed.joined(separator: ", ")).")
            return nil
        }
        return s
    }

    public mutating func pattern(_ s: String, at path: JSONPath, matches: Bool, pattern: String) {
        if !matches { fail(path, "'\(s)' does not match pattern '\(pattern)'.") }
    }
}
