import Foundation
import Testing
import SundialCore
import SundialEngine
import SundialTestSupport

/// What the Chronos dialect needs from the engine: ISO 8601 repeat counts that survive a
/// restart, dependency triggers (mark-success, soft errors, parent deletion), retries and
/// constraints.
@Suite struct EngineChronosTests {
    typealias Harness = EngineSchedulingTests.Harness
    let start = Instant.parse("2026-03-07T12:00:30Z")!

    func job(_ id: String, iso: String? = nil, parents: [String] = [], retries: Int? = nil, constraints: [Constraint] = []) -> JobSpec {
        var run = RunSpec()
        run.cmd = "true"
        run.placement.constraints = constraints
        if let retries { run.restart = RestartPolicy(policy: .ON_FAILURE, maxRetries: retries) }
        let schedules = iso.map {
            [ScheduleSpec(id: "chronos", kind: .iso8601, expression: $0, timezone: "", startingDeadlineSeconds: 60, concurrencyPolicy: .ALLOW, enabled: true)]
        } ?? []
        var spec = JobSpec(id: JobID(id)!, dependencies: parents.map { JobID($0)! }, schedules: schedules, run: run)
        spec.chronos = ChronosFields(name: id)
        return spec
    }

    func finishAll(_ h: Harness, _ outcome: TaskOutcome = .exited(0)) {
        for request in h.launcher.launched { h.launcher.finish(request.taskID, outcome) }
    }

    /// reference/chronos/vectors.json `task_environment` (MesosTaskBuilderSpec): job AJob,
    /// owner foo@bar.com, cpus 2, disk 3, mem 5, on host "localport"; the job's own
    /// variables are added but cannot override Chronos' own.
    @Test(arguments: [
        [:],
        ["FOO": "BAR", "TOM": "JERRY"],
        ["CHRONOS_RESOURCE_MEM": "10000", "CHRONOS_RESOURCE_DISK": "40000"],
    ])
    func taskEnvironmentAsChronosBuildsIt(jobEnvironment: [String: String]) async throws {
        let due = Instant(millisecondsSinceEpoch: 1_454_467_003_926)
        var configuration = EngineConfiguration()
        configuration.hostname = "localport"
        let h = try await Harness(now: due, configuration: configuration)
        defer { h.timers.cancel() }
        // Chronos names keep their case; the Metronome id is lower case.
        var spec = job("ajob")
        spec.chronos = ChronosFields(name: "AJob")
        spec.chronos?.owner = "foo@bar.com"
        spec.run.cpus = 2
        spec.run.disk = 3
        spec.run.mem = 5
        for (name, value) in jobEnvironment { spec.run.env[name] = .value(value) }
        _ = try await h.engine.createJob(spec)
        _ = try await h.engine.startRun(spec.id)
        #expect(await h.until { h.launcher.launched.count == 1 })
        let environment = try #require(h.launcher.launched.first).environment
        var expected = [
            "mesos_task_id": "ct:1454467003926:0:AJob:", "MESOS_TASK_ID": "ct:1454467003926:0:AJob:",
            "CHRONOS_JOB_OWNER": "foo@bar.com", "CHRONOS_JOB_NAME": "AJob", "HOST": "localport",
            "CHRONOS_RESOURCE_MEM": "5.0", "CHRONOS_RESOURCE_CPU": "2.0", "CHRONOS_RESOURCE_DISK": "3.0",
            "CHRONOS_JOB_RUN_TIME": "1454467003926", "CHRONOS_JOB_RUN_ATTEMPT": "0",
        ]
        for (name, value) in jobEnvironment where expected[name] == nil { expected[name] = value }
        for (name, value) in expected { #expect(environment[name] == value, "\(name)") }
    }

    @Test func repeatCountIsHonouredAcrossARestart() async throws {
        let store = InMemoryJobStore()
        let id = JobID("thrice")!
        do {
            let h = try await Harness(now: start, store: store)
            _ = try await h.engine.createJob(job("thrice", iso: "R3/2026-03-07T12:01:00Z/PT1M"))
            await h.advance(to: Instant.parse("2026-03-07T12:01:00Z")!)
            await h.advance(to: Instant.parse("2026-03-07T12:02:00Z")!)
            #expect(await h.until { store.storedRuns(of: id).count == 2 })
            h.timers.cancel()
        }
        let h = try await Harness(now: Instant.parse("2026-03-07T12:02:10Z")!, store: store)
        defer { h.timers.cancel() }
        await h.advance(to: Instant.parse("2026-03-07T12:03:00Z")!)
        #expect(await h.until { store.storedRuns(of: id).count == 3 })
        await h.advance(to: Instant.parse("2026-03-07T12:10:00Z")!)
        #expect(store.storedRuns(of: id).count == 3)
        #expect(await h.engine.nextRunAt(id, scheduleID: "chronos") == nil)
    }

    @Test func anOverdueIntervalRunsOnceAtCreationWithinItsEpsilon() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        // Started 20 s ago, daily: the first slot is owed (Chronos runs overdue jobs at once).
        _ = try await h.engine.createJob(job("overdue", iso: "R/2026-03-07T12:00:10Z/P1D"))
        #expect(await h.until { h.launcher.launched.count == 1 })
        // Started two minutes ago: beyond the 60 s epsilon, it waits for the next slot.
        _ = try await h.engine.createJob(job("late", iso: "R/2026-03-07T11:58:00Z/P1D"))
        await h.settle()
        #expect(h.launcher.launched.count == 1)
        #expect(await h.engine.nextRunAt(JobID("late")!, scheduleID: "chronos") == Instant.parse("2026-03-08T11:58:00Z"))
    }

