import Foundation
import Testing
import SundialCore
import SundialEngine

/// The wall-clock timer the server sleeps on: never wakes before the instant, serves many
/// sleepers with one timer, and honours cancellation.
@Suite struct SystemClockTests {
    let clock = SystemClock()

    @Test func wakesAtTheInstantNotBefore() async throws {
        let deadline = clock.now().adding(milliseconds: 120)
        try await clock.sleep(until: deadline)
        #expect(clock.now() >= deadline)
    }

    @Test func concurrentSleepersEachWakeAtTheirOwnInstant() async throws {
        let base = clock.now()
        let offsets: [Int64] = [300, 60, 180, 60, 240]
        let clock = self.clock
        let woke = try await withThrowingTaskGroup(of: (Int64, Instant).self) { group in
            for offset in offsets {
                group.addTask {
                    try await clock.sleep(until: base.adding(milliseconds: offset))
                    return (offset, clock.now())
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(woke.count == offsets.count)
        for (offset, at) in woke { #expect(at >= base.adding(milliseconds: offset)) }
    }

    @Test func cancellingASleeperEndsItAndLeavesOthers() async throws {
        let clock = self.clock
        let long = Task { try await clock.sleep(until: clock.now().adding(milliseconds: 60_000)) }
        let short = Task { try await clock.sleep(until: clock.now().adding(milliseconds: 100)) }
        try await Task.sleep(for: .milliseconds(20))
        long.cancel()
        await #expect(throws: CancellationError.self) { try await long.value }
        try await short.value
    }

    @Test func aPastInstantReturnsAtOnce() async throws {
        try await clock.sleep(until: clock.now().adding(milliseconds: -5000))
    }
}
