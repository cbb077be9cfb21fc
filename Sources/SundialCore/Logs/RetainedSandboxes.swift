import HeapModule

/// The task sandboxes the log retention sweep looks after, kept from one sweep to the next so
/// that a sweep costs what changed since the last one, not a walk of every sandbox on disk
/// (with 100,000 sandboxes a walk took ~3 CPU-seconds, once a minute).
///
/// A sandbox is *running* while its task runs: never chosen, and re-measured at each sweep
/// because its logs grow. When its task ends it is *unmeasured* until a sweep has read its
/// size and end time from disk, once; from then on it waits in a heap, oldest first, until
/// the policy chooses it. Paths are `<root>/<job>/<run>/<task>` (SandboxLayout).
public struct RetainedSandboxes: Sendable {
    /// What a sweep read from disk about a sandbox.
    public struct Measurement: Sendable, Hashable {
        /// When its task ended: the last write to the sandbox or its logs.
        public var finishedAt: Instant
        public var bytes: Int64

        public init(finishedAt: Instant, bytes: Int64) {
            self.finishedAt = finishedAt
            self.bytes = bytes
        }
    }

    private struct Queued: Comparable {
        var finishedAt: Instant
        var path: String
        static func < (lhs: Queued, rhs: Queued) -> Bool { (lhs.finishedAt, lhs.path) < (rhs.finishedAt, rhs.path) }
    }

    private var running: [String: Int64] = [:]
    private var unmeasured: Set<String> = []
    private var finished: [String: Measurement] = [:]
    /// Finished sandboxes by end time. An item whose sandbox changed state since it was
    /// queued is stale and skipped when it comes up.
    private var oldestFirst = Heap<Queued>()
    /// Every known path of a job, so a deleted job's sandboxes can be forgotten at once.
    private var pathsByJob: [String: Set<String>] = [:]
    private let layout: SandboxLayout
    /// Bytes of every running and measured sandbox together.
    public private(set) var totalBytes: Int64 = 0

    public init(layout: SandboxLayout) { self.layout = layout }

    public var count: Int { running.count + unmeasured.count + finished.count }

    /// A task is about to run in this sandbox.
    public mutating func started(_ path: String) {
        let bytes = running[path] ?? finished[path]?.bytes ?? 0
        forget(path)
        insertRunning(path, bytes: bytes)
    }

    /// The sandbox's task ended (or never started): the next sweep measures it.
    public mutating func ended(_ path: String) {
        forget(path)
        insert(path) { $0.unmeasured.insert(path) }
    }

    /// Found on disk by the walk at start-up. What the launcher reported meanwhile is newer
    /// and wins.
    public mutating func found(_ path: String, _ measurement: Measurement, running isRunning: Bool) {
        guard !isKnown(path) else { return }
        if isRunning {
            insertRunning(path, bytes: measurement.bytes)
        } else {
            insertFinished(path, measurement)
        }
    }

    /// What the next sweep must read from disk: every running sandbox (for its size) and
    /// every ended one not measured yet.
    public var toMeasure: (running: [String], ended: [String]) { (Array(running.keys), Array(unmeasured)) }

    /// A running sandbox's current size; ignored if its task ended meanwhile.
    public mutating func measuredRunning(_ path: String, bytes: Int64) {
        guard let old = running[path] else { return }
        running[path] = bytes
        totalBytes += bytes - old
    }

    /// An ended sandbox as found on disk, or nil when it is gone.
    public mutating func measuredEnded(_ path: String, _ measurement: Measurement?) {
        guard unmeasured.contains(path) else { return }
        forget(path)
        if let measurement { insertFinished(path, measurement) }
    }

    /// Forgets a sandbox (removed, or found missing).
    public mutating func forget(_ path: String) {
        if let bytes = running.removeValue(forKey: path) { totalBytes -= bytes }
        unmeasured.remove(path)
        if let measurement = finished.removeValue(forKey: path) { totalBytes -= measurement.bytes }
        if let job = job(of: path) {
            pathsByJob[job]?.remove(path)
            if pathsByJob[job]?.isEmpty == true { pathsByJob[job] = nil }
        }
    }

    /// Forgets every sandbox of a job (deleted with it).
    public mutating func forgetJob(_ job: String) {
        for path in pathsByJob[job] ?? [] { forget(path) }
    }

    /// Chooses and forgets the sandboxes the policy removes now, oldest first: those that
    /// ended longer ago than the retention, then, while everything kept is larger than the
    /// size bound, the oldest finished ones. `isProtected` keeps a sandbox (its run is still
    /// active) without ending the search; its size still counts.
    public mutating func takeRemovable(
        _ policy: LogRetentionPolicy, now: Instant, isProtected: (String) -> Bool
    ) -> [String] {
        let cutoff = policy.cutoff(now: now)
        var removable: [String] = []
        var keptBack: [Queued] = []
        while let oldest = oldestFirst.min {
            guard let measurement = finished[oldest.path], measurement.finishedAt == oldest.finishedAt else {
                _ = oldestFirst.removeMin()
                continue
            }
            let expired = cutoff.map { measurement.finishedAt < $0 } ?? false
            let overBound = policy.maxTotalBytes.map { totalBytes > $0 } ?? false
            guard expired || overBound else { break }
            _ = oldestFirst.removeMin()
            if isProtected(oldest.path) {
                keptBack.append(oldest)
            } else {
                forget(oldest.path)
                removable.append(oldest.path)
            }
        }
        for queued in keptBack { oldestFirst.insert(queued) }
        return removable
    }

    private func job(of path: String) -> String? { layout.jobAndRun(of: path).map { String($0.job) } }

    private func isKnown(_ path: String) -> Bool {
        running[path] != nil || unmeasured.contains(path) || finished[path] != nil
    }

    private mutating func insert(_ path: String, _ body: (inout RetainedSandboxes) -> Void) {
        body(&self)
        if let job = job(of: path) { pathsByJob[job, default: []].insert(path) }
    }

    private mutating func insertRunning(_ path: String, bytes: Int64) {
        insert(path) {
            $0.running[path] = bytes
            $0.totalBytes += bytes
        }
    }

    private mutating func insertFinished(_ path: String, _ measurement: Measurement) {
        insert(path) {
            $0.finished[path] = measurement
            $0.totalBytes += measurement.bytes
            $0.oldestFirst.insert(Queued(finishedAt: measurement.finishedAt, path: path))
        }
    }
}
