import SundialCore

extension Engine {
    /// Starts a run now (Metronome `POST …/runs`). Returns once the run is durably recorded;
    /// its process starts right after.
    ///
    /// `extraArguments` (Chronos `?arguments=`) are appended to the argv of a job run without
    /// a shell; a shell command ignores them, as the Chronos documentation says.
    public func startRun(_ id: JobID, extraArguments: [String] = []) async throws(EngineError) -> JobRun {
        guard let job = jobs[id] else { throw .jobNotFound(id) }
        var spec = job.run
        if spec.cmd == nil, !extraArguments.isEmpty, let args = spec.args, let executable = args.first {
            // Chronos: the manual run's arguments replace the job's own.
            spec.args = [executable] + extraArguments
        }
        return try await createRun(job, trigger: .manual, startingDeadline: nil, extraChanges: [], spec: spec)
    }

    /// Records a run and its first task, then launches it. For a scheduled run the insert
    /// carries the slot key, and the store refuses a second run for that slot.
    func createRun(
        _ job: JobSpec, trigger: JobRun.Trigger, startingDeadline: Instant?, extraChanges: [StoreChange], spec: RunSpec? = nil
    ) async throws(EngineError) -> JobRun {
        let now = clock.now()
        if case .schedule(_, let slot) = trigger {
            triggerSkew.record(clock.nowMicroseconds() - slot.millisecondsSinceEpoch * 1000)
        }
        var spec = spec ?? job.run
        if let chronos = job.chronos { Self.addChronosEnvironment(&spec, chronos: chronos, createdAt: now) }
        var runID = RunID.generate(at: now)
        while runs[job.id]?[runID] != nil { runID = RunID.generate(at: now) }
        let task = TaskRecord(id: Self.taskID(job: job.id, run: runID), status: .TASK_STAGING)
        let run = JobRun(
            id: runID, jobID: job.id, status: .STARTING, createdAt: now, tasks: [task], trigger: trigger,
            startingDeadline: startingDeadline, spec: spec)
        runs[job.id, default: [:]][runID] = RunState(run: run)
        do {
            try await persist([.insertRun(run)] + extraChanges)
        } catch {
            runs[job.id]?[runID] = nil
            if runs[job.id]?.isEmpty == true { runs[job.id] = nil }
            throw error
        }
        metrics.runsStarted += 1
        launch(job.id, runID)
        return runs[job.id]?[runID]?.run ?? run
    }

    /// Marathon-style task ids: `<job with dots as underscores>_<run>.<random>`.
    static func taskID(job: JobID, run: RunID) -> String {
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        return job.rawValue.replacingOccurrences(of: ".", with: "_") + "_" + run.rawValue + "." + suffix
    }

    func launchRequest(for state: RunState) -> TaskLaunchRequest {
        var environment = configuration.baseEnvironment
        for (name, value) in state.run.spec.env {
            if case .value(let text) = value { environment[name] = text }
        }
        environment["SUNDIAL_JOB_ID"] = state.run.jobID.rawValue
        environment["SUNDIAL_RUN_ID"] = state.run.id.rawValue
        environment["METRONOME_JOB_ID"] = state.run.jobID.rawValue
        environment["METRONOME_RUN_ID"] = state.run.id.rawValue
        if let name = jobs[state.run.jobID]?.chronos?.name {
            // Chronos names each attempt `ct:<due>:<attempt>:<name>:<args>`; data jobs report
            // progress under that id.
            let arguments = state.run.spec.cmd == nil ? (state.run.spec.args ?? []).dropFirst().joined(separator: " ") : ""
            let taskID = ChronosTaskID(
                dueMilliseconds: state.run.createdAt.millisecondsSinceEpoch, attempt: max(0, state.run.tasks.count - 1), jobName: name,
                arguments: arguments)
            environment["mesos_task_id"] = taskID.description
            environment["MESOS_TASK_ID"] = taskID.description
            environment["CHRONOS_JOB_RUN_ATTEMPT"] = String(taskID.attempt)
            // Mesos' agent host in Chronos; here, the server the task runs on.
            environment["HOST"] = configuration.hostname
        }
        return TaskLaunchRequest(
            jobID: state.run.jobID, runID: state.run.id, taskID: state.run.tasks.last?.id ?? "", spec: state.run.spec,
            environment: environment)
    }

