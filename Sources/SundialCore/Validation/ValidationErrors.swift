/// Field-level validation errors, grouped by path in the order they were found. Paths use
/// play-json syntax (`/run/placement/constraints(0)/operator`, `/` for the whole object), which
/// is what Metronome clients read from `details[].path`.
public struct ValidationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public private(set) var entries: [(path: String, errors: [String])] = []

    public init() {}

    public init(path: String, _ message: String) { add(path, message) }

    public mutating func add(_ path: String, _ message: String) {
        if let index = entries.firstIndex(where: { $0.path == path }) {
            if !entries[index].errors.contains(message) { entries[index].errors.append(message) }
        } else {
            entries.append((path, [message]))
        }
    }

    public mutating func merge(_ other: ValidationErrors) {
        for entry in other.entries { for message in entry.errors { add(entry.path, message) } }
    }

    public var isEmpty: Bool { entries.isEmpty }

    public var description: String {
        entries.map { "\($0.path): \($0.errors.joined(separator: "; "))" }.joined(separator: "\n")
    }

    public static func == (lhs: ValidationErrors, rhs: ValidationErrors) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.path == $1.path && $0.errors == $1.errors }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.path)
            hasher.combine(entry.errors)
        }
    }
}

/// A path into a JSON document, rendered in play-json syntax.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    var rendered: String

    public static let root = JSONPath(rendered: "")

    public func key(_ name: String) -> JSONPath { JSONPath(rendered: rendered + "/" + name) }
    public func index(_ i: Int) -> JSONPath { JSONPath(rendered: rendered + "(\(i))") }
    public var description: String { rendered.isEmpty ? "/" : rendered }
}
