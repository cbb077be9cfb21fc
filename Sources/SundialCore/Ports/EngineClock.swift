/// The engine's view of time: wall-clock instants, and sleeping until one. Injected so that
/// engine tests run on a manual clock instead of waiting.
public protocol EngineClock: Sendable {
    func now() -> Instant
    /// Returns at `deadline` (or soon after), or throws when the task is cancelled.
    func sleep(until deadline: Instant) async throws
}

/// Wall-clock time. Sleeps on the monotonic clock and re-checks the wall clock on waking, so
/// a clock set backwards never fires early.
public struct SystemClock: EngineClock {
    public init() {}
    public func now() -> Instant { Instant.now() }
    public func sleep(until deadline: Instant) async throws {
        while true {
            let remaining = deadline.millisecondsSinceEpoch - now().millisecondsSinceEpoch
            if remaining <= 0 { return }
            try await Task.sleep(for: .milliseconds(remaining), tolerance: .zero, clock: .continuous)
        }
    }
}
