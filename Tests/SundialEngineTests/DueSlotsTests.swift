import Testing
import SundialCore
@testable import SundialEngine

/// Coalescing slots that passed: ISO 8601 intervals by index give what walking slot by slot
/// gives, and a month of one-second slots is no walk at all.
@Suite struct DueSlotsTests {
    let now = Instant.parse("2026-03-09T12:00:00.500Z")!

    func compiled(_ expression: String) throws -> (CompiledSchedule, ISO8601Schedule) {
        let iso = try ISO8601Schedule.parse(expression, now: now)
        return (CompiledSchedule(expression: .iso8601(iso), zone: iso.zone), iso)
    }

    @Test(arguments: [
        "R/2026-03-09T11:58:00Z/PT1S", "R/2026-03-08T00:00:00Z/PT1H", "R5/2026-03-09T11:59:58Z/PT1S",
        "R/2026-03-01T02:30:00Z/P1D", "R3/2026-03-09T11:00:00Z/PT20M", "R/2026-03-09T12:00:00.200Z/PT0.1S",
    ])
    func indexedAgreesWithWalking(_ expression: String) throws {
        let (schedule, iso) = try compiled(expression)
        for deadline in [0, 1, 60, 3600] {
            let indexed = DueSlots(iso, first: iso.start, now: now, startingDeadlineSeconds: deadline)
            let walked = DueSlots(walking: schedule, first: iso.start, now: now, startingDeadlineSeconds: deadline)
            #expect(indexed.toRun == walked.toRun, "\(expression) deadline \(deadline)")
            #expect(indexed.missedCount == walked.missedCount, "\(expression) deadline \(deadline)")
            #expect(Array(indexed.keptMissedSlots) == Array(walked.keptMissedSlots), "\(expression) deadline \(deadline)")
            #expect(indexed.next == walked.next, "\(expression) deadline \(deadline)")
        }
    }

    @Test func aMonthOfOneSecondSlotsIsCountedNotWalked() throws {
        let (schedule, iso) = try compiled("R/2026-02-07T12:00:00Z/PT1S")
        let due = DueSlots(schedule, first: iso.start, now: now, startingDeadlineSeconds: 60)
        #expect(due.toRun == Instant.parse("2026-03-09T12:00:00Z"))
        #expect(due.missedCount == 30 * 86_400)
        #expect(due.keptMissedSlots.count == DueSlots.keptMissed)
        #expect(due.keptMissedSlots.last == Instant.parse("2026-03-09T11:59:59Z"))
        #expect(due.next == Instant.parse("2026-03-09T12:00:01Z"))
    }
}
