import Foundation
import SundialCore
import SundialSQLite
import Synchronization
import Testing

/// Writes nobody waits for (`.soon`) may wait after a commit to share the next one; they are
/// never reordered, and any `.now` write or a flush takes them along at once.
@Suite struct StoreGatheringTests {
    final class Completions: Sendable {
        let order = Mutex<[String]>([])
        func record(_ name: String) { order.withLock { $0.append(name) } }
        var names: [String] { order.withLock { $0 } }
    }

    func job(_ id: String, description: String) -> JobSpec {
        var run = RunSpec()
        run.cmd = "true"
        var job = JobSpec(id: JobID(id)!, schedules: [], run: run)
        job.description = description
        return job
    }

    func submit(_ store: SQLiteJobStore, _ name: String, _ change: StoreChange, _ urgency: WriteUrgency, _ done: Completions) {
        store.submit([change], urgency: urgency) { result in
            if case .success = result { done.record(name) }
        }
    }

    @Test func aSoonWriteAfterACommitWaitsForTheNextNowWriteAndKeepsItsOrder() async throws {
        let database = try TemporaryDatabase()
        // A window far longer than the test: what commits, commits because something asked.
        let store = try SQLiteJobStore(path: database.path, gatheringWindow: .seconds(600))
        let done = Completions()
        // Nothing committed for a long while (never): a `.soon` write goes at once.
        submit(store, "first", .putJob(job("a", description: "first")), .soon, done)
        for _ in 0..<500 where done.names != ["first"] { try await Task.sleep(for: .milliseconds(10)) }
        #expect(done.names == ["first"])

        // Right after that commit: it waits.
        submit(store, "second", .putJob(job("a", description: "second")), .soon, done)
        try await Task.sleep(for: .milliseconds(300))
        #expect(done.names == ["first"])
        let reader = try SQLiteJobStore(path: database.path)
        #expect(try await reader.load(historyLimit: 1).jobs.first?.description == "first")

        // A write someone waits for commits both, the earlier one first.
        try await store.apply([.putJob(job("b", description: "urgent"))])
        #expect(done.names == ["first", "second"])
        let loaded = try await reader.load(historyLimit: 1).jobs
        #expect(loaded.first { $0.id.rawValue == "a" }?.description == "second")
        #expect(loaded.contains { $0.id.rawValue == "b" })

        // And a flush, as a server shutting down calls it.
        submit(store, "third", .putJob(job("a", description: "third")), .soon, done)
        await store.flush()
        #expect(done.names == ["first", "second", "third"])
        #expect(try await reader.load(historyLimit: 1).jobs.first { $0.id.rawValue == "a" }?.description == "third")
    }

    @Test func soonWritesCommitByThemselvesOnceTheWindowCloses() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteJobStore(path: database.path, gatheringWindow: .milliseconds(50))
        let done = Completions()
        // Right after a commit, with nothing else to come: the window's end commits them.
        try await store.apply([.putJob(job("start", description: "d"))])
        for index in 0..<20 {
            submit(store, "w\(index)", .putJob(job("j\(index)", description: "d")), .soon, done)
        }
        for _ in 0..<1000 where done.names.count < 20 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(done.names == (0..<20).map { "w\($0)" })
        #expect(try await SQLiteJobStore(path: database.path).load(historyLimit: 1).jobs.count == 21)
    }
}
