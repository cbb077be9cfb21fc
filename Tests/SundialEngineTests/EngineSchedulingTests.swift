import Foundation
import Testing
import SundialCore
import SundialEngine
import SundialTestSupport

/// The engine on a manual clock: schedules fire at their instants, policies apply, and a
/// slot never runs twice.
@Suite struct EngineSchedulingTests {
    let start = Instant.parse("2026-03-07T12:00:30Z")!

    func job(_ id: String, cron: String? = nil, policy: ScheduleSpec.ConcurrencyPolicy = .ALLOW, deadline: Int = 900, zone: String = "UTC") -> JobSpec {
        var run = RunSpec()
        run.cmd = "true"
        let schedules = cron.map { [ScheduleSpec(id: "s1", cron: $0, timezone: zone, startingDeadlineSeconds: deadline, concurrencyPolicy: policy)] } ?? []
        return JobSpec(id: JobID(id)!, schedules: schedules, run: run)
    }

    struct Harness {
        let clock: ManualClock
        let store: InMemoryJobStore
        let launcher: FakeLauncher
        let engine: Engine
        let timers: Task<Void, Never>

        init(now: Instant, store: InMemoryJobStore = InMemoryJobStore(), configuration: EngineConfiguration = EngineConfiguration()) async throws {
            clock = ManualClock(now: now)
            self.store = store
            launcher = FakeLauncher()
            engine = Engine(store: store, launcher: launcher, clock: clock, configuration: configuration)
            try await engine.start()
            let engine = self.engine
            timers = Task { await engine.runTimers() }
        }

        /// Moves the clock and lets the engine react.
        func advance(to instant: Instant) async {
            clock.set(instant)
            await settle()
        }

        func settle() async {
            for _ in 0..<50 { await Task.yield() }
            try? await Task.sleep(for: .milliseconds(30))
            for _ in 0..<50 { await Task.yield() }
        }

        func until(_ condition: () async -> Bool) async -> Bool {
            for _ in 0..<200 {
                if await condition() { return true }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return false
        }
    }

    @Test func firesAtTheCronInstantNotBefore() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        _ = try await h.engine.createJob(job("every-minute", cron: "* * * * *"))
        #expect(await h.engine.nextRunAt(JobID("every-minute")!, scheduleID: "s1") == Instant.parse("2026-03-07T12:01:00Z"))
        await h.advance(to: Instant.parse("2026-03-07T12:00:59.999Z")!)
        #expect(h.launcher.launched.isEmpty)
        await h.advance(to: Instant.parse("2026-03-07T12:01:00Z")!)
        #expect(await h.until { h.launcher.launched.count == 1 })
        let runs = h.store.storedRuns(of: JobID("every-minute")!)
        #expect(runs.count == 1)
        #expect(runs.first?.trigger == .schedule(id: "s1", instant: Instant.parse("2026-03-07T12:01:00Z")!))
        #expect(runs.first?.createdAt == Instant.parse("2026-03-07T12:01:00Z"))
        #expect(await h.engine.nextRunAt(JobID("every-minute")!, scheduleID: "s1") == Instant.parse("2026-03-07T12:02:00Z"))
        let metrics = await h.engine.currentMetrics()
        #expect(metrics.triggerSkew.count == 1)
        #expect(metrics.triggerSkew.max == 0, "the manual clock stood still at the slot")
        #expect(metrics.processStartSkew.count == 1)
    }

    @Test func aBurstDueSoonIsAnnouncedToTheLauncherOnceItIsWithinTwoMinutes() async throws {
        // 12:00:30 now; 100 jobs due at 12:04:00, 3.5 minutes ahead.
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        for i in 0..<100 { _ = try await h.engine.createJob(job("burst-\(i)", cron: "4 12 7 3 *")) }
        await h.settle()
        #expect(h.launcher.expectedLaunches.isEmpty)
        // At 12:02:00 12:04 enters the window (this minute and the two after it): the timer
        // loop wakes for it, with no slot due then. Rounded up to 128.
        await h.advance(to: Instant.parse("2026-03-07T12:01:59.999Z")!)
        #expect(h.launcher.expectedLaunches.isEmpty)
        await h.advance(to: Instant.parse("2026-03-07T12:02:00Z")!)
        #expect(h.launcher.expectedLaunches == [128])
        #expect(h.launcher.launched.isEmpty)
        // Once they fired and the next slots are a year away, the hint goes back to nothing.
        await h.advance(to: Instant.parse("2026-03-07T12:04:00Z")!)
        #expect(await h.until { h.launcher.launched.count == 100 })
        await h.settle()
        #expect(h.launcher.expectedLaunches == [128, 0])
    }

