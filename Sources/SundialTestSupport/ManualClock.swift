import Synchronization
import SundialCore

/// A clock that moves only when a test advances it. Sleepers wake when the time they wait
/// for is reached.
public final class ManualClock: EngineClock {
    struct State {
        var now: Instant
        var sleepers: [(deadline: Instant, id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID = 0
    }
    private let state: Mutex<State>

    public init(now: Instant) { state = Mutex(State(now: now)) }

    public func now() -> Instant { state.withLock { $0.now } }

    public func sleep(until deadline: Instant) async throws {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { state -> Bool in
                    if deadline <= state.now { return true }
                    state.sleepers.append((deadline, id, continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index).continuation
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward (or, to simulate a clock set back, backward) and wakes sleepers.
    public func set(_ instant: Instant) {
        let due = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now = instant
            let due = state.sleepers.filter { $0.deadline <= instant }.map(\.continuation)
            state.sleepers.removeAll { $0.deadline <= instant }
            return due
        }
        for continuation in due { continuation.resume() }
    }

    public func advance(seconds: Double) {
        set(now().adding(milliseconds: Int64(seconds * 1000)))
    }
}
