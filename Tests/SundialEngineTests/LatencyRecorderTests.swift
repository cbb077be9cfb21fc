import Testing
@testable import SundialEngine

@Suite struct LatencyRecorderTests {
    @Test func percentilesOfKnownSamples() {
        var recorder = LatencyRecorder()
        for value in (1...1000).reversed() { recorder.record(Int64(value)) }
        let s = recorder.summary
        #expect(s.count == 1000)
        #expect((s.min, s.max) == (1, 1000))
        #expect((s.p50, s.p95, s.p99, s.p999) == (500, 950, 990, 999))
        #expect(s.mean == 500.5)
    }

    @Test func keepsOnlyTheLatestSamples() {
        var recorder = LatencyRecorder()
        for _ in 0..<LatencyRecorder.capacity { recorder.record(1_000_000) }
        for _ in 0..<LatencyRecorder.capacity { recorder.record(7) }
        #expect(recorder.count == 2 * LatencyRecorder.capacity)
        #expect(recorder.summary.max == 7)
    }

    @Test func emptyIsAllZero() {
        let s = LatencyRecorder().summary
        #expect(s.count == 0 && s.p99 == 0)
    }
}
