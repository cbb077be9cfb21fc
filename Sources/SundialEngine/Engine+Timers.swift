import SundialCore

extension Engine {
    /// Arms a schedule: computes its next instant after its cursor and puts it in the heap.
    /// With `catchUp` (start-up), slots that passed while the server was down are handled
    /// first: the latest one still within the starting deadline runs once; the others are
    /// recorded as missed.
    func arm(job jobID: JobID, schedule: ScheduleSpec, now: Instant, catchUp: Bool) {
        let key = ScheduleKey(jobID: jobID, scheduleID: schedule.id)
        guard let compiled = CompiledSchedule(schedule) else {
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
            var missed: [Instant] = []
            var latest = first
            var probe = compiled.next(after: first)
            while let candidate = probe, candidate <= now {
                missed.append(latest)
                latest = candidate
                probe = compiled.next(after: candidate)
            }
            let deadline = latest.adding(seconds: schedule.startingDeadlineSeconds)
            if now > deadline { missed.append(latest) }
            recordMissed(jobID: jobID, scheduleID: schedule.id, slots: missed, now: now)
            if now <= deadline {
                // Fire the coalesced slot through the heap right away.
                next = latest
            } else {
                next = probe
            }
        }
        armed[key] = ArmedSchedule(compiled: compiled, spec: schedule, next: next, generation: nextGeneration)
        if let next { timers.insert(TimerEntry(instant: next, key: key, generation: nextGeneration)) }
        wakeTimerLoop()
    }

    func disarm(_ key: ScheduleKey) {
        armed[key] = nil
    }

    func recordMissed(jobID: JobID, scheduleID: String, slots: [Instant], now: Instant) {
        guard !slots.isEmpty else { return }
        metrics.missedSlots += slots.count
        logger.warning("\(slots.count) slot(s) of \(jobID)/\(scheduleID) missed their starting deadline")
        // Keep the most recent ones individually; the counter has the full number.
        let changes = slots.suffix(1000).map { StoreChange.recordMissedSlot(MissedSlot(jobID: jobID, scheduleID: scheduleID, instant: $0, recordedAt: now)) }
        persistInBackground(changes + [.putCursor(jobID, scheduleID: scheduleID, slots.last!)])
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
                fire(entry, now: now)
                continue
            }
            let wakeAt = timers.min?.instant
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

    /// Called when the heap's minimum may have moved earlier.
    func wakeTimerLoop() {
        wakeRequested = true
        sleeper?.cancel()
    }

    func dropStaleTimers() {
        while let top = timers.min, armed[top.key]?.generation != top.generation || armed[top.key]?.next != top.instant {
            timers.removeMin()
        }
    }

    /// A slot is due: plan the following one, then start (or skip) the run for this one.
    func fire(_ entry: TimerEntry, now: Instant) {
        guard var schedule = armed[entry.key], schedule.generation == entry.generation, let job = jobs[entry.key.jobID] else { return }
        let slot = entry.instant
        let following = schedule.compiled.next(after: max(slot, now.adding(milliseconds: -1)))
        schedule.next = following
        armed[entry.key] = schedule
        if let following { timers.insert(TimerEntry(instant: following, key: entry.key, generation: entry.generation)) }
        cursors[entry.key] = slot
        metrics.scheduledTriggers += 1
        let spec = schedule.spec
        let deadline = slot.adding(seconds: spec.startingDeadlineSeconds)
        if now > deadline {
            recordMissed(jobID: job.id, scheduleID: spec.id, slots: [slot], now: now)
            return
        }
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
            _ = try await createRun(
                job, trigger: .schedule(id: spec.id, instant: slot), startingDeadline: deadline,
                extraChanges: [.putCursor(jobID, scheduleID: spec.id, slot)])
        } catch {
            // A conflict means this slot already has its run (an earlier process fired it).
            logger.info("scheduled run of \(jobID) at \(slot) not started: \(error)")
        }
    }
}
