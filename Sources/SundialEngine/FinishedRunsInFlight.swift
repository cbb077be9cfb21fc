import Synchronization
import SundialCore

/// Runs that have ended but whose final write is not durable yet. The engine drops a run
/// from its active runs when it ends and reads a finished run back from the store; in
/// between, a read must see the final state here rather than the store's older version
/// (one that a Chronos progress update would otherwise write back over the final one).
/// Shared with the store's completion, which removes the run without a hop to the engine.
final class FinishedRunsInFlight: Sendable {
    private let runs = Mutex<[RunKey: JobRun]>([:])

    func add(_ run: JobRun) {
        runs.withLock { $0[RunKey(jobID: run.jobID, runID: run.id)] = run }
    }

    /// The final write of `run` is durable (or failed, and the store keeps the older state).
    func remove(_ run: JobRun) {
        runs.withLock { $0[RunKey(jobID: run.jobID, runID: run.id)] = nil }
    }

    func run(_ jobID: JobID, _ runID: RunID) -> JobRun? {
        runs.withLock { $0[RunKey(jobID: jobID, runID: runID)] }
    }
}
