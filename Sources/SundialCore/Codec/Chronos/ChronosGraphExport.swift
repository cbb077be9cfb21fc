/// `graph/dot` and `graph/csv` as Chronos writes them (reference/chronos.md §5.6): DOT with
/// vertices numbered from 1 in the given order and labelled by name, no styling.
public enum ChronosGraphExport {
    public static func dot(vertices: [String], edges: [(parent: String, child: String)]) -> String {
        var number: [String: Int] = [:]
        var text = "digraph G {\n"
        for (index, name) in vertices.enumerated() {
            number[name] = index + 1
            text += "  \(index + 1) [ label=\"\(name)\" ];\n"
        }
        for edge in edges {
            guard let from = number[edge.parent], let to = number[edge.child] else { continue }
            text += "  \(from) -> \(to);\n"
        }
        return text + "}\n"
    }

    public struct Node: Sendable {
        public var name: String
        public var lastOutcome: String
        public var runState: String
        public init(name: String, lastOutcome: String, runState: String) {
            self.name = name
            self.lastOutcome = lastOutcome
            self.runState = runState
        }
    }

    public static func csv(nodes: [Node], edges: [(parent: String, child: String)]) -> String {
        var text = ""
        for node in nodes { text += "node,\(node.name),\(node.lastOutcome),\(node.runState)\n" }
        for edge in edges { text += "link,\(edge.parent),\(edge.child)\n" }
        return text
    }
}
