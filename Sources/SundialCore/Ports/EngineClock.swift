/// The engine's view of time: wall-clock instants, and sleeping until one. Injected so that
/// engine tests run on a manual clock instead of waiting.
public protocol EngineClock: Sendable {
    func now() -> Instant
    /// Returns at `deadline` (or soon after), or throws when the task is cancelled.
    func sleep(until deadline: Instant) async throws
    /// The current time in microseconds since the epoch, for latency metrics finer than an
    /// `Instant` can hold.
    func nowMicroseconds() -> Int64
}

extension EngineClock {
    public func nowMicroseconds() -> Int64 { now().millisecondsSinceEpoch * 1000 }
}
