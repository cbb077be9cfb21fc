import Dispatch
import Foundation
import Synchronization
import SundialCore

/// The embedded default store: one SQLite database in WAL mode.
///
/// Writes are group-committed: every `apply` call waiting while a commit is in flight joins
/// the next transaction; should one of them fail (a duplicate scheduled slot, say), the
/// transaction is redone with each inside its own SAVEPOINT so that one rolls back alone.
/// One fsync then covers many callers, which is what lets thousands of durable creates per
/// second through one disk.
public final class SQLiteJobStore: JobStore {
    private let queue = DispatchQueue(label: "sundial.sqlite.writer")
    nonisolated(unsafe) private let connection: SQLiteConnection
    private let pending = Mutex(Pending())

    private struct Pending {
        var items: [Item] = []
        /// A drain runs on the writer queue or is queued there.
        var draining = false
        /// A pending item was submitted with `.now`.
        var urgent = false
        /// A drain is queued for when the gathering window closes.
        var gatheringDrainQueued = false
        /// When the last commit ended (`DispatchTime` uptime, nanoseconds).
        var lastCommitEnded: UInt64 = 0
    }

    /// How long after a commit a group of only `.soon` writes waits for company. Under a
    /// stream of run ends (a burst of 10,000 short runs) 10 ms cut the server's CPU by ~12 %:
    /// each commit rewrites whole pages of the same indexes and pays an fsync. A `.soon`
    /// write after a quiet spell commits at once.
    private let gatheringWindowNanoseconds: UInt64

    public enum Durability: Sendable {
        /// fsync on every commit: survives power loss.
        case full
        /// WAL without fsync per commit: survives a crash of the process, not of the machine.
        case normal
    }

