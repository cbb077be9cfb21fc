import Foundation
import Testing
import SundialCore

/// DST behaviour in 2026. Transition instants (checked against `zdump` and Foundation on this
/// machine, and asserted in `transitionsFromTheTimeZoneDatabase`):
/// * America/New_York: 2026-03-08T07:00Z (02:00 EST -> 03:00 EDT), 2026-11-01T06:00Z (02:00 EDT -> 01:00 EST)
/// * Europe/London: 2026-03-29T01:00Z (01:00 GMT -> 02:00 BST), 2026-10-25T01:00Z (02:00 BST -> 01:00 GMT)
/// * Australia/Lord_Howe: 2026-04-04T15:00Z (Apr 5 02:00 +11 -> 01:30 +10:30),
///   2026-10-03T15:30Z (Oct 4 02:00 +10:30 -> 02:30 +11)
/// * America/Santiago: 2026-04-05T03:00Z (Apr 5 00:00 -03 -> Apr 4 23:00 -04),
///   2026-09-06T04:00Z (Sep 6 00:00 -04 -> 01:00 -03; local midnight does not exist)
/// * Asia/Kolkata: none (+05:30 all year)
@Suite("Cron DST")
struct CronDSTTests {
    @Test(arguments: [
        ("America/New_York", ["2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z"]),
        ("Europe/London", ["2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"]),
        ("Australia/Lord_Howe", ["2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z"]),
        ("America/Santiago", ["2026-04-05T03:00:00Z", "2026-09-06T04:00:00Z"]),
        ("Asia/Kolkata", []),
    ])
    func transitionsFromTheTimeZoneDatabase(zone: String, expected: [String]) {
        let z = cronZone(zone)
        var found: [String] = []
        var t = cronInstant("2026-01-01T00:00:00Z")
        while let next = z.nextDaylightSavingTimeTransition(after: t), next < cronInstant("2027-01-01T00:00:00Z") {
            found.append(next.formatted(.iso8601))
            t = next
        }
        #expect(found == expected)
    }

    // MARK: America/New_York

