import Testing
import SundialCore
import SundialEngine
import SundialTestSupport

/// Deleting a job takes its logs with it, but only once nothing of it runs, and a refused
/// delete leaves them alone.
@Suite struct EngineJobDeletionTests {
    func job(_ id: String) -> JobSpec {
        var run = RunSpec()
        run.cmd = "true"
        return JobSpec(id: JobID(id)!, run: run)
    }

    @Test func aDeletedJobsSandboxesAreDiscardedAfterItsRunsStopped() async throws {
        let launcher = FakeLauncher()
        let engine = Engine(store: InMemoryJobStore(), launcher: launcher)
        try await engine.start()
        _ = try await engine.createJob(job("doomed"))
        let run = try await engine.startRun(JobID("doomed")!)

        // Refused while a run is active: nothing is discarded.
        await #expect(throws: EngineError.self) { _ = try await engine.deleteJob(JobID("doomed")!, stopCurrentRuns: false) }
        #expect(launcher.discarded.isEmpty)

        _ = try await engine.deleteJob(JobID("doomed")!, stopCurrentRuns: true)
        #expect(launcher.discarded == [JobID("doomed")!])
        #expect(launcher.stopped == run.tasks.map(\.id))
    }

    @Test func anUnknownJobDiscardsNothing() async throws {
        let launcher = FakeLauncher()
        let engine = Engine(store: InMemoryJobStore(), launcher: launcher)
        try await engine.start()
        await #expect(throws: EngineError.self) { _ = try await engine.deleteJob(JobID("ghost")!, stopCurrentRuns: true) }
        #expect(launcher.discarded.isEmpty)
    }
}
