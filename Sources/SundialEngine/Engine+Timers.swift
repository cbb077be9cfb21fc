import SundialCore

extension Engine {
    /// Arms a schedule: computes its next instant after its cursor and puts it in the heap.
    /// With `catchUp` (start-up), slots that passed while the server was down are handled
    /// first: the latest one still within the starting deadline runs once; the others are
    /// recorded as missed.
    /// `compiled` is the schedule's expression when the caller parsed it already; nil means
    /// parse it here (and, if it still fails, the schedule is not armed).
    func arm(job jobID: JobID, schedule: ScheduleSpec, now: Instant, catchUp: Bool, compiled precompiled: CompiledSchedule?? = .none) {
        let key = ScheduleKey(jobID: jobID, scheduleID: schedule.id)
        guard let compiled = precompiled ?? CompiledSchedule(schedule) else {
            disarm(key)
            return
        }
        guard schedule.enabled else {
            // Kept without a timer so `nextRunAt` is still reported, as Metronome does.
            armed[key] = ArmedSchedule(compiled: compiled, spec: schedule, next: nil, generation: 0)
            return
        }
        nextGeneration += 1
        let cursor = cursors[key] ?? now
        var next = compiled.next(after: cursor)
        if catchUp, let first = next, first <= now {
            let due = DueSlots(compiled, first: first, now: now, startingDeadlineSeconds: schedule.startingDeadlineSeconds)
            recordMissed(jobID: jobID, scheduleID: schedule.id, due, now: now)
            // A coalesced slot still within its deadline fires through the heap right away.
            next = due.toRun ?? due.next
        }
        armed[key] = ArmedSchedule(compiled: compiled, spec: schedule, next: next, generation: nextGeneration)
        if let next { timers.insert(TimerEntry(instant: next, purpose: .slot(key), generation: nextGeneration)) }
        wakeTimerLoop()
    }

    func disarm(_ key: ScheduleKey) {
        armed[key] = nil
    }

    func recordMissed(jobID: JobID, scheduleID: String, _ due: DueSlots, now: Instant) {
        guard due.missedCount > 0, let last = due.missed.last else { return }
        metrics.missedSlots += due.missedCount
        logger.warning("\(due.missedCount) slot(s) of \(jobID)/\(scheduleID) missed")
        // Keep the most recent ones individually; the counter has the full number.
        let changes = due.keptMissedSlots.map {
            StoreChange.recordMissedSlot(MissedSlot(jobID: jobID, scheduleID: scheduleID, instant: $0, recordedAt: now))
        }
        // Only up to the last missed slot: the slot that runs moves the cursor with its own
        // insert, so a crash between the two writes cannot skip it unrecorded.
        persistInBackground(changes + [.putCursor(jobID, scheduleID: scheduleID, last)])
    }

    // MARK: The timer loop

    /// The one sleeping task behind every schedule: sleeps until the earliest armed instant,
    /// fires what is due, repeats. Returns when cancelled.
    public func runTimers() async {
        while !Task.isCancelled {
            dropStaleTimers()
            let now = clock.now()
            if let top = timers.min, top.instant <= now {
                let entry = timers.removeMin()
                switch entry.purpose {
                case .slot(let key): fire(key, entry, now: now)
                case .startingDeadline(let jobID, let runID): enforceStartingDeadline(jobID, runID)
                }
                continue
            }
            var wakeAt = timers.min?.instant
            adviseLauncher(now: now)
            if let at = wakeAt, let early = announcement(ahead: at, now: now) { wakeAt = early }
            wakeRequested = false
            let clock = self.clock
            let sleeper = Task { () -> Void in
                if let wakeAt {
                    try? await clock.sleep(until: wakeAt)
                } else {
                    try? await Task.sleep(for: .seconds(3600))
                }
            }
            self.sleeper = sleeper
            if wakeRequested { sleeper.cancel() }
            await withTaskCancellationHandler {
                await sleeper.value
            } onCancel: {
                sleeper.cancel()
            }
            self.sleeper = nil
        }
    }

    /// Tells the launcher how many scheduled launches are due in this minute and the two
    /// after it, when that is more than it keeps ready anyway; rounded up to a power of two,
    /// so a burst armed one job at a time sends a handful of messages, not one per job.
    func adviseLauncher(now: Instant) {
        let due = armed.dueCount(from: now, minutes: Self.announcedMinutes)
        let advice = due <= Self.usualLaunches ? 0 : 1 << (Int.bitWidth - (due - 1).leadingZeroBitCount)
        guard advice != advisedLaunches else { return }
        advisedLaunches = advice
        launcher.expectLaunches(advice)
    }