    @Test func newYorkSpringForwardFixedHour() throws {
        let z = "America/New_York"
        // 02:30 does not exist on 2026-03-08: fires at 03:00 EDT = 07:00Z, then 02:30 EDT next day.
        #expect(try cronUpcoming("30 2 * * *", after: "2026-03-07T12:00:00Z", zone: z, count: 3) == [
            "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z",
        ])
        // From exactly the previous fire (02:30 EST on the 7th).
        #expect(try cronNext("30 2 * * *", after: "2026-03-07T07:30:00Z", zone: z) == "2026-03-08T07:00:00Z")
        // Two matches inside the gap collapse into one fire at the end of the gap.
        #expect(try cronUpcoming("0,30 2 * * *", after: "2026-03-08T00:00:00Z", zone: z, count: 2) == [
            "2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z",
        ])
        // A match at the gap end itself fires once too.
        #expect(try cronUpcoming("30 2,3 * * *", after: "2026-03-08T00:00:00Z", zone: z, count: 2) == [
            "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z",
        ])
        // Times next to the gap are unaffected: 01:59 EST and 03:00 EDT.
        #expect(try cronNext("59 1 * * *", after: "2026-03-08T00:00:00Z", zone: z) == "2026-03-08T06:59:00Z")
        #expect(try cronNext("0 3 * * *", after: "2026-03-08T00:00:00Z", zone: z) == "2026-03-08T07:00:00Z")
        // Weekday schedule across the change: 09:00 EST Fri 6th, 09:00 EDT Mon 9th.
        #expect(try cronUpcoming("0 9 * * 1-5", after: "2026-03-06T00:00:00Z", zone: z, count: 2) == [
            "2026-03-06T14:00:00Z", "2026-03-09T13:00:00Z",
        ])
    }

    @Test func newYorkSpringForwardEveryHour() throws {
        let z = "America/New_York"
        // 02:15 local does not exist and is skipped.
        #expect(try cronUpcoming("15 * * * *", after: "2026-03-08T05:00:00Z", zone: z, count: 3) == [
            "2026-03-08T05:15:00Z", "2026-03-08T06:15:00Z", "2026-03-08T07:15:00Z",
        ])
        #expect(try cronNext("30 * * * *", after: "2026-03-08T06:45:00Z", zone: z) == "2026-03-08T07:30:00Z")
        #expect(try cronUpcoming("*/30 * * * *", after: "2026-03-08T06:15:00Z", zone: z, count: 3) == [
            "2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z",
        ])
        // @hourly is an every-hour expression.
        #expect(try cronUpcoming("@hourly", after: "2026-03-08T05:30:00Z", zone: z, count: 3) == [
            "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z",
        ])
    }

    @Test func newYorkFallBackFixedHour() throws {
        let z = "America/New_York"
        // 01:30 occurs twice on 2026-11-01: only the first (EDT, 05:30Z) fires.
        #expect(try cronUpcoming("30 1 * * *", after: "2026-11-01T04:00:00Z", zone: z, count: 2) == [
            "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z",
        ])
        // Starting inside the second copy (01:10 EST): 01:30 already fired.
        #expect(try cronNext("30 1 * * *", after: "2026-11-01T06:10:00Z", zone: z) == "2026-11-02T06:30:00Z")
        // Starting in the first copy after 01:30 EDT: no refire in the second copy.
        #expect(try cronNext("30 1 * * *", after: "2026-11-01T05:40:00Z", zone: z) == "2026-11-02T06:30:00Z")
        // Several minutes of the repeated hour: each once, first copy only.
        #expect(try cronUpcoming("*/20 1 * * *", after: "2026-11-01T04:30:00Z", zone: z, count: 4) == [
            "2026-11-01T05:00:00Z", "2026-11-01T05:20:00Z", "2026-11-01T05:40:00Z", "2026-11-02T06:00:00Z",
        ])
        // 02:00 occurs only once (EST, 07:00Z); 00:30 only once (EDT, 04:30Z).
        #expect(try cronNext("0 2 * * *", after: "2026-11-01T00:00:00Z", zone: z) == "2026-11-01T07:00:00Z")
        #expect(try cronNext("0 2 * * *", after: "2026-11-01T06:30:00Z", zone: z) == "2026-11-01T07:00:00Z")
        #expect(try cronNext("30 0 * * *", after: "2026-11-01T00:00:00Z", zone: z) == "2026-11-01T04:30:00Z")
    }

    @Test func newYorkFallBackEveryHour() throws {
        let z = "America/New_York"
        // 01:30 fires in both copies: 05:30Z (EDT) and 06:30Z (EST).
        #expect(try cronUpcoming("30 * * * *", after: "2026-11-01T05:00:00Z", zone: z, count: 3) == [
            "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z",
        ])
        // From inside the first copy after its 01:30, the second copy's 01:30 is next.
        #expect(try cronNext("30 * * * *", after: "2026-11-01T05:40:00Z", zone: z) == "2026-11-01T06:30:00Z")
        #expect(try cronUpcoming("0 * * * *", after: "2026-11-01T04:30:00Z", zone: z, count: 4) == [
            "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z", "2026-11-01T08:00:00Z",
        ])
    }

    // MARK: Europe/London

    @Test func londonSpringForward() throws {
        let z = "Europe/London"
        // 01:30 does not exist on 2026-03-29: fixed hour fires at 02:00 BST = 01:00Z.
        #expect(try cronUpcoming("30 1 * * *", after: "2026-03-28T12:00:00Z", zone: z, count: 2) == [
            "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z",
        ])
        // Every hour: 00:30 GMT, then 01:30 is skipped, 02:30 BST.
        #expect(try cronUpcoming("30 * * * *", after: "2026-03-29T00:00:00Z", zone: z, count: 2) == [
            "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z",
        ])
        #expect(try cronUpcoming("0 0 * * *", after: "2026-03-28T12:00:00Z", zone: z, count: 2) == [
            "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z",
        ])
    }

    @Test func londonFallBack() throws {
        let z = "Europe/London"
        // 01:30 occurs twice on 2026-10-25: fixed hour fires at the BST copy (00:30Z).
        #expect(try cronUpcoming("30 1 * * *", after: "2026-10-24T12:00:00Z", zone: z, count: 2) == [
            "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z",
        ])
        #expect(try cronUpcoming("30 * * * *", after: "2026-10-25T00:00:00Z", zone: z, count: 3) == [
            "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z",
        ])
        #expect(try cronUpcoming("0 0 * * *", after: "2026-10-24T12:00:00Z", zone: z, count: 2) == [
            "2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z",
        ])
    }

    // MARK: Australia/Lord_Howe (30-minute shifts)

    @Test func lordHoweSpringForward() throws {
        let z = "Australia/Lord_Howe"
        // Gap 02:00-02:30 on 2026-10-04. 02:15 fires at 02:30 +11 = 15:30Z; next day 02:15 +11.
        #expect(try cronUpcoming("15 2 * * *", after: "2026-10-03T00:00:00Z", zone: z, count: 2) == [
            "2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z",
        ])
        // 02:45 exists (+11): 15:45Z.
        #expect(try cronNext("45 2 * * *", after: "2026-10-03T00:00:00Z", zone: z) == "2026-10-03T15:45:00Z")
        // 01:45 (+10:30) is just before the gap: 15:15Z.
        #expect(try cronNext("45 1 * * *", after: "2026-10-03T00:00:00Z", zone: z) == "2026-10-03T15:15:00Z")
        // Every hour: 01:15 (+10:30) = 14:45Z, 02:15 skipped, 03:15 (+11) = 16:15Z.
        #expect(try cronUpcoming("15 * * * *", after: "2026-10-03T14:00:00Z", zone: z, count: 2) == [
            "2026-10-03T14:45:00Z", "2026-10-03T16:15:00Z",
        ])
        // 02:00 skipped, 02:30 (+11) = 15:30Z.
        #expect(try cronUpcoming("0,30 * * * *", after: "2026-10-03T15:00:00Z", zone: z, count: 2) == [
            "2026-10-03T15:30:00Z", "2026-10-03T16:00:00Z",
        ])
    }

    @Test func lordHoweFallBack() throws {
        let z = "Australia/Lord_Howe"
        // 01:30-02:00 repeats on 2026-04-05. 01:45 fixed: first copy (+11) = Apr 4 14:45Z,
        // then Apr 6 01:45 (+10:30) = Apr 5 15:15Z.
        #expect(try cronUpcoming("45 1 * * *", after: "2026-04-04T00:00:00Z", zone: z, count: 2) == [
            "2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z",
        ])
        // 01:15 is not repeated: 14:15Z, then Apr 6 01:15 (+10:30) = Apr 5 14:45Z.
        #expect(try cronUpcoming("15 1 * * *", after: "2026-04-04T00:00:00Z", zone: z, count: 2) == [
            "2026-04-04T14:15:00Z", "2026-04-05T14:45:00Z",
        ])
        // Every hour: 01:45 in both copies (14:45Z, 15:15Z), then 02:45 (+10:30) = 16:15Z.
        #expect(try cronUpcoming("45 * * * *", after: "2026-04-04T14:00:00Z", zone: z, count: 3) == [
            "2026-04-04T14:45:00Z", "2026-04-04T15:15:00Z", "2026-04-04T16:15:00Z",
        ])
        // 01:15 exists once: 14:15Z, then 02:15 (+10:30) = 15:45Z.
        #expect(try cronUpcoming("15 * * * *", after: "2026-04-04T14:00:00Z", zone: z, count: 2) == [
            "2026-04-04T14:15:00Z", "2026-04-04T15:45:00Z",
        ])
    }

    // MARK: America/Santiago (gap at midnight)

    @Test func santiagoSpringForwardAtMidnight() throws {
        let z = "America/Santiago"
        // Local midnight does not exist on 2026-09-06: fires at 01:00 -03 = 04:00Z.
        #expect(try cronUpcoming("0 0 * * *", after: "2026-09-05T12:00:00Z", zone: z, count: 3) == [
            "2026-09-06T04:00:00Z", "2026-09-07T03:00:00Z", "2026-09-08T03:00:00Z",
        ])
        // The previous midnight is an ordinary -04 one.
        #expect(try cronNext("0 0 * * *", after: "2026-09-04T12:00:00Z", zone: z) == "2026-09-05T04:00:00Z")
        #expect(try cronNext("30 0 * * *", after: "2026-09-05T12:00:00Z", zone: z) == "2026-09-06T04:00:00Z")
        // @daily is a fixed-hour expression too.
        #expect(try cronNext("@daily", after: "2026-09-05T12:00:00Z", zone: z) == "2026-09-06T04:00:00Z")
        // Every hour: 23:00 -04 (03:00Z), 00:00 skipped, 01:00 -03 (04:00Z).
        #expect(try cronUpcoming("0 * * * *", after: "2026-09-06T02:30:00Z", zone: z, count: 3) == [
            "2026-09-06T03:00:00Z", "2026-09-06T04:00:00Z", "2026-09-06T05:00:00Z",
        ])
        #expect(try cronUpcoming("30 * * * *", after: "2026-09-06T02:45:00Z", zone: z, count: 2) == [
            "2026-09-06T03:30:00Z", "2026-09-06T04:30:00Z",
        ])
        // Day-of-week is judged on the local date: Sunday 2026-09-06 starts at 01:00 -03.
        #expect(try cronNext("0 0 * * 0", after: "2026-09-01T00:00:00Z", zone: z) == "2026-09-06T04:00:00Z")
    }

    @Test func santiagoFallBack() throws {
        let z = "America/Santiago"
        // Apr 4 23:00-23:59 repeats. 23:30 fixed: first copy (-03) = Apr 5 02:30Z, then Apr 5 23:30 -04.
        #expect(try cronUpcoming("30 23 * * *", after: "2026-04-04T12:00:00Z", zone: z, count: 2) == [
            "2026-04-05T02:30:00Z", "2026-04-06T03:30:00Z",
        ])
        // Midnight of Apr 5 occurs once, at 00:00 -04 = 04:00Z.
        #expect(try cronUpcoming("0 0 * * *", after: "2026-04-04T12:00:00Z", zone: z, count: 2) == [
            "2026-04-05T04:00:00Z", "2026-04-06T04:00:00Z",
        ])
        // Every hour: 23:30 in both copies, then 00:30 -04.
        #expect(try cronUpcoming("30 * * * *", after: "2026-04-05T02:00:00Z", zone: z, count: 3) == [
            "2026-04-05T02:30:00Z", "2026-04-05T03:30:00Z", "2026-04-05T04:30:00Z",
        ])
    }

    // MARK: Asia/Kolkata (no DST)

    @Test func kolkataHasNoTransitions() throws {
        let z = "Asia/Kolkata"
        // 02:30 IST = 21:00Z the previous UTC day, on both 2026 US/EU transition dates.
        #expect(try cronUpcoming("30 2 * * *", after: "2026-03-07T12:00:00Z", zone: z, count: 2) == [
            "2026-03-07T21:00:00Z", "2026-03-08T21:00:00Z",
        ])
        #expect(try cronNext("0 0 * * *", after: "2026-11-01T00:00:00Z", zone: z) == "2026-11-01T18:30:00Z")
        #expect(try cronUpcoming("*/45 * * * *", after: "2026-10-25T00:00:00Z", zone: z, count: 3) == [
            "2026-10-25T00:15:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:15:00Z",
        ])
        // 09:00 IST on weekdays: Fri 2026-03-06 03:30Z, Mon 2026-03-09 03:30Z.
        #expect(try cronUpcoming("0 9 * * 1-5", after: "2026-03-06T00:00:00Z", zone: z, count: 2) == [
            "2026-03-06T03:30:00Z", "2026-03-09T03:30:00Z",
        ])
    }

    // MARK: Other zones with unusual transitions

    @Test func apiaSkippedADay() throws {
        // Pacific/Apia jumped from -10 to +14 at 2011-12-30T10:00Z: local Dec 30 never existed.
        // 09:00 on Dec 30 fires at the end of the gap (Dec 31 00:00 +14 = Dec 30 10:00Z).
        let z = "Pacific/Apia"
        #expect(try cronUpcoming("0 9 * * *", after: "2011-12-29T12:00:00Z", zone: z, count: 3) == [
            "2011-12-29T19:00:00Z", "2011-12-30T10:00:00Z", "2011-12-30T19:00:00Z",
        ])
    }
}
