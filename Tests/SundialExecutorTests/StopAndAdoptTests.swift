import Foundation
import SundialExecutor
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("LocalExecutor: stop", .timeLimit(.minutes(1)))
struct StopTests {
    @Test func taskThatTrapsTermExitsAsItChooses() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let script = "trap 'echo cleaning up; exit 0' TERM; echo ready; while true; do sleep 0.05; done"
        let task = try await executor.launch(spec(sandbox, .shell(script), grace: 10))
        try await waitForFile(sandbox + "/stdout", toContain: "ready")
        let clock = ContinuousClock()
        let started = clock.now
        executor.stop(task)
        let exit = await executor.waitForExit(task)
        #expect(exit == .exited(0))
        #expect(clock.now - started < .seconds(5))  // well before the 10 s grace period
        #expect(contents(sandbox + "/stdout").contains("cleaning up"))
    }

    @Test func taskThatDoesNotTrapTermIsSignaled() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let task = try await executor.launch(spec(sandbox, .argv(["sleep", "30"]), grace: 10))
        try await Task.sleep(for: .milliseconds(50))
        executor.stop(task)
        #expect(await executor.waitForExit(task) == .signaled(SIGTERM, stopRequested: true))
    }

    @Test func taskThatIgnoresTermIsKilledAfterTheGracePeriodWithItsGroup() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        // The background sleep inherits the ignored TERM and stays in the task's process group.
        let script = "trap '' TERM; sleep 30 & echo $! > grandchild.pid; echo ready; wait; wait; wait"
        let grace = 0.5
        let task = try await executor.launch(spec(sandbox, .shell(script), grace: grace))
        try await waitForFile(sandbox + "/stdout", toContain: "ready")
        let grandchild = try #require(Int32(contents(sandbox + "/grandchild.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(processExists(grandchild))
        let clock = ContinuousClock()
        let started = clock.now
        executor.stop(task)
        let exit = await executor.waitForExit(task)
        let elapsed = clock.now - started
        #expect(exit == .signaled(SIGKILL, stopRequested: true))
        #expect(elapsed.seconds >= grace)
        #expect(elapsed < .seconds(10))
        #expect(try await waitUntilGone(grandchild))  // killed with its group, and reaped
    }

    @Test func zeroGracePeriodKillsAtOnce() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let task = try await executor.launch(spec(sandbox, .shell("trap '' TERM; echo ready; while true; do sleep 1; done"), grace: 0))
        try await waitForFile(sandbox + "/stdout", toContain: "ready")
        executor.stop(task)
        #expect(await executor.waitForExit(task) == .signaled(SIGKILL, stopRequested: true))
    }

    @Test func leftoversInTheGroupAreKilledWhenTheMainProcessExits() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        // One leftover in the task's group, one that escaped into a session of its own.
        // The task ends only once the escapee is in its own session (field 6 of its stat).
        let script = "sleep 30 & echo $! > in-group.pid; setsid sleep 30 & echo $! > escaped.pid; "
            + "while [ \"$(cut -d' ' -f6 /proc/$!/stat)\" = \"$$\" ]; do sleep 0.01; done; exit 0"
        let task = try await executor.launch(spec(sandbox, .shell(script)))
        #expect(await executor.waitForExit(task) == .exited(0))
        let inGroup = try #require(Int32(contents(sandbox + "/in-group.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        let escaped = try #require(Int32(contents(sandbox + "/escaped.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        // Killed, and reaped by the executor (a zombie would still exist).
        #expect(try await waitUntilGone(inGroup), "the leftover in the task's group survived")
        // What left the group is not the task's any more; it is still reaped when it ends.
        #expect(processExists(escaped))
        kill(escaped, SIGKILL)
        #expect(try await waitUntilGone(escaped), "the escaped process was not reaped")
    }

    @Test func stopBeforeTheTaskGetsGoingStillStopsIt() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let task = try await executor.launch(spec(scratch.sandbox(), .argv(["sleep", "30"])))
        executor.stop(task)  // may arrive right after the exec
        let exit = await executor.waitForExit(task)
        #expect(exit == .signaled(SIGTERM, stopRequested: true))
    }

    @Test func executorIgnoresSigintSighupAndSigterm() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let task = try await executor.launch(spec(sandbox, .shell("echo ready; sleep 0.5; exit 6")))
        try await waitForFile(sandbox + "/stdout", toContain: "ready")
        let executorPID = try scratch.executorPID()
        for signal in [SIGINT, SIGHUP, SIGTERM] { kill(executorPID, signal) }
        #expect(await executor.waitForExit(task) == .exited(6))
        #expect(processExists(executorPID))
    }

    @Test func stoppingAFinishedTaskIsHarmless() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let task = try await executor.launch(spec(scratch.sandbox(), .shell("true")))
        #expect(await executor.waitForExit(task) == .exited(0))
        executor.stop(task)
        executor.stop(task)
    }
}

