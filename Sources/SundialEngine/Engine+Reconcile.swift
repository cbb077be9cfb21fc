import SundialCore

extension Engine {
    /// A run that was active when the previous server process stopped: find its task and
    /// carry on. A live task is adopted and watched; one that finished meanwhile reports its
    /// exit; one with no trace of ever starting is launched now; one that vanished counts
    /// as failed and its restart policy applies.
    func reconcile(_ run: JobRun) {
        guard let state = runs[run.jobID]?[run.id] else { return }
        guard let task = run.tasks.last, !task.status.isTerminal else {
            launch(run.jobID, run.id)
            return
        }
        let request = launchRequest(for: state)
        let launcher = self.launcher
        Task {
            let outcome = await launcher.adopt(request)
            self.adopted(run.jobID, run.id, taskID: task.id, outcome: outcome)
        }
    }

    func adopted(_ jobID: JobID, _ runID: RunID, taskID: String, outcome: AdoptOutcome) {
        switch outcome {
        case .running(let task):
            logger.info("adopted running task \(taskID)")
            launched(jobID, runID, taskID: taskID, task: task)
        case .finished(let exit):
            taskEnded(jobID, runID, taskID: taskID, outcome: exit, message: nil)
        case .notStarted:
            launch(jobID, runID)
        case .lost:
            taskEnded(jobID, runID, taskID: taskID, outcome: .lost, message: "task lost while the server was down")
        }
    }
}
