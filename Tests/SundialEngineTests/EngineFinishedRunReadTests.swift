import Synchronization
import Testing
import SundialCore
import SundialEngine
import SundialTestSupport

/// A run's end is written `.soon`: the store may commit it a moment later. Meanwhile the run
/// has left the engine's active runs, and reads must still see its final state, not the
/// store's older one.
@Suite struct EngineFinishedRunReadTests {
    /// The in-memory store, except that `.soon` writes wait for `release()` (or for the next
    /// `.now` write, which takes them along first, as the SQLite store does).
    final class HoldingStore: JobStore {
        let inner = InMemoryJobStore()
        let held = Mutex<[(changes: [StoreChange], completion: @Sendable (Result<Void, StoreError>) -> Void)]>([])

        func load(historyLimit: Int) async throws(StoreError) -> StoreSnapshot { try await inner.load(historyLimit: historyLimit) }
        func finishedRun(job: JobID, run: RunID) async throws(StoreError) -> JobRun? { try await inner.finishedRun(job: job, run: run) }
        func missedSlots(job: JobID, limit: Int) async throws(StoreError) -> [MissedSlot] { try await inner.missedSlots(job: job, limit: limit) }

        func submit(_ changes: [StoreChange], urgency: WriteUrgency, completion: @escaping @Sendable (Result<Void, StoreError>) -> Void) {
            if urgency == .soon {
                held.withLock { $0.append((changes, completion)) }
                return
            }
            release()
            inner.submit(changes, urgency: urgency, completion: completion)
        }

        var holding: Int { held.withLock { $0.count } }

        func release() {
            for item in held.withLock({ items in defer { items = [] }; return items }) {
                inner.submit(item.changes, urgency: .now, completion: item.completion)
            }
        }
    }

    @Test func aFinishedRunReadsAsFinishedBeforeAndAfterItsEndIsStored() async throws {
        let launcher = FakeLauncher()
        let store = HoldingStore()
        let engine = Engine(store: store, launcher: launcher)
        try await engine.start()
        var spec = RunSpec()
        spec.cmd = "true"
        let id = JobID("once")!
        _ = try await engine.createJob(JobSpec(id: id, run: spec))
        let run = try await engine.startRun(id)
        let taskID = try #require(run.tasks.first?.id)
        #expect(await eventually { launcher.launched.count == 1 })
        launcher.finish(taskID, .exited(0))
        #expect(await eventually { store.holding > 0 })

        // The store still has the run as it was before its end; the engine answers with the end.
        #expect(try await store.inner.finishedRun(job: id, run: run.id)?.status != .SUCCESS)
        #expect(await engine.run(id, run.id)?.status == .SUCCESS)
        #expect(launcher.released.isEmpty)  // the executor keeps the exit until the end is stored

        store.release()
        #expect(await eventually { launcher.released == [taskID] })
        #expect(try await store.inner.finishedRun(job: id, run: run.id)?.status == .SUCCESS)
        #expect(await engine.run(id, run.id)?.status == .SUCCESS)
    }
}