@Suite("LocalExecutor: adoption", .timeLimit(.minutes(1)))
struct AdoptionTests {
    @Test func runningTaskIsAdoptedByANewExecutorAndItsExitLands() async throws {
        let scratch = try Scratch()
        let sandbox = scratch.sandbox()
        let first = try scratch.executor()
        // It runs until the test lets it go: a loaded machine cannot make it end before the
        // adoption.
        let gate = scratch.path + "/gate"
        let launched = try await first.launch(spec(sandbox, .shell("while [ ! -e \(gate) ]; do sleep 0.05; done; echo done; exit 9")))
        try await Task.sleep(for: .milliseconds(100))

        // A new server process: a second client that knows only the task id and sandbox.
        let second = try scratch.executor()
        let adopted = await second.adopt(taskID: launched.taskID, sandbox: sandbox)
        guard case .running(let task) = adopted else {
            Issue.record("expected running, got \(adopted)")
            return
        }
        #expect(task.taskID == launched.taskID && task.sandbox == launched.sandbox && task.pid == launched.pid)
        try scratch.write("gate", "")
        #expect(await second.waitForExit(task) == .exited(9))

        #expect(contents(sandbox + "/stdout") == "done\n")
        #expect(await first.waitForExit(launched) == .exited(9))
    }

    @Test func adoptedTaskCanBeStopped() async throws {
        let scratch = try Scratch()
        let sandbox = scratch.sandbox()
        let first = try scratch.executor()
        let launched = try await first.launch(spec(sandbox, .argv(["sleep", "30"])))
        try await Task.sleep(for: .milliseconds(50))
        let second = try scratch.executor()
        guard case .running(let task) = await second.adopt(taskID: launched.taskID, sandbox: sandbox) else {
            Issue.record("expected running")
            return
        }
        second.stop(task)
        #expect(await second.waitForExit(task) == .signaled(SIGTERM, stopRequested: true))
    }

    @Test func finishedSandboxIsReportedFinished() async throws {
        let scratch = try Scratch()
        let sandbox = scratch.sandbox()
        let first = try scratch.executor()
        let task = try await first.launch(spec(sandbox, .shell("exit 5")))
        #expect(await first.waitForExit(task) == .exited(5))
        let second = try scratch.executor()
        #expect(await second.adopt(taskID: task.taskID, sandbox: sandbox) == .finished(.exited(5)))
    }

