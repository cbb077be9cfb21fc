import SundialCore

extension Engine {
    /// Creates a job. Its schedules start counting from now: no slot before creation fires.
    public func createJob(_ spec: JobSpec) async throws(EngineError) -> JobSpec {
        guard jobs[spec.id] == nil, !reservedIDs.contains(spec.id) else { throw .jobExists(spec.id) }
        try checkDependencies(of: spec)
        reservedIDs.insert(spec.id)
        defer { reservedIDs.remove(spec.id) }
        let now = clock.now()
        var spec = spec
        spec.dependenciesChangedAt = spec.dependencies.isEmpty ? nil : now
        var changes: [StoreChange] = [.putJob(spec)]
        for schedule in spec.schedules { changes.append(.putCursor(spec.id, scheduleID: schedule.id, initialCursor(schedule, now: now))) }
        try await persist(changes)
        install(spec, previous: nil, now: now)
        return spec
    }

    /// Where a new or changed schedule starts counting (see `CompiledSchedule.initialCursor`).
    func initialCursor(_ schedule: ScheduleSpec, now: Instant) -> Instant {
        CompiledSchedule(schedule, now: now)?.initialCursor(now: now, startingDeadlineSeconds: schedule.startingDeadlineSeconds) ?? now
    }

    /// Replaces a job's definition. With `keepSchedules` (Metronome v1 PUT) the stored
    /// schedules stay and the body's are ignored; without it (v0 PUT) they are replaced too.
    /// `validate` applies Metronome's rules to the body's schedules; the Chronos dialect
    /// validated its own. A Metronome write keeps the job's Chronos name and extras.
    public func updateJob(_ spec: JobSpec, keepSchedules: Bool, validate: Bool = true) async throws(EngineError) -> JobSpec {
        await lock(spec.id)
        defer { unlock(spec.id) }
        guard let previous = jobs[spec.id] else { throw .jobNotFound(spec.id) }
        var updated = spec
        if updated.chronos == nil { updated.chronos = previous.chronos }
        updated.dependenciesChangedAt = Set(updated.dependencies) == Set(previous.dependencies) ? previous.dependenciesChangedAt : clock.now()
        if keepSchedules { updated.schedules = previous.schedules }
        if !keepSchedules && validate {
            let errors = JobSpecValidator.validate(updated)
            if !errors.isEmpty { throw .invalid(errors) }
        }
        try checkDependencies(of: updated)
        let now = clock.now()
        var changes: [StoreChange] = [.putJob(updated)]
        changes += cursorChanges(from: previous.schedules, to: updated.schedules, job: spec.id, now: now)
        try await persist(changes)
        install(updated, previous: previous, now: now)
        reconsiderQueuedRuns(of: updated)
        return updated
    }

    /// Deletes a job with its history. Active runs make it fail unless `stopCurrentRuns`,
    /// and so do jobs that depend on it.
    ///
    /// With `detachDependents` (Chronos) a job with dependants is deleted too: each child
    /// drops it from its parents and inherits its parents instead, so the order of the
    /// remaining jobs is kept; a child left without parents runs only when started by hand.
    public func deleteJob(_ id: JobID, stopCurrentRuns: Bool, detachDependents: Bool = false) async throws(EngineError) -> JobSpec {
        await lock(id)
        defer { unlock(id) }
        guard let job = jobs[id] else { throw .jobNotFound(id) }
        let dependents = (children[id] ?? []).filter { jobs[$0] != nil }.sorted()
        if !dependents.isEmpty && !detachDependents { throw .hasDependents(id, children: dependents) }
        let active = (runs[id] ?? [:]).keys
        if !active.isEmpty {
            guard stopCurrentRuns else { throw .activeRuns(id) }
            for runID in Array(active) { _ = try? await stopRun(id, runID) }
        }
        // The children change too: hold their locks (parent before child follows the
        // dependency order, so two deletes cannot wait on each other) so that an update or
        // delete of a child cannot interleave with the rewiring across the await below.
        for childID in dependents { await lock(childID) }
        defer { for childID in dependents { unlock(childID) } }
        var rewired: [JobSpec] = []
        for childID in dependents {
            guard var child = jobs[childID] else { continue }
            var parents = child.dependencies.filter { $0 != id }
            for parent in job.dependencies where !parents.contains(parent) && parent != childID { parents.append(parent) }
            child.dependencies = parents
            child.dependenciesChangedAt = clock.now()
            rewired.append(child)
        }
        try await persist([.deleteJob(id)] + rewired.map { .putJob($0) })
        let now = clock.now()
        for child in rewired { install(child, previous: jobs[child.id], now: now) }
        if let name = job.chronos?.name, chronosNames[name] == id { chronosNames[name] = nil }
        for schedule in job.schedules { disarm(ScheduleKey(jobID: id, scheduleID: schedule.id)) }
        for parent in job.dependencies { children[parent]?.remove(id) }
        children[id] = nil
        jobs[id] = nil
        histories[id] = nil
        runs[id] = nil
        for key in cursors.keys where key.jobID == id { cursors[key] = nil }
        // Logs go with their job; a job created again under this id starts without them.
        launcher.discardSandboxes(of: id)
        return job
    }

