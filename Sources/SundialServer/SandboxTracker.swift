import Synchronization
import SundialCore

/// The sandboxes the retention sweep looks after, shared between the launcher, which says
/// when a task starts and ends in one, and the sweep. Does nothing when the retention policy
/// removes nothing, so an unlimited server keeps no list that only grows.
final class SandboxTracker: Sendable {
    let isEnabled: Bool
    let sandboxes: Mutex<RetainedSandboxes>

    init(layout: SandboxLayout, isEnabled: Bool) {
        self.isEnabled = isEnabled
        self.sandboxes = Mutex(RetainedSandboxes(layout: layout))
    }

    func started(_ path: String) {
        guard isEnabled else { return }
        sandboxes.withLock { $0.started(path) }
    }

    func ended(_ path: String) {
        guard isEnabled else { return }
        sandboxes.withLock { $0.ended(path) }
    }

    func forgetJob(_ job: JobID) {
        guard isEnabled else { return }
        sandboxes.withLock { $0.forgetJob(job.rawValue) }
    }
}