    /// Chronos' task environment (reference/chronos.md §3.7); the job's own variables
    /// cannot override these, as in Chronos.
    static func addChronosEnvironment(_ spec: inout RunSpec, chronos: ChronosFields, createdAt: Instant) {
        // Chronos writes Scala doubles: `1.0`, `0.5`. `Int(exactly:)` keeps a huge value
        // (a Metronome PUT may set any number) from trapping.
        func double(_ value: Double) -> String { Int(exactly: value).map { "\($0).0" } ?? "\(value)" }
        spec.env["CHRONOS_JOB_NAME"] = .value(chronos.name)
        spec.env["CHRONOS_JOB_OWNER"] = .value(chronos.owner)
        spec.env["CHRONOS_RESOURCE_CPU"] = .value(double(spec.cpus))
        spec.env["CHRONOS_RESOURCE_MEM"] = .value(double(spec.mem))
        spec.env["CHRONOS_RESOURCE_DISK"] = .value(double(spec.disk))
        spec.env["CHRONOS_JOB_RUN_TIME"] = .value(String(createdAt.millisecondsSinceEpoch))
    }

    /// Starts the current attempt's process in the background. A run whose placement
    /// constraints do not hold on this server stays queued (visible in `/v1/queue`).
    func launch(_ jobID: JobID, _ runID: RunID) {
        guard let state = runs[jobID]?[runID] else { return }
        if let deadline = state.run.startingDeadline, clock.now() > deadline {
            finish(jobID, runID, status: .FAILED, taskStatus: .TASK_FAILED, exitCode: nil, message: "starting deadline passed")
            return
        }
        guard placement.matches(state.run.spec.placement.constraints) else {
            logger.info("run \(jobID)/\(runID) stays queued: its constraints do not match this server's attributes")
            return
        }
        let request = launchRequest(for: state)
        let launcher = self.launcher
        Task {
            do {
                let task = try await launcher.launch(request)
                self.launched(jobID, runID, taskID: request.taskID, task: task)
            } catch {
                self.taskEnded(jobID, runID, taskID: request.taskID, outcome: nil, message: (error as? LaunchError)?.message ?? "\(error)")
            }
        }
    }

    func launched(_ jobID: JobID, _ runID: RunID, taskID: String, task: LaunchedTask) {
        guard var state = runs[jobID]?[runID], state.run.tasks.last?.id == taskID else {
            launcher.stop(task)
            return
        }
        // When the process started, by the launcher's account when it has one (the executor
        // reads the clock as the task has exec'd; its reply may leave milliseconds later), but
        // never later than now.
        let nowMicroseconds = clock.nowMicroseconds()
        let startedMicroseconds = task.startedAtMicroseconds.map { min($0, nowMicroseconds) } ?? nowMicroseconds
        let startedAt = Instant(millisecondsSinceEpoch: startedMicroseconds / 1000)
        if case .schedule(_, let slot) = state.run.trigger, state.run.tasks.count == 1 {
            processStartSkew.record(startedMicroseconds - slot.millisecondsSinceEpoch * 1000)
        }
        state.task = task
        state.run.status = .ACTIVE
        state.run.tasks[state.run.tasks.count - 1].status = .TASK_RUNNING
        if state.run.tasks[state.run.tasks.count - 1].startedAt == nil { state.run.tasks[state.run.tasks.count - 1].startedAt = startedAt }
        runs[jobID]?[runID] = state
        metrics.tasksLaunched += 1
        recordStart(jobID, runID)
        if state.stopRequested { launcher.stop(task) }
        watch(jobID, runID, task)
    }

    func watch(_ jobID: JobID, _ runID: RunID, _ task: LaunchedTask) {
        let launcher = self.launcher
        Task {
            let outcome = await launcher.wait(for: task)
            self.taskEnded(jobID, runID, taskID: task.taskID, outcome: outcome, message: nil)
        }
    }

