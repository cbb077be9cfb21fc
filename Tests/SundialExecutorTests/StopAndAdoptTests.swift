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
        let task = try executor.launch(spec(sandbox, .shell(script), grace: 10))
        try await waitForFile(sandbox + "/stdout", toContain: "ready")
        let clock = ContinuousClock()
        let started = clock.now
        executor.stop(task)
        let exit = await executor.waitForExit(task)
        #expect(exit == .exited(0))
        #expect(clock.now - started < .seconds(5))  // well before the 10 s grace period
        #expect(contents(sandbox + "/stdout").contains("cleaning up"))
        #expect(contents(sandbox + "/.sundial/status") == "exited 0 stop=1\n")
    }

    @Test func taskThatDoesNotTrapTermIsSignaled() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let task = try executor.launch(spec(sandbox, .argv(["sleep", "30"]), grace: 10))
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
        let task = try executor.launch(spec(sandbox, .shell(script), grace: grace))
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
        #expect(!processExists(grandchild))
    }

    @Test func zeroGracePeriodKillsAtOnce() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let task = try executor.launch(spec(sandbox, .shell("trap '' TERM; echo ready; while true; do sleep 1; done"), grace: 0))
        try await waitForFile(sandbox + "/stdout", toContain: "ready")
        executor.stop(task)
        #expect(await executor.waitForExit(task) == .signaled(SIGKILL, stopRequested: true))
    }

    @Test func leftoversAreKilledWhenTheMainProcessExits() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        // One leftover in the task's group, one that escaped into its own session.
        let script = "sleep 30 & echo $! > in-group.pid; setsid sleep 30 & echo $! > escaped.pid; exit 0"
        let task = try executor.launch(spec(sandbox, .shell(script)))
        #expect(await executor.waitForExit(task) == .exited(0))
        for name in ["in-group.pid", "escaped.pid"] {
            let pid = try #require(Int32(contents(sandbox + "/" + name).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(!processExists(pid), "\(name) survived")
        }
    }

    @Test func stopBeforeTheTaskGetsGoingStillStopsIt() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let task = try executor.launch(spec(scratch.sandbox(), .argv(["sleep", "30"])))
        executor.stop(task)  // may arrive before the supervisor has even forked
        let exit = await executor.waitForExit(task)
        #expect(exit == .signaled(SIGTERM, stopRequested: true))
    }

    @Test func supervisorIgnoresSigintAndSighup() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let task = try executor.launch(spec(sandbox, .shell("echo ready; sleep 0.5; exit 6")))
        try await waitForFile(sandbox + "/stdout", toContain: "ready")
        kill(task.supervisorPID, SIGINT)
        kill(task.supervisorPID, SIGHUP)
        #expect(await executor.waitForExit(task) == .exited(6))
    }

    @Test func stoppingAFinishedTaskIsHarmless() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let task = try executor.launch(spec(scratch.sandbox(), .shell("true")))
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
        let launched = try first.launch(spec(sandbox, .shell("sleep 2; echo done; exit 9")))
        try await Task.sleep(for: .milliseconds(100))

        // A new server process: a fresh executor that knows only the sandbox.
        let second = try scratch.executor()
        let adopted = second.adopt(taskID: launched.taskID, sandbox: sandbox)
        guard case .running(let task) = adopted else {
            Issue.record("expected running, got \(adopted)")
            return
        }
        #expect(task == launched)
        #expect(await second.waitForExit(task) == .exited(9))
        #expect(contents(sandbox + "/stdout") == "done\n")
        #expect(await first.waitForExit(launched) == .exited(9))
    }

    @Test func adoptedTaskCanBeStopped() async throws {
        let scratch = try Scratch()
        let sandbox = scratch.sandbox()
        let first = try scratch.executor()
        let launched = try first.launch(spec(sandbox, .argv(["sleep", "30"])))
        try await Task.sleep(for: .milliseconds(50))
        let second = try scratch.executor()
        guard case .running(let task) = second.adopt(taskID: launched.taskID, sandbox: sandbox) else {
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
        let task = try first.launch(spec(sandbox, .shell("exit 5")))
        #expect(await first.waitForExit(task) == .exited(5))
        let second = try scratch.executor()
        #expect(second.adopt(taskID: task.taskID, sandbox: sandbox) == .finished(.exited(5)))
    }

    @Test func garbageSandboxesAreLost() throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        #expect(executor.adopt(taskID: "t", sandbox: scratch.sandbox("does-not-exist")) == .lost)
        #expect(executor.adopt(taskID: "t", sandbox: "not/absolute") == .lost)

        let empty = scratch.sandbox("empty")
        try FileManager.default.createDirectory(atPath: empty + "/.sundial", withIntermediateDirectories: true)
        #expect(executor.adopt(taskID: "t", sandbox: empty) == .lost)

        // A supervisor file naming a process that is not (or no longer) that supervisor.
        let stale = scratch.sandbox("stale")
        try FileManager.default.createDirectory(atPath: stale + "/.sundial", withIntermediateDirectories: true)
        try "\(getpid()) 1\n".write(toFile: stale + "/.sundial/supervisor", atomically: true, encoding: .utf8)
        #expect(executor.adopt(taskID: "t", sandbox: stale) == .lost)
        try "not a pid\n".write(toFile: stale + "/.sundial/supervisor", atomically: true, encoding: .utf8)
        #expect(executor.adopt(taskID: "t", sandbox: stale) == .lost)

        let garbled = scratch.sandbox("garbled")
        try FileManager.default.createDirectory(atPath: garbled + "/.sundial", withIntermediateDirectories: true)
        try "what\n".write(toFile: garbled + "/.sundial/status", atomically: true, encoding: .utf8)
        #expect(executor.adopt(taskID: "t", sandbox: garbled) == .lost)
    }

    @Test func killedSupervisorIsLost() async throws {
        let scratch = try Scratch()
        let sandbox = scratch.sandbox()
        let executor = try scratch.executor()
        let task = try executor.launch(spec(sandbox, .shell("echo $$ > task.pid; exec sleep 30")))
        try await waitForFile(sandbox + "/task.pid", toContain: "\n")
        let taskPID = try #require(Int32(contents(sandbox + "/task.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(task.supervisorPID, SIGKILL)
        #expect(await executor.waitForExit(task) == .lost)
        #expect(executor.adopt(taskID: task.taskID, sandbox: sandbox) == .lost)
        // The orphaned task itself is nobody's now; end it for the test's sake.
        kill(taskPID, SIGKILL)
    }
}
