import SundialCore

extension Engine {
    /// Runs held back because their placement constraints do not hold here take the job's
    /// constraints as just updated, and start if those hold. Without this, a run queued by
    /// a mistaken constraint waited until stopped or until a restart, even after the job
    /// was fixed, and (for a FORBID or non-concurrent job) held back every later run too.
    func reconsiderQueuedRuns(of job: JobSpec) {
        for (runID, state) in runs[job.id] ?? [:] where state.task == nil && !state.stopRequested {
            guard !placement.matches(state.run.spec.placement.constraints) else { continue }  // a launch in flight
            guard state.run.spec.placement != job.run.placement else { continue }
            runs[job.id]?[runID]?.run.spec.placement = job.run.placement
            if let run = runs[job.id]?[runID]?.run { persistInBackground([.updateRun(run)]) }
            if placement.matches(job.run.placement.constraints) {
                logger.info("run \(job.id)/\(runID) leaves the queue: the job's constraints now match")
                launch(job.id, runID)
            }
        }
    }
}
