import Foundation
import SundialCore
import SundialSQLite
import Testing

/// `flush` waits for every change submitted before it: what a server shutting down relies on
/// for its background writes.
@Suite struct StoreFlushTests {
    @Test func changesSubmittedInTheBackgroundAreAllWrittenOnceFlushReturns() async throws {
        let database = try TemporaryDatabase()
        let path = database.path
        let store = try SQLiteJobStore(path: path)
        var run = RunSpec()
        run.cmd = "true"
        for i in 0..<2000 {
            store.submit([.putJob(JobSpec(id: JobID("job-\(i)")!, schedules: [], run: run))]) { _ in }
        }
        await store.flush()
        // What another process would find in the file now.
        let reader = try SQLiteJobStore(path: path)
        #expect(try await reader.load(historyLimit: 10).jobs.count == 2000)
    }
}
