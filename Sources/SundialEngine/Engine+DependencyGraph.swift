import SundialCore

/// The part of the dependency graph around one job: its ancestors (what must succeed
/// before it) and its descendants (what waits on it), for the UI to draw.
public struct DependencyGraph: Sendable {
    public var nodes: [JobID]
    /// (parent, child): the child runs after the parent succeeds.
    public var edges: [(parent: JobID, child: JobID)]
    /// True when the walk stopped at `limit` nodes.
    public var truncated: Bool
}

extension Engine {
    public func dependencyGraph(of id: JobID, limit: Int = 200) -> DependencyGraph? {
        guard jobs[id] != nil else { return nil }
        var nodes: [JobID] = [id]
        var seen: Set<JobID> = [id]
        var edges: [(parent: JobID, child: JobID)] = []
        var truncated = false
        /// Walks one direction; `next` gives a job's neighbours in that direction.
        func walk(_ next: (JobID) -> [JobID], edge: (JobID, JobID) -> (parent: JobID, child: JobID)) {
            var queue = [id]
            while !queue.isEmpty {
                let current = queue.removeFirst()
                for neighbour in next(current) where jobs[neighbour] != nil {
                    if !seen.contains(neighbour) {
                        guard nodes.count < limit else {
                            truncated = true
                            continue
                        }
                        seen.insert(neighbour)
                        nodes.append(neighbour)
                        queue.append(neighbour)
                    }
                    edges.append(edge(current, neighbour))
                }
            }
        }
        walk({ self.jobs[$0]?.dependencies ?? [] }, edge: { (parent: $1, child: $0) })
        walk({ (self.children[$0] ?? []).sorted() }, edge: { (parent: $0, child: $1) })
        return DependencyGraph(nodes: nodes, edges: edges, truncated: truncated)
    }
}