    @Test func forbidSkipsWhileARunIsActive() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        let id = JobID("forbid")!
        _ = try await h.engine.createJob(job("forbid", cron: "* * * * *", policy: .FORBID))
        await h.advance(to: Instant.parse("2026-03-07T12:01:00Z")!)
        #expect(await h.until { h.launcher.launched.count == 1 })
        await h.advance(to: Instant.parse("2026-03-07T12:02:00Z")!)
        #expect(h.launcher.launched.count == 1)
        #expect(await h.engine.currentMetrics().skippedTriggers == 1)
        h.launcher.finish(h.launcher.launched[0].taskID, .exited(0))
        #expect(await h.until { await h.engine.activeRuns(of: id).isEmpty })
        await h.advance(to: Instant.parse("2026-03-07T12:03:00Z")!)
        #expect(await h.until { h.launcher.launched.count == 2 })
    }

    @Test func replaceStopsTheActiveRunFirst() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        let id = JobID("replace")!
        _ = try await h.engine.createJob(job("replace", cron: "* * * * *", policy: .REPLACE))
        await h.advance(to: Instant.parse("2026-03-07T12:01:00Z")!)
        #expect(await h.until { h.launcher.launched.count == 1 })
        await h.advance(to: Instant.parse("2026-03-07T12:02:00Z")!)
        #expect(await h.until { h.launcher.launched.count == 2 })
        #expect(h.launcher.stopped == [h.launcher.launched[0].taskID])
        #expect(await h.engine.activeRuns(of: id).count == 1)
        #expect(await h.engine.history(of: id).failureCount == 1)
    }

    @Test func disabledSchedulesDoNotFire() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        var spec = job("off", cron: "* * * * *")
        spec.schedules[0].enabled = false
        _ = try await h.engine.createJob(spec)
        await h.advance(to: Instant.parse("2026-03-07T12:05:00Z")!)
        #expect(h.launcher.launched.isEmpty)
    }

    @Test func missedSlotsAreCoalescedIntoOneRunWithinTheDeadline() async throws {
        let store = InMemoryJobStore()
        let id = JobID("catchup")!
        do {
            let h = try await Harness(now: start, store: store)
            _ = try await h.engine.createJob(job("catchup", cron: "* * * * *", deadline: 300))
            h.timers.cancel()
        }
        // The server was down from 12:00:30 to 12:10:20: ten slots passed; the last one
        // (12:10) is within its 300 s deadline and runs once; the nine before are missed.
        let h = try await Harness(now: Instant.parse("2026-03-07T12:10:20Z")!, store: store)
        defer { h.timers.cancel() }
        #expect(await h.until { h.launcher.launched.count == 1 })
        await h.settle()
        #expect(h.launcher.launched.count == 1)
        #expect(store.storedRuns(of: id).first?.trigger == .schedule(id: "s1", instant: Instant.parse("2026-03-07T12:10:00Z")!))
        #expect(await h.until { store.missedSlots(of: id).count == 9 })
        #expect(await h.engine.currentMetrics().missedSlots == 9)
        #expect(await h.engine.nextRunAt(id, scheduleID: "s1") == Instant.parse("2026-03-07T12:11:00Z"))
    }

    @Test func aSlotAlreadyRecordedIsNotRunAgain() async throws {
        let store = InMemoryJobStore()
        let id = JobID("once")!
        do {
            let h = try await Harness(now: start, store: store)
            _ = try await h.engine.createJob(job("once", cron: "* * * * *"))
            await h.advance(to: Instant.parse("2026-03-07T12:01:00Z")!)
            #expect(await h.until { h.launcher.launched.count == 1 })
            h.timers.cancel()
        }
        // Restart at the same instant with the cursor rewound, as if the cursor write was
        // lost: the store's slot key still refuses a second run.
        store.submit([.putCursor(id, scheduleID: "s1", start)]) { _ in }
        let h = try await Harness(now: Instant.parse("2026-03-07T12:01:00.500Z")!, store: store)
        defer { h.timers.cancel() }
        await h.settle()
        #expect(store.storedRuns(of: id).count == 1)
    }

    @Test func createdJobDoesNotFireForSlotsBeforeItExisted() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        // 12:00 is 30 s in the past and within any deadline, but the job did not exist then.
        _ = try await h.engine.createJob(job("fresh", cron: "0 12 * * *"))
        await h.settle()
        #expect(h.launcher.launched.isEmpty)
        #expect(await h.engine.nextRunAt(JobID("fresh")!, scheduleID: "s1") == Instant.parse("2026-03-08T12:00:00Z"))
    }

    @Test func clockSetBackDoesNotRefire() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        _ = try await h.engine.createJob(job("jumpy", cron: "* * * * *"))
        await h.advance(to: Instant.parse("2026-03-07T12:01:00Z")!)
        #expect(await h.until { h.launcher.launched.count == 1 })
        await h.advance(to: Instant.parse("2026-03-07T12:00:10Z")!)
        await h.advance(to: Instant.parse("2026-03-07T12:01:30Z")!)
        #expect(h.launcher.launched.count == 1)
    }

    @Test func reconcileAdoptsLaunchesOrFails() async throws {
        let store = InMemoryJobStore()
        var spec = job("rec")
        spec.run.restart = RestartPolicy(policy: .NEVER)
        let id = spec.id
        var runIDs: [RunID] = []
        do {
            let h = try await Harness(now: start, store: store)
            _ = try await h.engine.createJob(spec)
            for _ in 0..<3 { runIDs.append(try await h.engine.startRun(id).id) }
            #expect(await h.until { h.launcher.launched.count == 3 })
            h.timers.cancel()
        }
        let tasks = store.storedRuns(of: id).map { $0.tasks[0].id }
        let clock = ManualClock(now: start)
        let launcher = FakeLauncher()
        launcher.setAdoption(tasks[0], .running(LaunchedTask(taskID: tasks[0], sandbox: "/x", pid: 1)))
        launcher.setAdoption(tasks[1], .finished(.exited(0)))
        launcher.setAdoption(tasks[2], .lost)
        let engine = Engine(store: store, launcher: launcher, clock: clock)
        try await engine.start()
        for _ in 0..<100 {
            if await engine.activeRuns(of: id).count == 1 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await engine.activeRuns(of: id).count == 1)
        #expect(await engine.history(of: id).successCount == 1)
        #expect(await engine.history(of: id).failureCount == 1)
        #expect(launcher.launched.isEmpty, "nothing relaunched")
        launcher.finish(tasks[0], .exited(0))
        for _ in 0..<100 {
            if await engine.history(of: id).successCount == 2 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await engine.history(of: id).successCount == 2)
    }

    @Test func aLateTimerCoalescesTheSlotsThatPassed() async throws {
        // The process was suspended (or the clock jumped forward) from 12:00:30 to 12:10:20:
        // the timer fires late; 12:10 runs once, 12:01 … 12:09 are recorded as missed.
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        let id = JobID("stalled")!
        _ = try await h.engine.createJob(job("stalled", cron: "* * * * *", deadline: 300))
        await h.advance(to: Instant.parse("2026-03-07T12:10:20Z")!)
        #expect(await h.until { h.launcher.launched.count == 1 })
        await h.settle()
        #expect(h.launcher.launched.count == 1)
        #expect(store(h).storedRuns(of: id).first?.trigger == .schedule(id: "s1", instant: Instant.parse("2026-03-07T12:10:00Z")!))
        #expect(await h.until { store(h).missedSlots(of: id).count == 9 })
        #expect(await h.engine.nextRunAt(id, scheduleID: "s1") == Instant.parse("2026-03-07T12:11:00Z"))
    }

    @Test func aLateTimerPastTheDeadlineRecordsEverySlotMissed() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        let id = JobID("too-late")!
        _ = try await h.engine.createJob(job("too-late", cron: "*/5 * * * *", deadline: 60))
        await h.advance(to: Instant.parse("2026-03-07T12:17:00Z")!)
        #expect(await h.until { store(h).missedSlots(of: id).count == 3 })
        #expect(h.launcher.launched.isEmpty)
        #expect(await h.engine.currentMetrics().missedSlots == 3)
        #expect(await h.engine.nextRunAt(id, scheduleID: "s1") == Instant.parse("2026-03-07T12:20:00Z"))
    }

    @Test func aScheduledRunNotActiveByItsDeadlineIsAborted() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        let id = JobID("stuck")!
        _ = try await h.engine.createJob(job("stuck", cron: "0 * * * *", deadline: 60))
        h.launcher.holdLaunches()
        await h.advance(to: Instant.parse("2026-03-07T13:00:00Z")!)
        #expect(await h.until { await h.engine.activeRuns(of: id).first?.status == .STARTING })
        await h.advance(to: Instant.parse("2026-03-07T13:00:59.999Z")!)
        #expect(await h.engine.activeRuns(of: id).count == 1)
        await h.advance(to: Instant.parse("2026-03-07T13:01:00.001Z")!)
        #expect(await h.until { await h.engine.activeRuns(of: id).isEmpty })
        #expect(await h.engine.history(of: id).failureCount == 1)
        #expect(await h.engine.currentMetrics().startingDeadlineAborts == 1)
        // The launch that finally completes finds its run gone and stops its task.
        h.launcher.releaseLaunches()
        #expect(await h.until { h.launcher.stopped.count == 1 })
    }

    @Test func anActiveScheduledRunOutlivesItsDeadline() async throws {
        let h = try await Harness(now: start)
        defer { h.timers.cancel() }
        let id = JobID("long")!
        _ = try await h.engine.createJob(job("long", cron: "0 * * * *", deadline: 60))
        await h.advance(to: Instant.parse("2026-03-07T13:00:00Z")!)
        #expect(await h.until { await h.engine.activeRuns(of: id).first?.status == .ACTIVE })
        await h.advance(to: Instant.parse("2026-03-07T13:05:00Z")!)
        #expect(await h.engine.activeRuns(of: id).first?.status == .ACTIVE)
        #expect(await h.engine.currentMetrics().startingDeadlineAborts == 0)
    }

    func store(_ h: Harness) -> InMemoryJobStore { h.store }
}
