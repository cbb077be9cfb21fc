import Testing
@testable import SundialCore

@Suite struct LogRetentionPolicyTests {
    let now = Instant(millisecondsSinceEpoch: 1_000_000_000)

    let layout = SandboxLayout(root: "/data/sandboxes")

    func path(_ name: String) -> String { layout.taskDirectory(JobID(trusted: name), RunID(trusted: "run"), task: "task") }

    /// Finished sandboxes as a sweep measured them, plus running ones.
    func sandboxes(finished: [(String, endedSecondsAgo: Int64, bytes: Int64)], running: [(String, bytes: Int64)] = []) -> RetainedSandboxes {
        var sandboxes = RetainedSandboxes(layout: layout)
        for (name, ago, bytes) in finished {
            sandboxes.ended(path(name))
            sandboxes.measuredEnded(path(name), .init(finishedAt: now.adding(milliseconds: -ago * 1000), bytes: bytes))
        }
        for (name, bytes) in running {
            sandboxes.started(path(name))
            sandboxes.measuredRunning(path(name), bytes: bytes)
        }
        return sandboxes
    }

    func names(_ paths: [String]) -> [String] { paths.map { String(layout.jobAndRun(of: $0)!.job) } }

    @Test func removesWhatIsOlderThanTheRetention() {
        var retained = sandboxes(finished: [("fresh", 60, 100), ("old", 7200, 100), ("older", 9000, 100)])
        let chosen = retained.takeRemovable(LogRetentionPolicy(maxAgeSeconds: 3600, maxTotalBytes: nil), now: now) { _ in false }
        #expect(names(chosen) == ["older", "old"])
        #expect(retained.count == 1)
        #expect(retained.totalBytes == 100)
    }

    @Test func neverRemovesARunningTask() {
        var retained = sandboxes(finished: [], running: [("running", 1_000_000)])
        #expect(retained.takeRemovable(LogRetentionPolicy(maxAgeSeconds: 1, maxTotalBytes: 1), now: now) { _ in false }.isEmpty)
        #expect(retained.totalBytes == 1_000_000)
    }

    @Test func keepsAProtectedSandboxAndGoesOnToTheNextOldest() {
        var retained = sandboxes(finished: [("of-an-active-run", 500, 100), ("expired", 400, 100), ("fresh", 10, 100)])
        let policy = LogRetentionPolicy(maxAgeSeconds: 100, maxTotalBytes: nil)
        let chosen = retained.takeRemovable(policy, now: now) { $0 == path("of-an-active-run") }
        #expect(names(chosen) == ["expired"])
        // Still there for the next sweep, once its run has ended.
        #expect(names(retained.takeRemovable(policy, now: now) { _ in false }) == ["of-an-active-run"])
    }

    @Test func removesTheOldestFinishedFirstUntilUnderTheSizeBound() {
        var retained = sandboxes(
            finished: [("newest", 10, 100), ("oldest", 30, 100), ("middle", 20, 100)], running: [("active", 100)])
        // 400 bytes in all, 100 of them running: the two oldest finished must go.
        let chosen = retained.takeRemovable(LogRetentionPolicy(maxAgeSeconds: nil, maxTotalBytes: 250), now: now) { _ in false }
        #expect(names(chosen) == ["oldest", "middle"])
        #expect(retained.totalBytes == 200)
    }

    @Test func ageAndSizeTogether() {
        var retained = sandboxes(finished: [("expired", 500, 10), ("a", 50, 100), ("b", 40, 100)])
        let chosen = retained.takeRemovable(LogRetentionPolicy(maxAgeSeconds: 100, maxTotalBytes: 150), now: now) { _ in false }
        #expect(names(chosen) == ["expired", "a"])
    }

    @Test func noLimitsKeepEverything() {
        var retained = sandboxes(finished: [("x", 1 << 30, 1 << 40)])
        let policy = LogRetentionPolicy(maxAgeSeconds: nil, maxTotalBytes: nil)
        #expect(!policy.removesAnything)
        #expect(retained.takeRemovable(policy, now: now) { _ in false }.isEmpty)
    }