    @Test func childRunsOnceEveryParentSucceededSinceItLastRan() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        _ = try await h.engine.createJob(job("a"))
        _ = try await h.engine.createJob(job("b"))
        _ = try await h.engine.createJob(job("c", parents: ["a", "b"]))
        var disabled = job("disabled-child", parents: ["b"])
        disabled.chronos?.disabled = true
        _ = try await h.engine.createJob(disabled)
        await h.advance(to: start.adding(seconds: 1))
        try await h.engine.markSuccess(JobID("a")!)
        await h.settle()
        #expect(h.launcher.launched.isEmpty)
        _ = try await h.engine.startRun(JobID("b")!)
        #expect(await h.until { h.launcher.launched.count == 1 })
        await h.advance(to: start.adding(seconds: 2))
        finishAll(h)
        #expect(await h.until { h.launcher.launched.map(\.jobID) == [JobID("b")!, JobID("c")!] })
        // Another success of one parent alone does not start the child again.
        await h.advance(to: start.adding(seconds: 3))
        finishAll(h)
        #expect(await h.until { await h.engine.activeRuns(of: JobID("c")!).isEmpty })
        try await h.engine.markSuccess(JobID("a")!)
        await h.settle()
        #expect(h.launcher.launched.count == 2)
    }

    @Test func aHardFailureBlocksChildrenButASoftErrorDoesNot() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        _ = try await h.engine.createJob(job("hard"))
        var soft = job("soft")
        soft.chronos?.softError = true
        _ = try await h.engine.createJob(soft)
        _ = try await h.engine.createJob(job("after-hard", parents: ["hard"]))
        _ = try await h.engine.createJob(job("after-soft", parents: ["soft"]))
        await h.advance(to: start.adding(seconds: 1))
        _ = try await h.engine.startRun(JobID("hard")!)
        _ = try await h.engine.startRun(JobID("soft")!)
        #expect(await h.until { h.launcher.launched.count == 2 })
        await h.advance(to: start.adding(seconds: 2))
        finishAll(h, .exited(1))
        #expect(await h.until { h.launcher.launched.count == 3 })
        await h.settle()
        #expect(h.launcher.launched.map(\.jobID).last == JobID("after-soft")!)
        #expect(h.launcher.launched.count == 3)
    }

    @Test func aPendingTriggerSurvivesARestart() async throws {
        let store = InMemoryJobStore()
        do {
            let h = try await Harness(now: start, store: store)
            _ = try await h.engine.createJob(job("parent"))
            _ = try await h.engine.createJob(job("child", parents: ["parent"]))
            // The parent's success is durable; the child's run never got created (a crash).
            var history = HistoryCounters(successCount: 1, lastSuccessAt: start.adding(seconds: 5))
            history.failureCount = 0
            try await store.apply([.putHistory(JobID("parent")!, history)])
            h.timers.cancel()
        }
        let h = try await Harness(now: start.adding(seconds: 10), store: store)
        defer { h.timers.cancel() }
        #expect(await h.until { h.launcher.launched.map(\.jobID) == [JobID("child")!] })
    }

    @Test func aChildOfTwoParentsPendingAtRestartRunsOnce() async throws {
        let store = InMemoryJobStore()
        do {
            let h = try await Harness(now: start, store: store)
            _ = try await h.engine.createJob(job("left"))
            _ = try await h.engine.createJob(job("right"))
            _ = try await h.engine.createJob(job("both", parents: ["left", "right"]))
            for parent in ["left", "right"] {
                try await store.apply([.putHistory(JobID(parent)!, HistoryCounters(successCount: 1, lastSuccessAt: start.adding(seconds: 5)))])
            }
            h.timers.cancel()
        }
        // Start-up checks the children of each parent in turn: the child is ready twice in
        // one pass, before its first run is recorded, and must still run once.
        let h = try await Harness(now: start.adding(seconds: 10), store: store)
        defer { h.timers.cancel() }
        #expect(await h.until { h.launcher.launched.count == 1 })
        await h.settle()
        #expect(h.launcher.launched.map(\.jobID) == [JobID("both")!])
        #expect(store.storedRuns(of: JobID("both")!).count == 1)
    }

    @Test func deletingAParentHandsItsParentsToItsChildren() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        _ = try await h.engine.createJob(job("a"))
        _ = try await h.engine.createJob(job("b", parents: ["a"]))
        _ = try await h.engine.createJob(job("c", parents: ["b"]))
        await #expect(throws: EngineError.hasDependents(JobID("b")!, children: [JobID("c")!])) {
            _ = try await h.engine.deleteJob(JobID("b")!, stopCurrentRuns: false)
        }
        _ = try await h.engine.deleteJob(JobID("b")!, stopCurrentRuns: false, detachDependents: true)
        #expect(await h.engine.job(JobID("c")!)?.dependencies == [JobID("a")!])
        await h.advance(to: start.adding(seconds: 1))
        try await h.engine.markSuccess(JobID("a")!)
        #expect(await h.until { h.launcher.launched.map(\.jobID) == [JobID("c")!] })
    }

    @Test func retriesAreLimited() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        let id = JobID("flaky")!
        _ = try await h.engine.createJob(job("flaky", retries: 2))
        _ = try await h.engine.startRun(id)
        for attempt in 1...3 {
            #expect(await h.until { h.launcher.launched.count == attempt })
            h.launcher.finish(h.launcher.launched[attempt - 1].taskID, .exited(1))
        }
        #expect(await h.until { await h.engine.history(of: id).failureCount == 1 })
        #expect(h.launcher.launched.count == 3)
    }

    @Test func aRunWhoseConstraintsCannotMatchStaysQueued() async throws {
        let store = InMemoryJobStore()
        let clock = ManualClock(now: start)
        let launcher = FakeLauncher()
        let engine = Engine(
            store: store, launcher: launcher, clock: clock, configuration: EngineConfiguration(hostname: "box-1", attributes: ["rack": "r1"]))
        try await engine.start()
        _ = try await engine.createJob(job("here", constraints: [Constraint(attribute: "rack", op: .LIKE, value: "r[0-9]")]))
        _ = try await engine.createJob(job("elsewhere", constraints: [Constraint(attribute: "hostname", op: .IS, value: "box-2")]))
        _ = try await engine.startRun(JobID("here")!)
        let queued = try await engine.startRun(JobID("elsewhere")!)
        for _ in 0..<100 where launcher.launched.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(launcher.launched.map(\.jobID) == [JobID("here")!])
        #expect(await engine.queuedRuns().map(\.id) == [queued.id])
        #expect(await engine.runCounts(JobID("elsewhere")!).queued == 1)
        let stopped = try await engine.stopRun(JobID("elsewhere")!, queued.id)
        #expect(stopped.status == .FAILED)
        #expect(await engine.queuedRuns().isEmpty)
    }

    @Test func aQueuedRunStartsOnceItsJobsConstraintsAreFixed() async throws {
        let h = try await Harness(now: start, configuration: EngineConfiguration(hostname: "box-1"))
        defer { h.timers.cancel() }
        let id = JobID("misplaced")!
        _ = try await h.engine.createJob(job("misplaced", constraints: [Constraint(attribute: "hostname", op: .IS, value: "box-2")]))
        let queued = try await h.engine.startRun(id)
        await h.settle()
        #expect(h.launcher.launched.isEmpty)
        // An unrelated change leaves it queued.
        var renamed = try #require(await h.engine.job(id))
        renamed.description = "still elsewhere"
        _ = try await h.engine.updateJob(renamed, keepSchedules: true)
        await h.settle()
        #expect(h.launcher.launched.isEmpty)
        var fixed = renamed
        fixed.run.placement.constraints = [Constraint(attribute: "hostname", op: .IS, value: "box-1")]
        _ = try await h.engine.updateJob(fixed, keepSchedules: true)
        #expect(await h.until { h.launcher.launched.count == 1 })
        #expect(h.launcher.launched.first?.runID == queued.id)
        #expect(await h.engine.queuedRuns().isEmpty)
        #expect(h.store.storedRuns(of: id).first?.spec.placement == fixed.run.placement)
    }
}
