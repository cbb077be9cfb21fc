import SundialCore

extension Engine {
    /// A task turning RUNNING is written to the store a moment later, in one write with
    /// every other start of that moment, and not at all when the run has ended by then (its
    /// final write carries the same fields). Most tasks of a burst are that short: this
    /// spares one of the three writes per run. Nothing is lost by the wait: after a crash a
    /// run still recorded as STARTING is reconciled with the executor like any active run
    /// (adopted if its process lives), and no client change waits on this write.
    func recordStart(_ jobID: JobID, _ runID: RunID) {
        unrecordedStarts.insert(RunKey(jobID: jobID, runID: runID))
        guard !startRecordScheduled else { return }
        startRecordScheduled = true
        Task {
            try? await Task.sleep(for: Self.startRecordDelay)
            self.writeUnrecordedStarts()
        }
    }

    func writeUnrecordedStarts() {
        startRecordScheduled = false
        let changes = unrecordedStarts.compactMap { key in runs[key.jobID]?[key.runID].map { StoreChange.updateRun($0.run) } }
        unrecordedStarts.removeAll(keepingCapacity: true)
        if !changes.isEmpty { persistInBackground(changes) }
    }

    /// Long enough for a short task's exit to overtake its start; short enough that a
    /// crash rarely loses a start time (adoption then reports the restart's).
    static let startRecordDelay: Duration = .milliseconds(500)
}

/// One run of one job.
struct RunKey: Hashable {
    var jobID: JobID
    var runID: RunID
}
