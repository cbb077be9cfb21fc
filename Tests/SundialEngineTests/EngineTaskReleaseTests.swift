import Testing
import SundialCore
import SundialEngine
import SundialTestSupport

/// The launcher may forget a task's exit (the executor keeps it until then) only once the
/// task's end is in the store: a crash in between must not lose it.
@Suite struct EngineTaskReleaseTests {
    func job(_ id: String, restart: RestartPolicy = RestartPolicy()) -> JobSpec {
        var run = RunSpec()
        run.cmd = "true"
        run.restart = restart
        return JobSpec(id: JobID(id)!, run: run)
    }

    @Test func aFinishedTaskIsReleasedOnceItsEndIsStored() async throws {
        let launcher = FakeLauncher()
        let store = InMemoryJobStore()
        let engine = Engine(store: store, launcher: launcher)
        try await engine.start()
        _ = try await engine.createJob(job("once"))
        let run = try await engine.startRun(JobID("once")!)
        let taskID = try #require(run.tasks.first?.id)
        #expect(await eventually { launcher.launched.count == 1 })
        #expect(launcher.released.isEmpty)  // running: nothing to release
        launcher.finish(taskID, .exited(0))
        #expect(await eventually { launcher.released == [taskID] })
        #expect(store.storedRuns(of: JobID("once")!).first?.status == .SUCCESS)
    }

    @Test func aFailedAttemptIsReleasedOnceItsRetryIsStored() async throws {
        let launcher = FakeLauncher()
        let store = InMemoryJobStore()
        let engine = Engine(store: store, launcher: launcher)
        try await engine.start()
        _ = try await engine.createJob(job("retry", restart: RestartPolicy(policy: .ON_FAILURE)))
        let run = try await engine.startRun(JobID("retry")!)
        let first = try #require(run.tasks.first?.id)
        #expect(await eventually { launcher.launched.count == 1 })
        launcher.finish(first, .exited(1))
        #expect(await eventually { launcher.launched.count == 2 })
        #expect(launcher.released == [first])
        let stored = try #require(store.storedRuns(of: JobID("retry")!).first)
        #expect(stored.tasks.count == 2 && stored.tasks.first?.status == .TASK_FAILED)
    }
}