    @Test func unknownTasksAreNotStartedOrLostByTheirSandbox() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        #expect(await executor.adopt(taskID: "t", sandbox: scratch.sandbox("does-not-exist")) == .notStarted)
        #expect(await executor.adopt(taskID: "t", sandbox: "not/absolute") == .lost)
        // A sandbox prepared (artifacts fetched) but no process started: safe to launch.
        let prepared = scratch.sandbox("prepared")
        try FileManager.default.createDirectory(atPath: prepared, withIntermediateDirectories: true)
        #expect(await executor.adopt(taskID: "t", sandbox: prepared) == .notStarted)
        // Output files mean a process was started; no executor knowing it means it is lost.
        let started = scratch.sandbox("started")
        try FileManager.default.createDirectory(atPath: started, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: started + "/stdout", contents: Data()))
        #expect(await executor.adopt(taskID: "t", sandbox: started) == .lost)
    }

    @Test func aForgottenExitIsNoLongerReported() async throws {
        let scratch = try Scratch()
        let sandbox = scratch.sandbox()
        let first = try scratch.executor()
        let task = try await first.launch(spec(sandbox, .shell("exit 5")))
        #expect(await first.waitForExit(task) == .exited(5))
        first.forget(taskID: task.taskID)
        // The acknowledgement travels on first's connection; ask through it, too, so it is behind.
        #expect(await first.adopt(taskID: task.taskID, sandbox: sandbox) == .lost)
        let second = try scratch.executor()
        #expect(await second.adopt(taskID: task.taskID, sandbox: sandbox) == .lost)
    }

    @Test func killedExecutorTakesItsTasksAlongAndTheyAreLost() async throws {
        let scratch = try Scratch()
        let sandbox = scratch.sandbox()
        let executor = try scratch.executor()
        let task = try await executor.launch(spec(sandbox, .shell("echo $$ > task.pid; exec sleep 30")))
        try await waitForFile(sandbox + "/task.pid", toContain: "\n")
        let taskPID = try #require(Int32(contents(sandbox + "/task.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        let executorPID = try scratch.executorPID()
        kill(executorPID, SIGKILL)
        #expect(await executor.waitForExit(task) == .lost)
        #expect(await executor.adopt(taskID: task.taskID, sandbox: sandbox) == .lost)
        // The task died with its executor (parent-death signal) rather than run on unwatched.
        #expect(try await waitUntilGone(taskPID) || !contents("/proc/\(taskPID)/stat").contains(" Z "))
        // A new executor took over: launching works again.
        let next = try await executor.launch(spec(scratch.sandbox("next"), .shell("exit 2")))
        #expect(await executor.waitForExit(next) == .exited(2))
        #expect(try scratch.executorPID() != executorPID)
    }

    /// The parent-death signal reaches only the task's main process; whatever else is still in
    /// its process group must not run on unwatched (a restart policy would run the work twice).
    @Test func killedExecutorTakesTheTasksWholeProcessGroupsAlong() async throws {
        let scratch = try Scratch()
        let sandbox = scratch.sandbox()
        let executor = try scratch.executor()
        // A child in the task's group (the shell forks `sleep`), and one that left it.
        let script = "sleep 30 & echo $! > in-group.pid; setsid sleep 30 & echo $! > escaped.pid; "
            + "while [ \"$(cut -d' ' -f6 /proc/$!/stat)\" = \"$$\" ]; do sleep 0.01; done; echo ready; wait"
        let task = try await executor.launch(spec(sandbox, .shell(script)))
        try await waitForFile(sandbox + "/stdout", toContain: "ready")
        let inGroup = try #require(Int32(contents(sandbox + "/in-group.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        let escaped = try #require(Int32(contents(sandbox + "/escaped.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { kill(escaped, SIGKILL) }
        let executorPID = try scratch.executorPID()
        kill(executorPID, SIGKILL)
        #expect(await executor.waitForExit(task) == .lost)
        // Killed, and reaped (a zombie would still exist).
        #expect(try await waitUntilGone(inGroup), "a process of the lost task's group survived its executor")
        // What had left the task's group is not the task's: it survives, as documented.
        #expect(processExists(escaped) && !contents("/proc/\(escaped)/stat").contains(") Z "))
    }

    /// A killed executor's lock is released by the kernel only after its sockets are closed, so
    /// a server that saw the connection end may start the next executor while the lock is
    /// still held for a moment: the new one waits for it instead of leaving the server without
    /// an executor (and every launch waiting for one) for its whole connect timeout.
    @Test func executorStartedWhileTheLockIsStillHeldWaitsForIt() async throws {
        let scratch = try Scratch()
        // Stands in for the executor that is still exiting.
        let lock = open(scratch.path + "/executor.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        #expect(flock(lock, LOCK_EX) == 0)
        // From a thread of its own: the test suite keeps the two cooperative threads of this
        // machine busy, and a Task could be scheduled after the executor's 2 s had passed.
        let released = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            usleep(300_000)
            close(lock)
            released.signal()
        }
        let executor = try scratch.executor()
        let clock = ContinuousClock()
        let started = clock.now
        let task = try await executor.launch(spec(scratch.sandbox(), .shell("exit 4")))
        #expect(await executor.waitForExit(task) == .exited(4))
        #expect(clock.now - started < .seconds(5))
        released.wait()
    }

    @Test func shutdownEndsAnIdleExecutorAndReapsIt() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let task = try await executor.launch(spec(scratch.sandbox(), .shell("exit 0")))
        #expect(await executor.waitForExit(task) == .exited(0))
        let executorPID = try scratch.executorPID()
        // An exit nobody acknowledged keeps it alive; forgetting it lets it go.
        executor.forget(taskID: task.taskID)
        await executor.shutdown()
        #expect(try await waitUntilGone(executorPID))
    }

    @Test func shutdownLeavesAnExecutorWithRunningTasks() async throws {
        let scratch = try Scratch()
        let sandbox = scratch.sandbox()
        let first = try scratch.executor()
        let task = try await first.launch(spec(sandbox, .argv(["sleep", "30"])))
        await first.shutdown()
        #expect(processExists(try scratch.executorPID()))
        let second = try scratch.executor()
        guard case .running(let adopted) = await second.adopt(taskID: task.taskID, sandbox: sandbox) else {
            Issue.record("expected the task to run on")
            return
        }
        second.stop(adopted)
        #expect(await second.waitForExit(adopted) == .signaled(SIGTERM, stopRequested: true))
    }
}
