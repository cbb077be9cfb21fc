import CSundialLinux
import Foundation
import Synchronization
import SundialCore

/// Wall-clock time for the engine. Sleeps on an absolute `CLOCK_REALTIME` timer, so a
/// sleeper wakes when the wall clock reaches its instant however the clock gets there: a
/// clock set forward past a slot wakes the timer at once (the slot is then coalesced like
/// any late one), a clock set back makes the sleep longer and never fires a slot early.
/// A monotonic sleep, by contrast, would oversleep a forward jump by the jump's size.
public struct SystemClock: EngineClock {
    public init() {}

    public func now() -> Instant { Instant.now() }

    public func nowMicroseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }

    public func sleep(until deadline: Instant) async throws {
        if deadline <= now() { return }
        try await WallClockTimer.shared.sleep(until: deadline)
    }
}

/// One timerfd and one thread blocked on it, shared by every sleeper in the process. The
/// timer is always armed for the earliest pending deadline.
final class WallClockTimer: Sendable {
    static let shared = WallClockTimer()

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var sleepers: [UInt64: Sleeper] = [:]
        var nextID: UInt64 = 0
    }

    private let fd: Int32
    private let state = Mutex(State())

    private init() {
        fd = sundial_wall_timer_create()
        precondition(fd >= 0, "timerfd_create failed: errno \(errno)")
        let thread = Thread { [self] in waitLoop() }
        thread.name = "sundial-wall-clock"
        thread.start()
    }

    func sleep(until deadline: Instant) async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                state.withLock { state in
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    rearm(state)
                }
                // Cancelled before registering: the handler below found nothing to resume.
                if Task.isCancelled { cancel(id) }
            }
        } onCancel: {
            cancel(id)
        }
    }

    private func cancel(_ id: UInt64) {
        let sleeper = state.withLock { state -> Sleeper? in
            defer { rearm(state) }
            return state.sleepers.removeValue(forKey: id)
        }
        sleeper?.continuation.resume(throwing: CancellationError())
    }

    /// Called with the lock held.
    private func rearm(_ state: State) {
        let earliest = state.sleepers.values.map(\.deadline).min()
        _ = sundial_wall_timer_arm(fd, earliest?.millisecondsSinceEpoch ?? -1)
    }

    private func waitLoop() {
        sundial_set_precise_timer_slack()
        while true {
            // Expiry, a clock change (result 2) or an error: either way, wake whoever is due
            // by the wall clock now and re-arm for the rest.
            if sundial_wall_timer_wait(fd) < 0 { usleep(1000) }
            let now = Instant.now()
            let due = state.withLock { state -> [Sleeper] in
                let ids = state.sleepers.filter { $0.value.deadline <= now }.map(\.key)
                let due = ids.compactMap { state.sleepers.removeValue(forKey: $0) }
                rearm(state)
                return due
            }
            for sleeper in due { sleeper.continuation.resume() }
        }
    }
}
