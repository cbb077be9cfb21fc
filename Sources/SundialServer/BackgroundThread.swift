import CSundialLinux
import Foundation

/// Runs blocking housekeeping (walking and deleting sandboxes) on a thread of its own at the
/// lowest priority, so it takes only CPU that tasks and the scheduler leave: a sweep that
/// coincides with a burst of runs must not delay them.
enum BackgroundThread {
    static func run<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                sundial_lower_thread_priority()
                continuation.resume(returning: body())
            }
            thread.name = "sundial-housekeeping"
            thread.start()
        }
    }
}
