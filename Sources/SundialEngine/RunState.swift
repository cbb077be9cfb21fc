import SundialCore

/// What the engine tracks for one active run besides the persisted `JobRun`.
struct RunState {
    var run: JobRun
    /// The live task of the current attempt, once it has been launched.
    var task: LaunchedTask?
    var stopRequested = false
    /// Callers of `stopRun` waiting for the final state.
    var waiters: [CheckedContinuation<JobRun, Never>] = []
}

/// One entry in the engine's single timer heap: a schedule's next slot, or the starting
/// deadline of a scheduled run. Schedule entries are never removed from the heap; a newer
/// `generation` for the same schedule makes older entries stale, and they are dropped when
/// they surface.
struct TimerEntry: Comparable {
    enum Purpose: Equatable {
        case slot(ScheduleKey)
        /// Abort the run if it is not ACTIVE by now.
        case startingDeadline(JobID, RunID)
    }

    var instant: Instant
    var purpose: Purpose
    var generation: UInt64

    static func < (lhs: TimerEntry, rhs: TimerEntry) -> Bool {
        if lhs.instant != rhs.instant { return lhs.instant < rhs.instant }
        return lhs.generation < rhs.generation
    }
    static func == (lhs: TimerEntry, rhs: TimerEntry) -> Bool {
        lhs.instant == rhs.instant && lhs.generation == rhs.generation && lhs.purpose == rhs.purpose
    }
}

struct ArmedSchedule {
    var compiled: CompiledSchedule
    var spec: ScheduleSpec
    var next: Instant?
    var generation: UInt64
}
