import CSundialExecutor
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What the executor's messages, and the loss of the connection, do to waiting requests.
extension ExecutorConnection {
    /// After (re)connecting: the fate of launches whose reply never came, of questions not
    /// answered yet, and of watched tasks, comes from the executor. Queued after everything
    /// already waiting to be sent. A shutdown request in flight is answered "not leaving".
    func askAboutEverythingInFlight() {
        let exitReplies = state.withLock { s in
            for taskID in Set(s.launches.keys).union(s.queries.keys).union(s.watched.filter { s.exits[$0] == nil }) {
                ExecutorProtocol.append("Q", [taskID], to: &s.output)
            }
            if s.expectedLaunches > 0 { ExecutorProtocol.append("E", [String(s.expectedLaunches)], to: &s.output) }
            let replies = s.exitReplies
            s.exitReplies = []
            return replies
        }
        for reply in exitReplies { reply.resume(returning: false) }
    }

    func failEverything(_ error: ExecutorError) {
        let (launches, queries, waiters, exitReplies) = state.withLock { s in
            // Watched tasks are not marked: asked about later, they are unknown, hence lost.
            let taken = (s.launches, s.queries, s.waiters, s.exitReplies)
            s.launches = [:]
            s.queries = [:]
            s.waiters = [:]
            s.exitReplies = []
            s.watched = []
            s.output.removeAll()
            return taken
        }
        for (_, continuation) in launches { continuation.resume(returning: .failure(error)) }
        for continuation in queries.values.joined() { continuation.resume(returning: .unknown) }
        for continuation in waiters.values.joined() { continuation.resume(returning: .lost) }
        for continuation in exitReplies { continuation.resume(returning: false) }
    }

    func handle(_ message: ExecutorProtocol.Message) {
        switch message {
        case .launched(let taskID, let pid, let startedAt):
            let continuation = state.withLock { $0.launches.removeValue(forKey: taskID) }
            continuation?.resume(returning: .success(StartedProcess(pid: pid, startedAtMicroseconds: startedAt)))
        case .failed(let taskID, let text):
            let continuation = state.withLock { s in
                s.watched.remove(taskID)
                return s.launches.removeValue(forKey: taskID)
            }
            continuation?.resume(returning: .failure(ExecutorError(.spawnFailed, text)))
        case .exited(let taskID, let exit):
            let waiters = state.withLock { s -> [CheckedContinuation<TaskExit?, Never>] in
                guard s.watched.remove(taskID) != nil else { return [] }  // another server's task
                s.exits[taskID] = exit
                return s.waiters.removeValue(forKey: taskID) ?? []
            }
            for waiter in waiters { waiter.resume(returning: exit) }
        case .state(let taskID, let taskState):
            var launch: CheckedContinuation<Result<StartedProcess, ExecutorError>, Never>?
            var waiters: [CheckedContinuation<TaskExit?, Never>] = []
            var outcome: TaskExit?
            let queries = state.withLock { s -> [CheckedContinuation<ExecutorProtocol.TaskState, Never>] in
                launch = s.launches.removeValue(forKey: taskID)
                let queries = s.queries.removeValue(forKey: taskID) ?? []
                switch taskState {
                case .running:
                    if !queries.isEmpty { s.watched.insert(taskID) }
                case .exited(let exit):
                    outcome = exit
                case .unknown:
                    if s.watched.contains(taskID) && launch == nil { outcome = .lost }
                }
                if let exit = outcome, s.watched.remove(taskID) != nil || !queries.isEmpty {
                    // A lost task is not remembered: asking again gives the same answer anyway.
                    if exit != .lost { s.exits[taskID] = exit }
                    waiters = s.waiters.removeValue(forKey: taskID) ?? []
                }
                if launch != nil, case .unknown = taskState { s.watched.remove(taskID) }
                return queries
            }
            if let launch {
                switch taskState {
                case .running(let pid): launch.resume(returning: .success(StartedProcess(pid: pid, startedAtMicroseconds: nil)))
                case .exited: launch.resume(returning: .success(StartedProcess(pid: 0, startedAtMicroseconds: nil)))
                case .unknown:
                    launch.resume(returning: .failure(ExecutorError(.spawnFailed, "the executor was restarted before it started the task")))
                }
            }
            for waiter in waiters { waiter.resume(returning: outcome ?? .lost) }
            for query in queries { query.resume(returning: taskState) }
        case .exitReply(let leaving):
            let replies = state.withLock { s in
                let replies = s.exitReplies
                s.exitReplies = []
                return replies
            }
            for reply in replies { reply.resume(returning: leaving) }
        }
    }
}