    @Test func aSandboxIsMeasuredOnceAfterItsTaskEnds() {
        var retained = RetainedSandboxes(layout: layout)
        retained.started(path("job"))
        #expect(retained.toMeasure.running == [path("job")])
        retained.measuredRunning(path("job"), bytes: 10)
        retained.ended(path("job"))
        #expect(retained.toMeasure.running.isEmpty)
        #expect(retained.toMeasure.ended == [path("job")])
        retained.measuredEnded(path("job"), .init(finishedAt: now, bytes: 30))
        #expect(retained.toMeasure.ended.isEmpty)
        #expect(retained.totalBytes == 30)
        // Gone from disk before it was measured: forgotten.
        retained.started(path("vanished"))
        retained.ended(path("vanished"))
        retained.measuredEnded(path("vanished"), nil)
        #expect(retained.count == 1)
    }

    @Test func whatTheLauncherSaidWinsOverTheWalkAtStart() {
        var retained = RetainedSandboxes(layout: layout)
        retained.ended(path("job"))
        retained.found(path("job"), .init(finishedAt: now, bytes: 5), running: true)
        #expect(retained.toMeasure.ended == [path("job")])
        #expect(retained.toMeasure.running.isEmpty)
        retained.found(path("other"), .init(finishedAt: now, bytes: 5), running: false)
        #expect(retained.count == 2)
        #expect(retained.totalBytes == 5)
    }

    @Test func aDeletedJobsSandboxesAreForgotten() {
        var retained = sandboxes(finished: [("deleted", 10, 100), ("kept", 10, 100)], running: [("deleted-too", 7)])
        retained.forgetJob("deleted")
        #expect(retained.count == 2)
        retained.forgetJob("deleted-too")
        #expect(retained.count == 1)
        #expect(retained.totalBytes == 100)
        #expect(names(retained.takeRemovable(LogRetentionPolicy(maxAgeSeconds: 1, maxTotalBytes: nil), now: now) { _ in false }) == ["kept"])
    }

    @Test func aSandboxThatEndsAgainIsChosenByItsNewEndTime() {
        var retained = sandboxes(finished: [("job", 500, 100)])
        // Relaunched into the same sandbox and ended again just now: the old heap entry is stale.
        retained.started(path("job"))
        retained.ended(path("job"))
        retained.measuredEnded(path("job"), .init(finishedAt: now, bytes: 100))
        #expect(retained.takeRemovable(LogRetentionPolicy(maxAgeSeconds: 100, maxTotalBytes: nil), now: now) { _ in false }.isEmpty)
        #expect(retained.count == 1)
    }

    @Test func theLayoutNamesTheJobAndRunOfATaskDirectory() {
        #expect(layout.jobAndRun(of: "/data/sandboxes/a/b/c").map { "\($0.job) \($0.run)" } == "a b")
        #expect(layout.jobAndRun(of: "/data/sandboxes/a/b") == nil)
        #expect(layout.jobAndRun(of: "/data/sandboxesx/a/b/c") == nil)
        #expect(layout.jobAndRun(of: "/elsewhere/a/b/c") == nil)
        #expect(layout.jobAndRun(of: "/data/sandboxes//b/c") == nil)
        #expect(layout.jobAndRun(of: "/data/sandboxes/jöb.1/rün/task/deeper").map { "\($0.job) \($0.run)" } == "jöb.1 rün")
        #expect(layout.jobAndRun(of: "/data/sandboxes") == nil)
    }

    @Test func parsesDurationsAndSizes() throws {
        #expect(try RetentionSetting.seconds("7d") == 604_800)
        #expect(try RetentionSetting.seconds("90s") == 90)
        #expect(try RetentionSetting.seconds("12h") == 43_200)
        #expect(try RetentionSetting.seconds("2w") == 1_209_600)
        #expect(try RetentionSetting.seconds("off") == nil)
        #expect(try RetentionSetting.bytes("10G") == 10 << 30)
        #expect(try RetentionSetting.bytes("500MiB") == 500 << 20)
        #expect(try RetentionSetting.bytes("64kb") == 64 << 10)
        #expect(try RetentionSetting.bytes("1048576") == 1 << 20)
        #expect(try RetentionSetting.bytes("none") == nil)
    }

    @Test(arguments: ["", "7", "d", "-1d", "0s", "1.5h", "7 days", "99999999999999999w"])
    func rejectsBadDurations(_ text: String) {
        #expect(throws: RetentionSettingError.self) { try RetentionSetting.seconds(text) }
    }

    @Test(arguments: ["", "G", "-5M", "0", "1.5G", "10X", "99999999999T"])
    func rejectsBadSizes(_ text: String) {
        #expect(throws: RetentionSettingError.self) { try RetentionSetting.bytes(text) }
    }
}
