import Foundation
import SundialExecutor
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("LocalExecutor: users", .timeLimit(.minutes(1)))
struct UserTests {
    @Test func unknownUserIsAnError() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        do {
            _ = try await executor.launch(spec(scratch.sandbox(), .shell("true"), user: "no-such-user-sundial"))
            Issue.record("expected unknownUser")
        } catch {
            #expect(error.code == .unknownUser)
        }
    }

    @Test(.enabled(if: geteuid() == 0, "switching users needs root"))
    func taskRunsAsTheGivenUser() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let nobody = try #require(getpwnam("nobody"))
        let uid = nobody.pointee.pw_uid
        let gid = nobody.pointee.pw_gid
        let sandbox = scratch.sandbox()
        let source = try scratch.write("input.txt", "artifact\n")
        let taskSpec = spec(
            sandbox, .shell("id -u; id -g; id -G; cat input.txt; echo written > own-file && echo can-write"),
            user: "nobody", artifacts: [ArtifactSpec(uri: source)])
        try await executor.prepare(taskSpec)
        let task = try await executor.launch(taskSpec)
        #expect(await executor.waitForExit(task) == .exited(0))
        let lines = contents(sandbox + "/stdout").split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(lines) / stderr: \(contents(sandbox + "/stderr"))")
        guard lines.count == 5 else { return }
        #expect(lines[0] == String(uid))
        #expect(lines[1] == String(gid))
        #expect(!lines[2].split(separator: " ").contains("0"))  // root's groups are dropped
        #expect(lines[3] == "artifact")
        #expect(lines[4] == "can-write")
        // Its log files are its own, so it can reopen them.
        var info = stat()
        #expect(stat(sandbox + "/stdout", &info) == 0 && info.st_uid == uid)
    }
}