    /// A task ended (or failed to start when `outcome` is nil): decide the run's fate.
    func taskEnded(_ jobID: JobID, _ runID: RunID, taskID: String, outcome: TaskOutcome?, message: String?) {
        guard let state = runs[jobID]?[runID], state.run.tasks.last?.id == taskID else { return }
        let exitCode: Int?
        let taskStatus: TaskRecord.Status
        switch outcome {
        case .exited(let code):
            exitCode = Int(code)
            taskStatus = code == 0 ? .TASK_FINISHED : .TASK_FAILED
        case .signaled(let signal, _):
            exitCode = -Int(signal)
            taskStatus = .TASK_KILLED
        case .lost, nil:
            exitCode = nil
            taskStatus = .TASK_FAILED
        }
        if state.stopRequested {
            // A stopped run fails however its task chose to exit (Metronome semantics).
            finish(jobID, runID, status: .FAILED, taskStatus: .TASK_KILLED, exitCode: exitCode, message: "stopped")
            return
        }
        if taskStatus == .TASK_FINISHED {
            finish(jobID, runID, status: .SUCCESS, taskStatus: taskStatus, exitCode: exitCode, message: message)
            return
        }
        let now = clock.now()
        let policy = state.run.spec.restart
        let withinDeadline = policy.activeDeadlineSeconds.map { now < state.run.createdAt.adding(seconds: $0) } ?? true
        let retriesLeft = policy.maxRetries.map { state.run.tasks.count <= $0 } ?? true
        if policy.policy == .ON_FAILURE, withinDeadline, retriesLeft, !state.stopRequested {
            retry(jobID, runID, failedStatus: taskStatus, exitCode: exitCode, message: message)
        } else {
            finish(jobID, runID, status: .FAILED, taskStatus: taskStatus, exitCode: exitCode, message: message ?? (outcome == .lost ? "task lost" : nil))
        }
    }

    /// ON_FAILURE: close the failed attempt and launch a new task under the same run.
    func retry(_ jobID: JobID, _ runID: RunID, failedStatus: TaskRecord.Status, exitCode: Int?, message: String?) {
        guard var state = runs[jobID]?[runID] else { return }
        let now = clock.now()
        let last = state.run.tasks.count - 1
        state.run.tasks[last].status = failedStatus
        state.run.tasks[last].completedAt = now
        state.run.tasks[last].exitCode = exitCode
        state.run.tasks[last].message = message
        state.run.tasks.append(TaskRecord(id: Self.taskID(job: jobID, run: runID), status: .TASK_STAGING))
        state.task = nil
        runs[jobID]?[runID] = state
        // The new task is recorded before it is launched, as the first one was.
        let run = state.run
        let failedTaskID = state.run.tasks[last].id
        Task {
            do {
                try await self.persist([.updateRun(run)])
                self.launcher.release(taskID: failedTaskID)
                self.launch(jobID, runID)
            } catch {
                self.finish(jobID, runID, status: .FAILED, taskStatus: .TASK_FAILED, exitCode: nil, message: "\(error)")
            }
        }
    }

    /// Moves a run to its terminal state, records history, wakes stop waiters and triggers
    /// dependants.
    func finish(_ jobID: JobID, _ runID: RunID, status: JobRun.Status, taskStatus: TaskRecord.Status, exitCode: Int?, message: String?) {
        guard var state = runs[jobID]?[runID] else { return }
        let now = clock.now()
        state.run.status = status
        state.run.completedAt = now
        if !state.run.tasks.isEmpty {
            let last = state.run.tasks.count - 1
            if !state.run.tasks[last].status.isTerminal {
                state.run.tasks[last].status = state.stopRequested && taskStatus != .TASK_FINISHED ? .TASK_KILLED : taskStatus
                state.run.tasks[last].completedAt = now
                state.run.tasks[last].exitCode = exitCode
                state.run.tasks[last].message = message
            }
        }
        runs[jobID]?[runID] = nil
        if runs[jobID]?.isEmpty == true { runs[jobID] = nil }
        unrecordedStarts.remove(RunKey(jobID: jobID, runID: runID))
        var history = histories[jobID] ?? JobHistory()
        history.record(state.run, limit: configuration.historyLimit)
        histories[jobID] = history
        if status == .SUCCESS { metrics.runsSucceeded += 1 } else { metrics.runsFailed += 1 }
        let run = state.run
        let waiters = state.waiters
        // Waiters (a stop request) hear back only once the final state is durable; only then
        // may the launcher drop the exit statuses it kept. Without waiters nobody waits for
        // this write: until it is durable the executor keeps the exit, and a restart in
        // between reconciles the run from it.
        let launcher = self.launcher
        let urgency: WriteUrgency = waiters.isEmpty ? .soon : .now
        let inFlight = finishedRunsInFlight
        inFlight.add(run)
        store.submit([.updateRun(run), .putHistory(jobID, history.counters)], urgency: urgency) { result in
            inFlight.remove(run)
            if case .success = result {
                for task in run.tasks { launcher.release(taskID: task.id) }
            }
            for waiter in waiters { waiter.resume(returning: run) }
        }
        // Chronos `softError`: a failure still lets the children run.
        if status == .SUCCESS || jobs[jobID]?.chronos?.softError == true { triggerDependents(of: jobID) }
    }

