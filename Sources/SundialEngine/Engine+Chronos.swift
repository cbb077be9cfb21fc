import SundialCore

/// Engine reads and writes only the Chronos dialect needs.
extension Engine {
    /// Active runs of a job split into queued (no process yet) and running.
    public func runCounts(_ id: JobID) -> (queued: Int, running: Int) {
        let states = (runs[id] ?? [:]).values
        let running = states.filter { $0.task != nil }.count
        return (states.count - running, running)
    }

    /// Adds to the elements a data job's task processed. The task is named the Chronos way,
    /// by its run's creation instant and attempt (`ct:<millis>:<attempt>:<name>:…`).
    /// Returns false when no such task exists.
    public func addProgress(_ id: JobID, runCreatedAt: Instant, attempt: Int, elements: Int64) async -> Bool {
        func apply(_ run: inout JobRun) -> Bool {
            guard run.tasks.indices.contains(attempt) else { return false }
            // Saturating: a client adding huge counts must not trap the server.
            let (sum, overflow) = (run.tasks[attempt].elementsProcessed ?? 0).addingReportingOverflow(elements)
            run.tasks[attempt].elementsProcessed = overflow ? Int64.max : sum
            return true
        }
        if let (runID, state) = runs[id]?.first(where: { $0.value.run.createdAt == runCreatedAt }) {
            var run = state.run
            guard apply(&run) else { return false }
            runs[id]?[runID]?.run = run
            // Durable before the 204, like every other acknowledged change.
            do { try await persist([.updateRun(run)]) } catch { return false }
            return true
        }
        let history = histories[id] ?? JobHistory()
        guard let finished = (history.successfulFinishedRuns + history.failedFinishedRuns).first(where: { $0.createdAt == runCreatedAt }),
            var run = await self.run(id, finished.id), apply(&run)
        else { return false }
        do { try await persist([.updateRun(run)]) } catch { return false }
        return true
    }
}
