import Foundation
import Logging
import ServiceLifecycle
import SundialCore
import SundialEngine

/// Removes task sandboxes (and so their logs) under the retention policy: once at start,
/// then periodically. The sandboxes of active runs are never touched.
///
/// Walks the sandboxes on disk once, at start; from then on it learns of new ones from the
/// launcher (SandboxTracker) and each sweep reads from disk only the sandboxes whose task
/// ran or ended since the last. Disk work runs on a housekeeping thread at the lowest priority.
struct LogRetentionService: Service {
    let layout: SandboxLayout
    let policy: LogRetentionPolicy
    let tracker: SandboxTracker
    let engine: Engine
    /// The configured sweep period; shortened to half the retention when that is shorter.
    let sweepIntervalSeconds: Int64
    let logger: Logger

    /// At least twice per retention period, and at most once a second.
    var interval: Duration {
        .seconds(max(1, min(sweepIntervalSeconds, (policy.maxAgeSeconds ?? Int64.max) / 2)))
    }

    func run() async throws {
        let layout = self.layout
        await BackgroundThread.run { SandboxInventory.removeTrash(layout) }
        // The tracker is enabled exactly when the policy removes something.
        guard tracker.isEnabled else {
            // Nothing to sweep, but returning would end the whole service group.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            await loadFromDisk()
            while !Task.isCancelled {
                await sweep()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// The walk at start. The launcher may report sandboxes meanwhile; what it says wins.
    func loadFromDisk() async {
        let layout = self.layout
        let found = await BackgroundThread.run { SandboxInventory.scan(layout) }
        let active = await activeRuns()
        tracker.sandboxes.withLock { sandboxes in
            for entry in found { sandboxes.found(entry.path, entry.measurement, running: isActive(entry.path, active)) }
        }
    }

    func sweep() async {
        let (running, ended) = tracker.sandboxes.withLock { $0.toMeasure }
        // A running sandbox's size only matters for the size bound.
        let measureRunning = policy.maxTotalBytes != nil
        let measured = await BackgroundThread.run {
            (running: measureRunning ? running.map { ($0, SandboxInventory.size(of: $0)) } : [],
             ended: ended.map { ($0, SandboxInventory.measure($0)) })
        }
        // Asked after measuring: a run that ends meanwhile is still seen as active (and its
        // sandbox kept until the next sweep), never the other way round.
        let active = await activeRuns()
        let removable = tracker.sandboxes.withLock { sandboxes in
            for (path, bytes) in measured.running { sandboxes.measuredRunning(path, bytes: bytes) }
            for (path, measurement) in measured.ended { sandboxes.measuredEnded(path, measurement) }
            return sandboxes.takeRemovable(policy, now: Instant.now()) { isActive($0, active) }
        }
        guard !removable.isEmpty else { return }
        let logger = self.logger
        await BackgroundThread.run {
            var runs: Set<String> = []
            for path in removable {
                do {
                    try FileManager.default.removeItem(atPath: path)
                    runs.insert((path as NSString).deletingLastPathComponent)
                } catch {
                    // Forgotten all the same: a sandbox that cannot be removed is not retried every sweep.
                    logger.warning("cannot remove expired sandbox \(path): \(error)")
                }
            }
            // A run directory whose tasks are all gone goes too (rmdir fails harmlessly if not).
            for run in runs { rmdir(run) }
        }
        logger.info("log retention removed \(removable.count) task sandbox(es)")
    }

    private func activeRuns() async -> Set<RunKey> {
        Set(await engine.allActiveRuns().map { RunKey(job: $0.jobID.rawValue, run: $0.id.rawValue) })
    }

    private func isActive(_ sandbox: String, _ active: Set<RunKey>) -> Bool {
        guard let (job, run) = layout.jobAndRun(of: sandbox) else { return false }
        return active.contains(RunKey(job: String(job), run: String(run)))
    }

    private struct RunKey: Hashable {
        var job: String
        var run: String
    }
}
