import Foundation
import SundialExecutor
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Sandboxes under `<data>/sandboxes` come from the executor's pool of ready-made ones
/// (renamed into place) instead of being created at launch.
@Suite("sundial-executor: the pool of ready-made sandboxes", .timeLimit(.minutes(1)))
struct SandboxPoolTests {
    static func poolEntries(_ scratch: Scratch, kind: Character) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path + "/sandboxes/.pool")) ?? []
        return names.filter { $0.first == kind && Int($0.dropFirst()) != nil }
    }

    static func inode(_ path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    /// Polls (test-only) until the pool holds `count` ready task directories and twice as
    /// many plain ones (its full size for that many launches).
    static func waitForPool(_ scratch: Scratch, tasks count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while poolEntries(scratch, kind: "t").count < count || poolEntries(scratch, kind: "d").count < 2 * count {
            guard ContinuousClock.now < deadline else {
                Issue.record("the pool never reached \(count) task directories: \(poolEntries(scratch, kind: "t").count)")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func aLaunchTakesTheNewestReadyTaskDirectoryAndItsParentsFromThePool() async throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path + "/sandboxes", withIntermediateDirectories: true)
        let executor = try scratch.executor()
        // The first launch starts the executor, which then fills its pool.
        let first = try await executor.launch(spec(scratch.path + "/sandboxes/warm/run-0/task-0", .shell("true")))
        #expect(await executor.waitForExit(first) == .exited(0))
        try await Self.waitForPool(scratch, tasks: 32)
        // Last made, first out.
        func newestFirst(_ kind: Character) -> [String] {
            Self.poolEntries(scratch, kind: kind).sorted { Int($0.dropFirst())! > Int($1.dropFirst())! }
        }
        let newest = try #require(newestFirst("t").first)
        let pooledInode = try #require(Self.inode(scratch.path + "/sandboxes/.pool/" + newest))
        let directories = newestFirst("d").prefix(2).map { Self.inode(scratch.path + "/sandboxes/.pool/" + $0) }

        // A job and a run directory that do not exist yet: both come from the pool too.
        let sandbox = scratch.path + "/sandboxes/new-job/run-1/task-1"
        let task = try await executor.launch(spec(sandbox, .argv(["/bin/ls"])))
        #expect(await executor.waitForExit(task) == .exited(0))
        #expect(Self.inode(sandbox) == pooledInode)
        #expect(contents(sandbox + "/stdout") == "stderr\nstdout\n")
        #expect(!Self.poolEntries(scratch, kind: "t").contains(newest))
        // The missing run directory is tried first, fails for want of the job directory, and
        // that one is made first, from the newest entry.
        #expect(Self.inode(scratch.path + "/sandboxes/new-job") == directories[0])
        #expect(Self.inode(scratch.path + "/sandboxes/new-job/run-1") == directories[1])

        // A second task of the same run: its run directory stays, and no plain entry is used
        // (with the pool full again, a refill adds none either).
        try await Self.waitForPool(scratch, tasks: 32)
        let plainEntries = Self.poolEntries(scratch, kind: "d").count
        let nextNewest = try #require(newestFirst("t").first)
        let nextInode = try #require(Self.inode(scratch.path + "/sandboxes/.pool/" + nextNewest))
        let relaunch = try await executor.launch(spec(scratch.path + "/sandboxes/new-job/run-1/task-2", .shell("true")))
        #expect(await executor.waitForExit(relaunch) == .exited(0))
        #expect(Self.inode(scratch.path + "/sandboxes/new-job/run-1/task-2") == nextInode)
        #expect(Self.inode(scratch.path + "/sandboxes/new-job/run-1") == directories[1])
        #expect(Self.poolEntries(scratch, kind: "d").count == plainEntries)
    }

    @Test func anExistingSandboxIsCompletedInPlaceAndKeepsItsFiles() async throws {
        let scratch = try Scratch()
        let sandbox = scratch.path + "/sandboxes/job/run/task"
        try FileManager.default.createDirectory(atPath: sandbox, withIntermediateDirectories: true)
        try "fetched".write(toFile: sandbox + "/artifact.txt", atomically: false, encoding: .utf8)
        let before = Self.inode(sandbox)
        let executor = try scratch.executor()
        let task = try await executor.launch(spec(sandbox, .shell("cat artifact.txt; ls")))
        #expect(await executor.waitForExit(task) == .exited(0))
        #expect(Self.inode(sandbox) == before)
        #expect(contents(sandbox + "/stdout") == "fetchedartifact.txt\nstderr\nstdout\n")
    }

    @Test func sandboxesOutsideTheDataDirectoryAreMadeAtLaunch() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let outside = try Scratch()
        let sandbox = outside.path + "/a/b/c"
        let task = try await executor.launch(spec(sandbox, .shell("echo here")))
        #expect(await executor.waitForExit(task) == .exited(0))
        #expect(contents(sandbox + "/stdout") == "here\n")
    }

    @Test func anAnnouncedBurstGrowsThePoolAndTheUsualSizeReturnsAfterwards() async throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path + "/sandboxes", withIntermediateDirectories: true)
        let executor = try scratch.executor()
        executor.expectLaunches(300)
        try await Self.waitForPool(scratch, tasks: 300)
        // Back to the usual size: the pool stops growing but keeps what it has for the burst.
        executor.expectLaunches(0)
        let count = Self.poolEntries(scratch, kind: "t").count
        try await Task.sleep(for: .milliseconds(300))
        #expect(Self.poolEntries(scratch, kind: "t").count == count)
    }
}
