import Testing
@testable import SundialCore

@Suite struct LogRetentionPolicyTests {
    let now = Instant(millisecondsSinceEpoch: 1_000_000_000)

    func sandbox(_ name: String, endedSecondsAgo: Int64, bytes: Int64 = 100, active: Bool = false) -> LogRetentionPolicy.Sandbox {
        .init(path: name, finishedAt: now.adding(milliseconds: -endedSecondsAgo * 1000), bytes: bytes, active: active)
    }

    @Test func removesWhatIsOlderThanTheRetention() {
        let policy = LogRetentionPolicy(maxAgeSeconds: 3600, maxTotalBytes: nil)
        let chosen = policy.selectForRemoval(
            [sandbox("fresh", endedSecondsAgo: 60), sandbox("old", endedSecondsAgo: 7200), sandbox("older", endedSecondsAgo: 9000)], now: now)
        #expect(chosen.map(\.path) == ["older", "old"])
    }

    @Test func neverRemovesAnActiveTask() {
        let policy = LogRetentionPolicy(maxAgeSeconds: 1, maxTotalBytes: 1)
        let chosen = policy.selectForRemoval([sandbox("running", endedSecondsAgo: 99_999, bytes: 1_000_000, active: true)], now: now)
        #expect(chosen.isEmpty)
    }

    @Test func removesTheOldestFinishedFirstUntilUnderTheSizeBound() {
        let policy = LogRetentionPolicy(maxAgeSeconds: nil, maxTotalBytes: 250)
        let chosen = policy.selectForRemoval(
            [
                sandbox("newest", endedSecondsAgo: 10), sandbox("oldest", endedSecondsAgo: 30), sandbox("middle", endedSecondsAgo: 20),
                sandbox("active", endedSecondsAgo: 40, active: true),
            ], now: now)
        // 400 bytes in all, 100 of them active: the two oldest finished must go.
        #expect(chosen.map(\.path) == ["oldest", "middle"])
    }

    @Test func ageAndSizeTogether() {
        let policy = LogRetentionPolicy(maxAgeSeconds: 100, maxTotalBytes: 150)
        let chosen = policy.selectForRemoval(
            [sandbox("expired", endedSecondsAgo: 500, bytes: 10), sandbox("a", endedSecondsAgo: 50), sandbox("b", endedSecondsAgo: 40)], now: now)
        #expect(chosen.map(\.path) == ["expired", "a"])
    }

    @Test func noLimitsKeepEverything() {
        let policy = LogRetentionPolicy(maxAgeSeconds: nil, maxTotalBytes: nil)
        #expect(policy.selectForRemoval([sandbox("x", endedSecondsAgo: 1 << 30, bytes: 1 << 40)], now: now).isEmpty)
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
