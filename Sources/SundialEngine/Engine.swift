import HeapModule
import Logging
import SundialCore

/// The scheduler: owns the in-memory picture of every job, run and schedule, keeps the store
/// in step with it, fires schedules from one timer heap, and drives each run's tasks through
/// the launcher. It knows nothing about HTTP.
public actor Engine {
    let store: any JobStore
    let launcher: any TaskLauncher
    let clock: any EngineClock
    let configuration: EngineConfiguration
    let logger: Logger

    var jobs: [JobID: JobSpec] = [:] {
        // Only a changed key set invalidates the listing index; without `oldValue` the
        // dictionary is still mutated in place.
        didSet { if jobs.count != sortedJobIDs?.count { sortedJobIDs = nil } }
    }
    /// Every job id in order, for paged listings; rebuilt lazily after creates and deletes.
    var sortedJobIDs: [JobID]?
    /// Ids with a create in flight, so two concurrent creates of one id cannot both pass.
    var reservedIDs: Set<JobID> = []
    var runs: [JobID: [RunID: RunState]] = [:]
    var histories: [JobID: JobHistory] = [:]
    var cursors: [ScheduleKey: Instant] = [:]
    var children: [JobID: Set<JobID>] = [:]
    /// Chronos names of jobs created through Chronos (others go by their id).
    var chronosNames: [String: JobID] = [:]
    /// Children whose dependency-triggered run is being created (not yet in `runs`).
    var pendingDependencyRuns: Set<JobID> = []
    /// Runs whose task turned RUNNING since the last start write (`recordStart`).
    var unrecordedStarts: Set<RunKey> = []
    let finishedRunsInFlight = FinishedRunsInFlight()
    var startRecordScheduled = false
    /// Decides whether a run's placement constraints hold on this server.
    let placement: ConstraintEvaluator
    var metrics = EngineMetrics()
    var triggerSkew = LatencyRecorder()
    var processStartSkew = LatencyRecorder()

    var armed = ArmedSchedules()
    /// The launches last announced to the launcher (`adviseLauncher`); 0: no burst ahead.
    var advisedLaunches = 0
    var timers = Heap<TimerEntry>()
    var nextGeneration: UInt64 = 0
    var sleeper: Task<Void, Never>?
    var wakeRequested = false
    var started = false
    /// Job-level changes are serialized per job: a second change waits for the first.
    let jobLocks = KeyedAsyncLock<JobID>()

    public init(
        store: any JobStore, launcher: any TaskLauncher, clock: any EngineClock = SystemClock(),
        configuration: EngineConfiguration = EngineConfiguration(), logger: Logger = Logger(label: "sundial.engine")
    ) {
        self.store = store
        self.launcher = launcher
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
        self.placement = ConstraintEvaluator(hostname: configuration.hostname, attributes: configuration.attributes)
    }

    // MARK: Start-up

    /// Loads the store, re-adopts tasks that outlived the previous server process and arms
    /// every schedule (firing a coalesced run for slots missed while down, within deadline).
    public func start() async throws(EngineError) {
        let snapshot: StoreSnapshot
        do { snapshot = try await store.load(historyLimit: configuration.historyLimit) } catch { throw .store(error.description) }
        for job in snapshot.jobs {
            jobs[job.id] = job
            if let name = job.chronos?.name { chronosNames[name] = job.id }
            for parent in job.dependencies { children[parent, default: []].insert(job.id) }
        }
        histories = snapshot.histories
        cursors = snapshot.cursors
        for run in snapshot.activeRuns where jobs[run.jobID] != nil {
            runs[run.jobID, default: [:]][run.id] = RunState(run: run)
        }
        started = true
        metrics.jobs = jobs.count
        for run in snapshot.activeRuns where jobs[run.jobID] != nil {
            reconcile(run)
            watchStartingDeadline(run)
        }
        let now = clock.now()
        // Parsing 100,000 expressions is most of arming them; it is pure, so it runs on
        // every core before the (serial) arming.
        // Fleets share expressions (`0 * * * *` in UTC), so each distinct one is parsed once.
        let schedules = snapshot.jobs.flatMap { job in job.schedules.map { (job: job.id, spec: $0) } }
        var distinct: [ScheduleSpec] = []
        var position: [ExpressionKey: Int] = [:]
        let slots = schedules.map { entry -> Int in
            let key = ExpressionKey(entry.spec)
            if let at = position[key] { return at }
            distinct.append(entry.spec)
            position[key] = distinct.count - 1
            return distinct.count - 1
        }
        let compiled = distinct.parallelMap { CompiledSchedule($0, now: now) }
        for (index, entry) in schedules.enumerated() where jobs[entry.job] != nil {
            arm(job: entry.job, schedule: entry.spec, now: now, catchUp: true, compiled: compiled[slots[index]])
        }
        // A parent that succeeded just before the previous process stopped still owes its
        // children their run: readiness is derived from persisted history.
        for parent in Set(jobs.values.flatMap(\.dependencies)).sorted() { triggerDependents(of: parent) }
    }

    // MARK: Per-job serialization

    func lock(_ id: JobID) async { await jobLocks.lock(id) }

    func unlock(_ id: JobID) { jobLocks.unlock(id) }

    func persist(_ changes: [StoreChange]) async throws(EngineError) {
        do { try await store.apply(changes) } catch { throw .store(error.description) }
    }

    /// Writes without waiting; used for state the engine can rebuild (a task turning
    /// RUNNING). Write order is still call order.
    func persistInBackground(_ changes: [StoreChange]) {
        let logger = self.logger
        store.submit(changes, urgency: .soon) { result in
            if case .failure(let error) = result { logger.error("store write failed: \(error)") }
        }
    }

    // MARK: Reads

    public func job(_ id: JobID) -> JobSpec? { jobs[id] }

    /// A job by its Chronos name: the name it was created with there, else its id.
    public func job(chronosName name: String) -> JobSpec? {
        if let id = chronosNames[name] { return jobs[id] }
        guard let id = JobID(name), let job = jobs[id], job.chronos == nil || job.chronos?.name == name else { return nil }
        return job
    }

    public func activeRuns(of id: JobID) -> [JobRun] {
        (runs[id] ?? [:]).values.map(\.run).sorted { $0.createdAt < $1.createdAt }
    }

    public func allActiveRuns() -> [JobRun] {
        runs.values.flatMap { $0.values.map(\.run) }.sorted { $0.createdAt < $1.createdAt }
    }

    public func history(of id: JobID) -> JobHistory { histories[id] ?? JobHistory() }

    /// A run by id: active ones from memory, finished ones from the store.
    public func run(_ jobID: JobID, _ runID: RunID) async -> JobRun? {
        if let state = runs[jobID]?[runID] { return state.run }
        if let run = finishedRunsInFlight.run(jobID, runID) { return run }
        return try? await store.finishedRun(job: jobID, run: runID)
    }

    /// Slots of a job that did not run (past their starting deadline, or coalesced into a
    /// later slot), newest first.
    public func missedSlots(of id: JobID, limit: Int) async throws(EngineError) -> [MissedSlot] {
        guard jobs[id] != nil else { throw .jobNotFound(id) }
        do { return try await store.missedSlots(job: id, limit: limit) } catch { throw .store(error.description) }
    }

    /// The next instant the schedule will fire (what the timer is armed with).
    public func nextRunAt(_ jobID: JobID, scheduleID: String) -> Instant? {
        guard let spec = jobs[jobID], let schedule = spec.schedules.first(where: { $0.id == scheduleID }) else { return nil }
        return EngineStateCopy.nextRunAt(spec, schedule, armed: armed.byKey, now: clock.now())
    }

    /// Runs created but not yet launched (Metronome's launch queue).
    public func queuedRuns() -> [JobRun] {
        runs.values.flatMap { $0.values.filter { $0.task == nil && !$0.run.status.isTerminal }.map(\.run) }.sorted { $0.createdAt < $1.createdAt }
    }

    /// Counters from one actor turn; the latency percentiles (a sort of up to 65,536
    /// samples each) are computed after it, off the actor.
    nonisolated public func currentMetrics() async -> EngineMetrics {
        let (counters, trigger, start) = await metricsCopy()
        var m = counters
        m.triggerSkew = trigger.summary
        m.processStartSkew = start.summary
        return m
    }

    func metricsCopy() -> (EngineMetrics, LatencyRecorder, LatencyRecorder) {
        var m = metrics
        m.jobs = jobs.count
        m.activeRuns = runs.values.reduce(0) { $0 + $1.count }
        return (m, triggerSkew, processStartSkew)
    }
}

/// What a compiled schedule depends on: the expression, its kind and its zone.
struct ExpressionKey: Hashable {
    var kind: ScheduleSpec.Kind
    var expression: String
    var timezone: String
    init(_ spec: ScheduleSpec) {
        kind = spec.kind
        expression = spec.expression
        timezone = spec.timezone
    }
}
