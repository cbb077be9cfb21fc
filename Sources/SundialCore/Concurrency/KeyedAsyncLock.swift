import Synchronization

/// Serializes async work per key: a second `lock` of a key waits until the first holder
/// unlocks it; different keys never wait for each other. Waiters are served in order.
/// `unlock` is synchronous so callers can write `await locks.lock(k); defer { locks.unlock(k) }`.
public final class KeyedAsyncLock<Key: Hashable & Sendable>: Sendable {
    /// A key is present while held; its array holds the waiters.
    private let state = Mutex<[Key: [CheckedContinuation<Void, Never>]]>([:])

    public init() {}

    public func lock(_ key: Key) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { held -> Bool in
                guard held[key] != nil else {
                    held[key] = []
                    return true
                }
                held[key]!.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    public func unlock(_ key: Key) {
        let next = state.withLock { held -> CheckedContinuation<Void, Never>? in
            guard var waiters = held[key] else { return nil }
            if waiters.isEmpty {
                held[key] = nil
                return nil
            }
            let first = waiters.removeFirst()
            held[key] = waiters
            return first
        }
        next?.resume()
    }

    public func withLock<T: Sendable, E: Error>(_ key: Key, _ body: @Sendable () async throws(E) -> T) async throws(E) -> T {
        await lock(key)
        defer { unlock(key) }
        return try await body()
    }
}