    /// Stops a run: SIGTERM to its task, SIGKILL after the grace period. Returns the final
    /// run (FAILED) once it is torn down.
    public func stopRun(_ jobID: JobID, _ runID: RunID) async throws(EngineError) -> JobRun {
        guard jobs[jobID] != nil else { throw .jobNotFound(jobID) }
        guard var state = runs[jobID]?[runID] else { throw .runNotFound(jobID, runID.rawValue) }
        state.stopRequested = true
        runs[jobID]?[runID] = state
        let task = state.task
        return await withCheckedContinuation { continuation in
            runs[jobID]?[runID]?.waiters.append(continuation)
            // Without a task the launch is still in flight; its completion sees
            // `stopRequested` and stops the process (or the run fails to launch). A run held
            // back by its constraints has no launch in flight: it ends here.
            if let task {
                launcher.stop(task)
            } else if !placement.matches(state.run.spec.placement.constraints) {
                finish(jobID, runID, status: .FAILED, taskStatus: .TASK_KILLED, exitCode: nil, message: "stopped while queued")
            }
        }
    }

    /// A child runs once every parent has succeeded (or, with Chronos `softError`, ended)
    /// since the child last ran, computed from persisted history so a restart loses no
    /// pending trigger. A disabled child, or one that is running, is not started.
    func triggerDependents(of parent: JobID) {
        for childID in (children[parent] ?? []).sorted() {
            guard let child = jobs[childID], runs[childID]?.isEmpty ?? true, !pendingDependencyRuns.contains(childID),
                child.chronos?.disabled != true
            else { continue }
            let childHistory = histories[childID]
            // The child last ran when its newest run started, or when it was marked successful;
            // a change of its parents counts as a fresh start.
            let childLastRun = [childHistory?.successfulFinishedRuns.first?.createdAt, childHistory?.failedFinishedRuns.first?.createdAt,
                                childHistory?.lastSuccessAt, child.dependenciesChangedAt].compactMap { $0 }.max()
            let ready = child.dependencies.allSatisfy { parentID in
                guard let history = histories[parentID] else { return false }
                var done = history.lastSuccessAt
                if jobs[parentID]?.chronos?.softError == true, let failure = history.lastFailureAt { done = max(done ?? failure, failure) }
                guard let done else { return false }
                return childLastRun.map { done > $0 } ?? true
            }
            guard ready else { continue }
            // The run is recorded after an await; until then a second trigger (another parent
            // finishing, the start-up pass over every parent) must not start another.
            pendingDependencyRuns.insert(childID)
            Task {
                _ = try? await self.createRun(child, trigger: .dependency, startingDeadline: nil, extraChanges: [])
                self.pendingDependencyRuns.remove(childID)
            }
        }
    }

    /// Chronos `job/success`: counts as a success of the job (counters, last success, and
    /// for its children) without running it.
    public func markSuccess(_ id: JobID) async throws(EngineError) {
        guard jobs[id] != nil else { throw .jobNotFound(id) }
        // Applied to memory before the await, so a run finishing meanwhile builds on it
        // (and is not overwritten by a copy read before it); rolled back if the write fails.
        let before = histories[id]
        var history = before ?? JobHistory()
        history.successCount += 1
        history.lastSuccessAt = max(clock.now(), (history.lastSuccessAt ?? clock.now()).adding(milliseconds: 1))
        histories[id] = history
        do {
            try await persist([.putHistory(id, history.counters)])
        } catch {
            if var current = histories[id] {
                current.successCount -= 1
                current.lastSuccessAt = before?.lastSuccessAt
                histories[id] = current
            }
            throw error
        }
        metrics.runsSucceeded += 1
        triggerDependents(of: id)
    }

    /// Stops every active run of a job (Chronos `task/kill`); returns how many.
    public func stopAllRuns(_ id: JobID) async throws(EngineError) -> Int {
        guard jobs[id] != nil else { throw .jobNotFound(id) }
        let active = Array((runs[id] ?? [:]).keys)
        for runID in active { _ = try? await stopRun(id, runID) }
        return active.count
    }
}