    public init(path: String, durability: Durability = .full, gatheringWindow: Duration = .milliseconds(10)) throws(StoreError) {
        let (seconds, attoseconds) = gatheringWindow.components
        gatheringWindowNanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA journal_mode=WAL")
        try connection.execute(durability == .full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")
        try connection.execute("PRAGMA foreign_keys=OFF")
        try migrate()
    }

    private func migrate() throws(StoreError) {
        var version: Int64 = 0
        try connection.run("PRAGMA user_version") { row in version = row.integer(0) }
        guard version <= Int64(Migrations.all.count) else {
            throw StoreError(.corrupt, "database schema version \(version) is newer than this sundial (\(Migrations.all.count))")
        }
        for (index, sql) in Migrations.all.enumerated() where index >= version {
            try connection.execute("BEGIN IMMEDIATE")
            do {
                try connection.execute(sql)
                try connection.execute("PRAGMA user_version = \(index + 1)")
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    // MARK: Writes

    public func submit(_ changes: [StoreChange], urgency: WriteUrgency, completion: @escaping @Sendable (Result<Void, StoreError>) -> Void) {
        let startDrain = pending.withLock { state in
            state.items.append((changes, completion))
            if urgency == .now { state.urgent = true }
            if state.draining { return false }
            // A drain is already queued for the end of the gathering window: it takes this one.
            if urgency == .soon && state.gatheringDrainQueued { return false }
            state.draining = true
            return true
        }
        if startDrain { queue.async { self.drain() } }
    }

    private func drain() {
        while true {
            let (batch, gatherFor): ([Item], UInt64?) = pending.withLock { state in
                if state.items.isEmpty {
                    state.draining = false
                    return ([], nil)
                }
                let now = DispatchTime.now().uptimeNanoseconds
                let windowEnds = state.lastCommitEnded + gatheringWindowNanoseconds
                if !state.urgent && now < windowEnds {
                    state.draining = false
                    if state.gatheringDrainQueued { return ([], nil) }
                    state.gatheringDrainQueued = true
                    return ([], windowEnds - now)
                }
                let items = state.items
                state.items = []
                state.urgent = false
                return (items, nil)
            }
            if batch.isEmpty {
                if let gatherFor {
                    queue.asyncAfter(deadline: .now() + .nanoseconds(Int(gatherFor))) { self.drainAfterGathering() }
                }
                return
            }
            let results = commitTogether(batch) ?? commitEachAlone(batch)
            pending.withLock { $0.lastCommitEnded = DispatchTime.now().uptimeNanoseconds }
            for (item, result) in zip(batch, results) { item.completion(result) }
        }
    }

    /// On the writer queue, once the gathering window has closed.
    private func drainAfterGathering() {
        let start = pending.withLock { state in
            state.gatheringDrainQueued = false
            if state.draining { return false }
            state.draining = true
            return true
        }
        if start { drain() }
    }

    private typealias Item = (changes: [StoreChange], completion: @Sendable (Result<Void, StoreError>) -> Void)

    /// The usual case: every item succeeds, and one transaction holds them all. Nil when one
    /// failed (everything is rolled back, and the batch goes through `commitEachAlone`).
    /// Savepoints are kept out of this path: under one, SQLite copies every page it changes
    /// to a statement journal first, which was most of a burst's write cost.
    private func commitTogether(_ batch: [Item]) -> [Result<Void, StoreError>]? {
        do {
            try connection.run("BEGIN IMMEDIATE")
            for item in batch {
                for change in item.changes { try write(change) }
            }
            try connection.run("COMMIT")
            return batch.map { _ in .success(()) }
        } catch {
            try? connection.execute("ROLLBACK")
            return nil
        }
    }

    /// Each item inside its own savepoint, so one failing item (a duplicate scheduled slot)
    /// rolls back alone and the others still land in the one transaction.
    /// Transaction statements go through `run`, prepared once: parsing them at every batch
    /// was a fifth of the writer's CPU in a burst.
    private func commitEachAlone(_ batch: [Item]) -> [Result<Void, StoreError>] {
        var results: [Result<Void, StoreError>] = []
        results.reserveCapacity(batch.count)
        do {
            try connection.run("BEGIN IMMEDIATE")
            for item in batch {
                do {
                    try connection.run("SAVEPOINT batch")
                    for change in item.changes { try write(change) }
                    try connection.run("RELEASE batch")
                    results.append(.success(()))
                } catch {
                    try? connection.run("ROLLBACK TO batch")
                    try? connection.run("RELEASE batch")
                    results.append(.failure(error))
                }
            }
            try connection.run("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            results = batch.map { _ in .failure(error) }
        }
        return results
    }

    private func write(_ change: StoreChange) throws(StoreError) {
        switch change {
        case .putJob(let job):
            let spec = JSONWriter.string(.object(JobSpecEncoder.encode(job, options: .storage)))
            try connection.run(
                "INSERT INTO jobs (id, spec, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET spec = ?2, updated_at = ?3",
                [.text(job.id.rawValue), .text(spec), .integer(Instant.now().millisecondsSinceEpoch)])
        case .deleteJob(let id):
            for table in ["jobs WHERE id", "runs WHERE job_id", "job_history WHERE job_id", "schedule_cursors WHERE job_id", "missed_slots WHERE job_id"] {
                try connection.run("DELETE FROM \(table) = ?1", [.text(id.rawValue)])
            }
        case .insertRun(let run):
            var scheduleID: String?
            var scheduledAt: Instant?
            if case .schedule(let id, let instant) = run.trigger {
                scheduleID = id
                scheduledAt = instant
            }
            try connection.run(
                "INSERT INTO runs (job_id, run_id, status, created_at, completed_at, schedule_id, scheduled_at, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                [.text(run.jobID.rawValue), .text(run.id.rawValue), .text(run.status.rawValue), .integer(run.createdAt.millisecondsSinceEpoch),
                 .optional(run.completedAt), .optional(scheduleID), .optional(scheduledAt), .text(RunRecordCoding.encode(run))])
        case .updateRun(let run):
            try connection.run(
                "UPDATE runs SET status = ?3, completed_at = ?4, data = ?5 WHERE job_id = ?1 AND run_id = ?2",
                [.text(run.jobID.rawValue), .text(run.id.rawValue), .text(run.status.rawValue), .optional(run.completedAt), .text(RunRecordCoding.encode(run))])
        case .putHistory(let id, let counters):
            try connection.run(
                """
                INSERT INTO job_history (job_id, success_count, failure_count, last_success_at, last_failure_at) VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (job_id) DO UPDATE SET success_count = ?2, failure_count = ?3, last_success_at = ?4, last_failure_at = ?5
                """,
                [.text(id.rawValue), .integer(Int64(counters.successCount)), .integer(Int64(counters.failureCount)),
                 .optional(counters.lastSuccessAt), .optional(counters.lastFailureAt)])
        case .putCursor(let id, let scheduleID, let instant):
            try connection.run(
                "INSERT INTO schedule_cursors (job_id, schedule_id, cursor) VALUES (?1, ?2, ?3) ON CONFLICT (job_id, schedule_id) DO UPDATE SET cursor = ?3",
                [.text(id.rawValue), .text(scheduleID), .integer(instant.millisecondsSinceEpoch)])
        case .deleteCursor(let id, let scheduleID):
            try connection.run("DELETE FROM schedule_cursors WHERE job_id = ?1 AND schedule_id = ?2", [.text(id.rawValue), .text(scheduleID)])
        case .recordMissedSlot(let slot):
            try connection.run(
                "INSERT OR IGNORE INTO missed_slots (job_id, schedule_id, instant, recorded_at) VALUES (?1, ?2, ?3, ?4)",
                [.text(slot.jobID.rawValue), .text(slot.scheduleID), .integer(slot.instant.millisecondsSinceEpoch), .integer(slot.recordedAt.millisecondsSinceEpoch)])
        }
    }

    // MARK: Reads and maintenance (on the writer queue, between group commits)

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws(StoreError) -> T) async throws(StoreError) -> T {
        let result: Result<T, StoreError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(StoreError) { continuation.resume(returning: .success(try body())) } catch { continuation.resume(returning: .failure(error)) }
            }
        }
        return try result.get()
    }

    public func load(historyLimit: Int) async throws(StoreError) -> StoreSnapshot {
        try await onQueue { () throws(StoreError) -> StoreSnapshot in
            var snapshot = StoreSnapshot()
            // Decoding is most of a large start-up; it runs on every core, a batch at a time
            // so the raw JSON of every job is never held at once.
            var batch: [(id: String, spec: String)] = []
            func decodeBatch() throws(StoreError) {
                snapshot.jobs += try batch.parallelMap { (row) throws(StoreError) -> JobSpec in
                    do {
                        return try JobSpecDecoder.decodeStored(try JSONParser.parse(row.spec))
                    } catch {
                        throw StoreError(.corrupt, "job \(row.id): \(error)")
                    }
                }
                batch.removeAll(keepingCapacity: true)
            }
            try self.connection.run("SELECT id, spec FROM jobs ORDER BY id") { row throws(StoreError) in
                batch.append((row.text(0), row.text(1)))
                if batch.count == 8192 { try decodeBatch() }
            }
            try decodeBatch()
            try self.connection.run(
                "SELECT job_id, run_id, status, created_at, completed_at, schedule_id, scheduled_at, data FROM runs WHERE status NOT IN ('SUCCESS', 'FAILED')"
            ) { row throws(StoreError) in
                snapshot.activeRuns.append(try Self.decodeRun(row))
            }
            try self.connection.run("SELECT job_id, success_count, failure_count, last_success_at, last_failure_at FROM job_history") { row in
                var history = JobHistory()
                history.successCount = Int(row.integer(1))
                history.failureCount = Int(row.integer(2))
                history.lastSuccessAt = row.instant(3)
                history.lastFailureAt = row.instant(4)
                snapshot.histories[JobID(trusted: row.text(0))] = history
            }
            try self.connection.run(
                """
                SELECT job_id, run_id, status, created_at, completed_at, schedule_id, scheduled_at, data FROM (
                    SELECT *, row_number() OVER (PARTITION BY job_id, status ORDER BY completed_at DESC, run_id DESC) AS position
                    FROM runs WHERE status IN ('SUCCESS', 'FAILED')
                ) WHERE position <= ?1 ORDER BY completed_at DESC, run_id DESC
                """, [.integer(Int64(historyLimit))]
            ) { row throws(StoreError) in
                let run = try Self.decodeRun(row)
                let entry = JobHistory.FinishedRun(id: run.id, createdAt: run.createdAt, finishedAt: run.completedAt ?? run.createdAt, tasks: run.tasks.map(\.id))
                if run.status == .SUCCESS {
                    snapshot.histories[run.jobID, default: JobHistory()].successfulFinishedRuns.append(entry)
                } else {
                    snapshot.histories[run.jobID, default: JobHistory()].failedFinishedRuns.append(entry)
                }
            }
            try self.connection.run("SELECT job_id, schedule_id, cursor FROM schedule_cursors") { row in
                snapshot.cursors[ScheduleKey(jobID: JobID(trusted: row.text(0)), scheduleID: row.text(1))] = Instant(millisecondsSinceEpoch: row.integer(2))
            }
            return snapshot
        }
    }

    public func finishedRun(job: JobID, run: RunID) async throws(StoreError) -> JobRun? {
        try await onQueue { () throws(StoreError) -> JobRun? in
            var found: JobRun?
            try self.connection.run(
                "SELECT job_id, run_id, status, created_at, completed_at, schedule_id, scheduled_at, data FROM runs WHERE job_id = ?1 AND run_id = ?2",
                [.text(job.rawValue), .text(run.rawValue)]
            ) { row throws(StoreError) in found = try Self.decodeRun(row) }
            return found
        }
    }

    /// Missed slots of a job, newest first.
    public func missedSlots(job: JobID, limit: Int) async throws(StoreError) -> [MissedSlot] {
        try await onQueue { () throws(StoreError) -> [MissedSlot] in
            var slots: [MissedSlot] = []
            try self.connection.run(
                "SELECT schedule_id, instant, recorded_at FROM missed_slots WHERE job_id = ?1 ORDER BY instant DESC LIMIT ?2",
                [.text(job.rawValue), .integer(Int64(limit))]
            ) { row in
                slots.append(MissedSlot(jobID: job, scheduleID: row.text(0), instant: Instant(millisecondsSinceEpoch: row.integer(1)), recordedAt: Instant(millisecondsSinceEpoch: row.integer(2))))
            }
            return slots
        }
    }

    /// Removes finished runs beyond the newest `keep` of each job and status.
    public func pruneFinishedRuns(keep: Int) async throws(StoreError) {
        try await onQueue { () throws(StoreError) in
            try self.connection.run(
                """
                DELETE FROM runs WHERE rowid IN (
                    SELECT rowid FROM (
                        SELECT rowid, row_number() OVER (PARTITION BY job_id, status ORDER BY completed_at DESC, run_id DESC) AS position
                        FROM runs WHERE status IN ('SUCCESS', 'FAILED')
                    ) WHERE position > ?1
                )
                """, [.integer(Int64(keep))])
        }
    }

    private static func decodeRun(_ row: SQLiteRow) throws(StoreError) -> JobRun {
        try RunRecordCoding.decode(
            jobID: JobID(trusted: row.text(0)), runID: RunID(trusted: row.text(1)), status: row.text(2),
            createdAt: Instant(millisecondsSinceEpoch: row.integer(3)), completedAt: row.instant(4),
            scheduleID: row.isNull(5) ? nil : row.text(5), scheduledAt: row.instant(6), data: row.text(7))
    }
}
