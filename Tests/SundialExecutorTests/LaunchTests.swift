import Foundation
import SundialExecutor
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("LocalExecutor: launching and exits", .timeLimit(.minutes(1)))
struct LaunchTests {
    @Test func successExitsZero() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let task = try await executor.launch(spec(scratch.sandbox(), .shell("true")))
        let exit = await executor.waitForExit(task)
        #expect(exit == .exited(0))
        #expect(exit.succeeded)
        #expect(task.pid > 0)
    }

    @Test func exitCodePropagates() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let task = try await executor.launch(spec(scratch.sandbox(), .shell("exit 3")))
        let exit = await executor.waitForExit(task)
        #expect(exit == .exited(3))
        #expect(!exit.succeeded)
    }

    @Test func stdoutAndStderrGoToFiles() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let task = try await executor.launch(spec(sandbox, .shell("echo to-out; echo to-err >&2; printf partial")))
        #expect(await executor.waitForExit(task) == .exited(0))
        #expect(contents(sandbox + "/stdout") == "to-out\npartial")
        #expect(contents(sandbox + "/stderr") == "to-err\n")
    }

    @Test func environmentIsExactlyTheGivenOne() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let environment = ["FOO": "bar baz", "EMPTY": "", "SUNDIAL_TASK": "x=y"]
        let task = try await executor.launch(spec(sandbox, .argv(["/usr/bin/env"]), environment: environment))
        #expect(await executor.waitForExit(task) == .exited(0))
        let lines = Set(contents(sandbox + "/stdout").split(separator: "\n").map(String.init))
        #expect(lines == ["FOO=bar baz", "EMPTY=", "SUNDIAL_TASK=x=y"])
    }

    @Test func shellSeesTheEnvironment() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let task = try await executor.launch(
            spec(sandbox, .shell("echo \"$GREETING\""), environment: ["GREETING": "hello there", "PATH": "/usr/bin:/bin"]))
        #expect(await executor.waitForExit(task) == .exited(0))
        #expect(contents(sandbox + "/stdout") == "hello there\n")
    }

    @Test func argvRunsWithoutAShellAndUsesTheTaskPath() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let task = try await executor.launch(
            spec(sandbox, .argv(["printf", "%s|", "a b", "$HOME", "*", "'q'"]), environment: ["PATH": "/usr/bin:/bin"]))
        #expect(await executor.waitForExit(task) == .exited(0))
        #expect(contents(sandbox + "/stdout") == "a b|$HOME|*|'q'|")
    }

    @Test func workingDirectoryIsTheSandbox() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox("work dir")
        let task = try await executor.launch(spec(sandbox, .argv(["/bin/pwd"])))
        #expect(await executor.waitForExit(task) == .exited(0))
        #expect(contents(sandbox + "/stdout") == sandbox + "\n")
    }

    @Test func onlyStandardFileDescriptorsAreInherited() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        // ls opens /proc/self/fd itself (fd 3); anything else is a leak.
        let task = try await executor.launch(spec(sandbox, .argv(["/bin/ls", "/proc/self/fd"])))
        #expect(await executor.waitForExit(task) == .exited(0))
        let fds = Set(contents(sandbox + "/stdout").split(separator: "\n").map(String.init))
        #expect(fds.isSubset(of: ["0", "1", "2", "3"]), "inherited fds: \(fds)")
        #expect(fds.isSuperset(of: ["0", "1", "2"]))
    }

    @Test func stdinIsDevNull() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let task = try await executor.launch(spec(sandbox, .shell("cat; readlink /proc/self/fd/0")))
        #expect(await executor.waitForExit(task) == .exited(0))
        #expect(contents(sandbox + "/stdout").hasSuffix("/dev/null\n"))
    }

    @Test func taskRunsInItsOwnProcessGroupAndSession() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        // /proc/self/stat fields: pid (comm) state ppid pgrp session
        let task = try await executor.launch(spec(sandbox, .argv(["/bin/cat", "/proc/self/stat"])))
        #expect(await executor.waitForExit(task) == .exited(0))
        let stat = contents(sandbox + "/stdout")
        let afterComm = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
        let pid = Int32(stat.split(separator: " ")[0])!
        let ppid = Int32(afterComm[1])!
        let pgrp = Int32(afterComm[2])!
        let session = Int32(afterComm[3])!
        #expect(pid == task.pid)
        #expect(pgrp == pid)  // its own group
        #expect(session == pid)  // and its own session
        #expect(session != getsid(0))
        #expect(ppid == (try scratch.executorPID()))  // no intermediate process
    }

    @Test func taskRunsAtTheServersPriorityNotTheExecutors() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        // Field 19 of /proc/<pid>/stat is the nice value.
        let task = try await executor.launch(spec(sandbox, .shell("cut -d' ' -f19 /proc/$$/stat")))
        #expect(await executor.waitForExit(task) == .exited(0))
        errno = 0
        let ours = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #expect(contents(sandbox + "/stdout") == "\(ours)\n")
    }

    @Test func unknownCommandExits127WithAMessage() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let task = try await executor.launch(spec(sandbox, .argv(["no-such-command-sundial"])))
        #expect(await executor.waitForExit(task) == .exited(127))
        #expect(contents(sandbox + "/stderr").contains("cannot execute 'no-such-command-sundial'"))
    }

    @Test func nonExecutableFileExits126() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let file = try scratch.write("not-executable", "echo hi\n")
        let task = try await executor.launch(spec(sandbox, .argv([file])))
        #expect(await executor.waitForExit(task) == .exited(126))
    }

    @Test func killedBySignalWithoutStopIsReported() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let task = try await executor.launch(spec(scratch.sandbox(), .shell("kill -USR1 $$")))
        #expect(await executor.waitForExit(task) == .signaled(SIGUSR1, stopRequested: false))
    }

    @Test func sandboxHoldsOnlyTheOutputFiles() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox("job/run/task")  // parents are created too
        let task = try await executor.launch(spec(sandbox, .shell("exit 4")))
        #expect(await executor.waitForExit(task) == .exited(4))
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox).sorted() == ["stderr", "stdout"])
    }

    @Test func relaunchInTheSameSandboxReportsTheNewExit() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let sandbox = scratch.sandbox()
        let first = try await executor.launch(spec(sandbox, .shell("exit 1")))
        #expect(await executor.waitForExit(first) == .exited(1))
        let second = try await executor.launch(spec(sandbox, .shell("echo again")))
        #expect(await executor.waitForExit(second) == .exited(0))
        #expect(contents(sandbox + "/stdout") == "again\n")
    }

    @Test func manyConcurrentTasksGetTheirOwnExits() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let results = try await withThrowingTaskGroup(of: (Int, TaskExit).self) { group in
            for index in 0..<100 {
                let task = try await executor.launch(spec(scratch.sandbox("t\(index)"), .shell("exit \(index)")))
                group.addTask { (index, await executor.waitForExit(task)) }
            }
            var results: [Int: TaskExit] = [:]
            for try await (index, exit) in group { results[index] = exit }
            return results
        }
        #expect(results.count == 100)
        for (index, exit) in results {
            #expect(exit == .exited(Int32(index)))
        }
    }

    /// Launches all in flight at once, each exiting at once: the executor's spawner threads
    /// start them side by side, and a task that exits before its spawner has handed it over
    /// must still get its own exit (not be reaped as a stranger and never end).
    @Test func launchesInFlightTogetherAllGetTheirOwnExits() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let results = try await withThrowingTaskGroup(of: (Int, TaskExit).self) { group in
            for index in 0..<300 {
                group.addTask {
                    let task = try await executor.launch(spec(scratch.sandbox("t\(index)"), .shell("exit \(index % 200)")))
                    return (index, await executor.waitForExit(task))
                }
            }
            var results: [Int: TaskExit] = [:]
            for try await (index, exit) in group { results[index] = exit }
            return results
        }
        #expect(results.count == 300)
        for (index, exit) in results {
            #expect(exit == .exited(Int32(index % 200)))
        }
    }

    /// The executor says when the process started, read as it had exec'd: the server's
    /// `startedAt` and process-start skew come from it, not from when the reply arrived.
    @Test func aLaunchSaysWhenItsProcessStarted() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let warmUp = try await executor.launch(spec(scratch.sandbox("warm-up"), .shell("true")))  // starts the executor
        _ = await executor.waitForExit(warmUp)
        func wallMicroseconds() -> Int64 {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
        }
        let before = wallMicroseconds()
        let task = try await executor.launch(spec(scratch.sandbox(), .shell("true")))
        let after = wallMicroseconds()
        let started = try #require(task.startedAtMicroseconds)
        #expect(started >= before && started <= after)
        #expect(await executor.waitForExit(task) == .exited(0))
    }

    @Test func waitingTwiceReportsTheSameExit() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let task = try await executor.launch(spec(scratch.sandbox(), .shell("exit 7")))
        #expect(await executor.waitForExit(task) == .exited(7))
        #expect(await executor.waitForExit(task) == .exited(7))  // kept until forgotten
    }

    @Test func invalidSpecsAreRejected() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        await #expect(throws: ExecutorError.self) { try await executor.launch(spec(scratch.sandbox(), .argv([]))) }
        await #expect(throws: ExecutorError.self) { try await executor.launch(spec("relative/dir", .shell("true"))) }
        await #expect(throws: ExecutorError.self) {
            try await executor.launch(spec(scratch.sandbox(), .shell("true"), environment: ["A=B": "c"]))
        }
        await #expect(throws: ExecutorError.self) {
            try await executor.launch(spec(scratch.sandbox(), .shell("true"), environment: ["A": "nul\u{0}byte"]))
        }
        do {
            _ = try await executor.launch(spec(scratch.sandbox(), .argv([])))
        } catch {
            #expect(error.code == .invalidSpec)
        }
    }

    @Test func aSecondLaunchOfTheSameTaskIDIsRefused() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let taskSpec = spec(scratch.sandbox(), .shell("exit 0"))
        let task = try await executor.launch(taskSpec)
        #expect(await executor.waitForExit(task) == .exited(0))
        await #expect(throws: ExecutorError.self) { try await scratch.executor().launch(taskSpec) }
    }

    @Test func missingExecutorIsAnError() throws {
        let scratch = try Scratch()
        #expect(throws: (any Error).self) {
            try LocalExecutor(executorPath: scratch.path + "/nope", stateDirectory: scratch.path, artifactCacheDirectory: scratch.path + "/cache")
        }
    }
}

@Test func bundledExecutorPathHonoursTheEnvironmentOrTheExecutableDirectory() {
    let path = LocalExecutor.bundledExecutorPath()
    #expect(path.hasSuffix("sundial-executor") || ProcessInfo.processInfo.environment["SUNDIAL_EXECUTOR"] != nil)
}