    // MARK: Schedules

    public func addSchedule(_ schedule: ScheduleSpec, to id: JobID) async throws(EngineError) -> ScheduleSpec {
        await lock(id)
        defer { unlock(id) }
        guard var job = jobs[id] else { throw .jobNotFound(id) }
        if job.schedules.contains(where: { $0.id == schedule.id }) { throw .scheduleExists(schedule.id) }
        if !job.schedules.isEmpty { throw .tooManySchedules }
        if !job.dependencies.isEmpty {
            var errors = ValidationErrors()
            errors.add("/", "Jobs may not have both dependencies and schedules specified")
            throw .invalid(errors)
        }
        let previous = job
        job.schedules.append(schedule)
        let now = clock.now()
        try await persist([.putJob(job), .putCursor(id, scheduleID: schedule.id, now)])
        install(job, previous: previous, now: now)
        return schedule
    }

    public func updateSchedule(_ schedule: ScheduleSpec, of id: JobID) async throws(EngineError) -> ScheduleSpec {
        await lock(id)
        defer { unlock(id) }
        guard var job = jobs[id] else { throw .jobNotFound(id) }
        guard let index = job.schedules.firstIndex(where: { $0.id == schedule.id }) else { throw .scheduleNotFound(id, schedule.id) }
        let previous = job
        job.schedules[index] = schedule
        let now = clock.now()
        try await persist([.putJob(job)] + cursorChanges(from: previous.schedules, to: job.schedules, job: id, now: now))
        install(job, previous: previous, now: now)
        return schedule
    }

    public func deleteSchedule(_ scheduleID: String, of id: JobID) async throws(EngineError) {
        await lock(id)
        defer { unlock(id) }
        guard var job = jobs[id] else { throw .jobNotFound(id) }
        guard job.schedules.contains(where: { $0.id == scheduleID }) else { throw .scheduleNotFound(id, scheduleID) }
        let previous = job
        job.schedules.removeAll { $0.id == scheduleID }
        try await persist([.putJob(job), .deleteCursor(id, scheduleID: scheduleID)])
        install(job, previous: previous, now: clock.now())
    }

    // MARK: Helpers

    /// A changed schedule starts over from now: slots of its old expression are not owed.
    func cursorChanges(from old: [ScheduleSpec], to new: [ScheduleSpec], job: JobID, now: Instant) -> [StoreChange] {
        var changes: [StoreChange] = []
        for schedule in new where old.first(where: { $0.id == schedule.id }) != schedule {
            changes.append(.putCursor(job, scheduleID: schedule.id, initialCursor(schedule, now: now)))
        }
        for schedule in old where !new.contains(where: { $0.id == schedule.id }) {
            changes.append(.deleteCursor(job, scheduleID: schedule.id))
        }
        return changes
    }

    /// Puts a persisted job into memory and re-plans its schedules at once.
    func install(_ job: JobSpec, previous: JobSpec?, now: Instant) {
        jobs[job.id] = job
        if let name = previous?.chronos?.name, chronosNames[name] == job.id { chronosNames[name] = nil }
        if let name = job.chronos?.name { chronosNames[name] = job.id }
        if let previous {
            for parent in previous.dependencies { children[parent]?.remove(job.id) }
        }
        for parent in job.dependencies { children[parent, default: []].insert(job.id) }
        let oldSchedules = previous?.schedules ?? []
        for schedule in oldSchedules where !job.schedules.contains(where: { $0.id == schedule.id }) {
            let key = ScheduleKey(jobID: job.id, scheduleID: schedule.id)
            disarm(key)
            cursors[key] = nil
        }
        for schedule in job.schedules where oldSchedules.first(where: { $0.id == schedule.id }) != schedule {
            cursors[ScheduleKey(jobID: job.id, scheduleID: schedule.id)] = initialCursor(schedule, now: now)
            arm(job: job.id, schedule: schedule, now: now, catchUp: false)
        }
    }

    /// Parents must exist and the graph must stay acyclic (Metronome's service checks).
    func checkDependencies(of spec: JobSpec) throws(EngineError) {
        guard !spec.dependencies.isEmpty else { return }
        let unknown = spec.dependencies.filter { jobs[$0] == nil && $0 != spec.id }
        if !unknown.isEmpty { throw .unknownDependencies(unknown) }
        // A cycle exists if some parent is reachable from the job through child edges.
        var stack = Array(children[spec.id] ?? [])
        var seen: Set<JobID> = [spec.id]
        let parents = Set(spec.dependencies)
        while let next = stack.popLast() {
            if parents.contains(next) { throw .dependencyCycle }
            if seen.insert(next).inserted { stack.append(contentsOf: children[next] ?? []) }
        }
    }
}
