import Foundation
import SundialCore
import SundialSQLite
import Synchronization
import Testing

/// Changes submitted together share one transaction; one that fails (a second run for a
/// scheduled slot) must fail alone, and everything around it must still land.
@Suite struct StoreGroupCommitTests {
    @Test func aDuplicateScheduledSlotFailsAloneAmongChangesCommittedTogether() async throws {
        let database = try TemporaryDatabase()
        let path = database.path
        let store = try SQLiteJobStore(path: path)
        var spec = RunSpec()
        spec.cmd = "true"
        let job = JobID("job")!
        try await store.apply([.putJob(JobSpec(id: job, schedules: [], run: spec))])
        let slot = Instant(millisecondsSinceEpoch: 1_800_000_000_000)
        func run(_ index: Int, slot: Instant?) -> JobRun {
            JobRun(
                id: RunID(trusted: "run-\(index)"), jobID: job, status: .STARTING, createdAt: slot ?? Instant(millisecondsSinceEpoch: 1),
                trigger: slot.map { .schedule(id: "s", instant: $0) } ?? .manual, spec: spec)
        }
        // Submitted back to back from one thread, so most of them join one transaction.
        let outcomes = Mutex([Int: Bool]())
        for index in 0..<200 {
            // Runs 50 and 150 claim the slot that run 10 claimed already.
            let claimed = index == 10 || index == 50 || index == 150 ? slot : nil
            store.submit([.insertRun(run(index, slot: claimed)), .putCursor(job, scheduleID: "s", Instant(millisecondsSinceEpoch: Int64(index)))]) { result in
                outcomes.withLock { if case .success = result { $0[index] = true } else { $0[index] = false } }
            }
        }
        await store.flush()
        let failed = outcomes.withLock { $0.filter { !$0.value }.keys.sorted() }
        #expect(failed == [50, 150])
        #expect(outcomes.withLock { $0.count } == 200)
        let stored = try await SQLiteJobStore(path: path).load(historyLimit: 10)
        let active = Set(stored.activeRuns.map(\.id.rawValue))
        #expect(active.count == 198)
        #expect(!active.contains("run-50") && !active.contains("run-150") && active.contains("run-10"))
        // The failed item's own cursor write rolled back with it; the last one landed.
        #expect(stored.cursors[ScheduleKey(jobID: job, scheduleID: "s")] == Instant(millisecondsSinceEpoch: 199))
    }
}
