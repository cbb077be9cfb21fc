import Foundation
import Testing
@testable import SundialCore

/// The tabulated offsets and transitions answer exactly what Foundation answers.
@Suite struct ZoneTransitionsTests {
    @Test(arguments: ["America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata", "UTC", "Pacific/Apia"])
    func agreesWithFoundation(_ identifier: String) {
        let zone = TimeZone(identifier: identifier)!
        let table = ZoneTransitions.of(zone)
        var generator = SystemRandomNumberGenerator()
        // Mostly inside the table (1900–2200), some outside it on both sides.
        for _ in 0..<2000 {
            let second = Int.random(in: -3_000_000_000...8_000_000_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(second))
            #expect(table.offset(at: second) == zone.secondsFromGMT(for: date), "offset at \(second)")
            let expected = zone.nextDaylightSavingTimeTransition(after: date).map { Int($0.timeIntervalSince1970.rounded(.up)) }
            #expect(table.transition(after: second) == expected, "transition after \(second)")
        }
    }

    @Test func transitionInstantsThemselves() {
        let zone = TimeZone(identifier: "America/New_York")!
        let table = ZoneTransitions.of(zone)
        // 2026-03-08T07:00:00Z: EST → EDT.
        let spring = 1_772_953_200
        #expect(table.offset(at: spring - 1) == -5 * 3600)
        #expect(table.offset(at: spring) == -4 * 3600)
        #expect(table.transition(after: spring - 1) == spring)
        #expect(table.transition(after: spring) != spring)
    }
}