    /// When the next slot (`next`, nothing is due before it) starts a burst, the instant that
    /// brings it into the announced window: the timer loop wakes then to announce it.
    func announcement(ahead next: Instant, now: Instant) -> Instant? {
        let early = ArmedSchedules.startOfMinute(next, offset: -Self.announcedMinutes)
        guard early > now, armed.dueCount(from: next, minutes: 0) > Self.usualLaunches else { return nil }
        return early
    }

    /// Launches a launcher is expected to cope with unannounced (the executor's pool size).
    static let usualLaunches = 32
    static let announcedMinutes: Int64 = 2

    /// Called when the heap's minimum may have moved earlier.
    func wakeTimerLoop() {
        wakeRequested = true
        sleeper?.cancel()
    }

    func dropStaleTimers() {
        while let top = timers.min, case .slot(let key) = top.purpose,
            armed[key]?.generation != top.generation || armed[key]?.next != top.instant
        {
            timers.removeMin()
        }
    }

    /// A slot is due: plan the following one, then start (or skip) the run for this one. A
    /// timer that fires late coalesces every slot that passed meanwhile (`DueSlots`).
    func fire(_ key: ScheduleKey, _ entry: TimerEntry, now: Instant) {
        guard var schedule = armed[key], schedule.generation == entry.generation, let job = jobs[key.jobID] else { return }
        let spec = schedule.spec
        let due = DueSlots(schedule.compiled, first: entry.instant, now: now, startingDeadlineSeconds: spec.startingDeadlineSeconds)
        schedule.next = due.next
        armed[key] = schedule
        if let next = due.next { timers.insert(TimerEntry(instant: next, purpose: .slot(key), generation: entry.generation)) }
        metrics.scheduledTriggers += 1
        recordMissed(jobID: job.id, scheduleID: spec.id, due, now: now)
        guard let slot = due.toRun else {
            cursors[key] = due.missed.last
            return
        }
        cursors[key] = slot
        let deadline = slot.adding(seconds: spec.startingDeadlineSeconds)
        let active = runs[job.id] ?? [:]
        if !active.isEmpty {
            switch spec.concurrencyPolicy {
            case .ALLOW: break
            case .FORBID:
                metrics.skippedTriggers += 1
                logger.info("skipping \(job.id) at \(slot): a run is active and the policy is FORBID")
                persistInBackground([.putCursor(job.id, scheduleID: spec.id, slot)])
                return
            case .REPLACE:
                let activeIDs = Array(active.keys)
                Task {
                    for runID in activeIDs { _ = try? await self.stopRun(job.id, runID) }
                    await self.startScheduled(job.id, spec: spec, slot: slot, deadline: deadline)
                }
                return
            }
        }
        Task { await self.startScheduled(job.id, spec: spec, slot: slot, deadline: deadline) }
    }

    func startScheduled(_ jobID: JobID, spec: ScheduleSpec, slot: Instant, deadline: Instant) async {
        guard let job = jobs[jobID] else { return }
        do {
            let run = try await createRun(
                job, trigger: .schedule(id: spec.id, instant: slot), startingDeadline: deadline,
                extraChanges: [.putCursor(jobID, scheduleID: spec.id, slot)])
            watchStartingDeadline(run)
        } catch {
            // A conflict means this slot already has its run (an earlier process fired it).
            logger.info("scheduled run of \(jobID) at \(slot) not started: \(error)")
        }
    }

    // MARK: Starting deadlines

    /// A scheduled run that is not ACTIVE by its starting deadline (a slow artifact fetch, a
    /// launch stuck behind others) is aborted and counted as failed. The heap entry looks at
    /// most a minute ahead and is renewed while the run still waits, so runs that start at
    /// once (nearly all) leave nothing in the heap for long, however far their deadline.
    func watchStartingDeadline(_ run: JobRun) {
        guard let deadline = run.startingDeadline, runs[run.jobID]?[run.id]?.run.status != .ACTIVE else { return }
        let check = min(deadline, clock.now().adding(seconds: 60))
        timers.insert(TimerEntry(instant: check, purpose: .startingDeadline(run.jobID, run.id), generation: 0))
        wakeTimerLoop()
    }

    func enforceStartingDeadline(_ jobID: JobID, _ runID: RunID) {
        guard var state = runs[jobID]?[runID], state.run.status != .ACTIVE, !state.run.status.isTerminal,
            let deadline = state.run.startingDeadline
        else { return }
        guard clock.now() >= deadline else {
            watchStartingDeadline(state.run)
            return
        }
        metrics.startingDeadlineAborts += 1
        logger.warning("run \(jobID)/\(runID) was not active by its starting deadline; aborting")
        state.stopRequested = true
        runs[jobID]?[runID] = state
        // A launch still in flight sees the run gone when it completes and stops its task.
        if let task = state.task { launcher.stop(task) }
        finish(jobID, runID, status: .FAILED, taskStatus: .TASK_FAILED, exitCode: nil, message: "not active by its starting deadline")
    }
}
