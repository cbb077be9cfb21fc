import SundialCore

/// Why the engine refused a request. The HTTP dialects map each case to their own envelope.
public enum EngineError: Error, Sendable, Equatable {
    case jobNotFound(JobID)
    case jobExists(JobID)
    case scheduleNotFound(JobID, String)
    case scheduleExists(String)
    case tooManySchedules
    case runNotFound(JobID, String)
    case activeRuns(JobID)
    case hasDependents(JobID, children: [JobID])
    case unknownDependencies([JobID])
    case dependencyCycle
    case invalid(ValidationErrors)
    case store(String)
}
