import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import SundialCore
import SundialEngine

/// Removes task sandboxes (and so their logs) under the retention policy: once at start,
/// then periodically. The sandboxes of active runs are never touched.
struct LogRetentionService: Service {
    let layout: SandboxLayout
    let policy: LogRetentionPolicy
    let engine: Engine
    /// The configured sweep period; shortened to half the retention when that is shorter.
    let sweepIntervalSeconds: Int64
    let logger: Logger

    /// At least twice per retention period, and at most once a second.
    var interval: Duration {
        .seconds(max(1, min(sweepIntervalSeconds, (policy.maxAgeSeconds ?? Int64.max) / 2)))
    }

    func run() async throws {
        SandboxInventory.removeTrash(layout)
        guard policy.maxAgeSeconds != nil || policy.maxTotalBytes != nil else {
            // Nothing to sweep, but returning would end the whole service group.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweep()
                try? await Task.sleep(for: interval)
            }
        }
    }

    func sweep() async {
        // List first, then ask which runs are active: a run created after the listing has
        // no entry in it, and one listed is seen as active if it still is.
        // Directory walks and deletions block: they run on NIO's blocking-I/O pool.
        let layout = self.layout
        guard let found = try? await NIOThreadPool.singleton.runIfActive({ SandboxInventory.scan(layout) }) else { return }
        guard !found.isEmpty else { return }
        let active = Set(await engine.allActiveRuns().map { "\($0.jobID.rawValue)/\($0.id.rawValue)" })
        let sandboxes = found.map {
            LogRetentionPolicy.Sandbox(path: $0.path, finishedAt: $0.finishedAt, bytes: $0.bytes, active: active.contains("\($0.job)/\($0.run)"))
        }
        let doomed = policy.selectForRemoval(sandboxes, now: Instant.now())
        guard !doomed.isEmpty else { return }
        let logger = self.logger
        _ = try? await NIOThreadPool.singleton.runIfActive {
            var removedRuns: Set<String> = []
            for sandbox in doomed {
                do {
                    try FileManager.default.removeItem(atPath: sandbox.path)
                    removedRuns.insert((sandbox.path as NSString).deletingLastPathComponent)
                } catch {
                    logger.warning("cannot remove expired sandbox \(sandbox.path): \(error)")
                }
            }
            // A run directory whose tasks are all gone goes too (rmdir fails harmlessly if not).
            for run in removedRuns { rmdir(run) }
        }
        logger.info("log retention removed \(doomed.count) task sandbox(es)")
    }
}
