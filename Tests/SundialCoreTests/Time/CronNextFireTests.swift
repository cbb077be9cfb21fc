import Foundation
import Testing
import SundialCore

@Suite("Cron next fire (UTC)")
struct CronNextFireTests {
    /// Metronome's vectors (reference/metronome.md §4.1) that agree with Unix OR semantics,
    /// plus the OR-semantics results where Metronome (AND) differs.
    @Test(arguments: [
        ("* * * * 3", "2017-10-02T10:00:00Z", "2017-10-04T00:00:00Z"),
        ("* * * * 1", "2017-07-28T00:00:00Z", "2017-07-31T00:00:00Z"),
        ("* * * * 1", "2018-12-26T00:00:00Z", "2018-12-31T00:00:00Z"),
        ("0 9 1-7 * 1-5", "2017-10-02T10:00:00Z", "2017-10-03T09:00:00Z"),
        // Metronome (AND) says 2017-11-06 (first Monday); with OR day 3 matches.
        ("0 9 1-7 * 1", "2017-10-02T10:00:00Z", "2017-10-03T09:00:00Z"),
        // Metronome says 10-07; with OR day 3 (in 1-7) matches first.
        ("0 9 1-7 * 6-7", "2017-10-02T10:00:00Z", "2017-10-03T09:00:00Z"),
        // Metronome says 10-09; with OR Tuesday 10-03 matches.
        ("0 9 8-14 * 1-5", "2017-10-02T10:00:00Z", "2017-10-03T09:00:00Z"),
        // Metronome says 10-22; with OR Saturday 10-07 matches.
        ("0 9 22-28 * 6-7", "2017-10-02T10:00:00Z", "2017-10-07T09:00:00Z"),
    ])
    func metronomeVectors(expression: String, after: String, expected: String) throws {
        #expect(try cronNext(expression, after: after) == expected)
    }

    @Test func metronomeDSTRegressionEuropeRome() throws {
        // `55 23 * * *` in Europe/Rome, last run 2019-03-30T22:55Z (23:55 CET). Rome springs
        // forward at 2019-03-31T01:00Z; 23:55 CEST on the 31st is 21:55Z.
        #expect(try cronNext("55 23 * * *", after: "2019-03-30T22:55:00Z", zone: "Europe/Rome") == "2019-03-31T21:55:00Z")
    }

    @Test func strictlyAfter() throws {
        #expect(try cronNext("* * * * *", after: "2017-10-02T10:00:00Z") == "2017-10-02T10:01:00Z")
        let e = try CronExpression.parse("* * * * *")
        let utc = cronZone("UTC")
        // Fractional instants: the next whole minute after.
        let t = cronInstant("2017-10-02T10:00:00Z")
        #expect(e.nextFire(after: t.addingTimeInterval(0.5), in: utc) == cronInstant("2017-10-02T10:01:00Z"))
        #expect(e.nextFire(after: t.addingTimeInterval(-0.5), in: utc) == t)
        #expect(e.nextFire(after: t.addingTimeInterval(59.999), in: utc) == cronInstant("2017-10-02T10:01:00Z"))
        #expect(try cronNext("0 0 * * *", after: "2017-10-02T00:00:00Z") == "2017-10-03T00:00:00Z")
    }

    @Test(arguments: [
        ("*/15 * * * *", "2017-12-31T23:50:00Z", "2018-01-01T00:00:00Z"),
        ("59 23 31 12 *", "2017-12-31T23:59:00Z", "2018-12-31T23:59:00Z"),
        ("0 0 1 * *", "2017-01-31T12:00:00Z", "2017-02-01T00:00:00Z"),
        ("30 12 15 * *", "2017-10-15T12:31:00Z", "2017-11-15T12:30:00Z"),
        ("0 0 29 * *", "2019-02-01T00:00:00Z", "2019-03-29T00:00:00Z"),
        ("0 12 * * 1-5", "2017-10-06T12:00:00Z", "2017-10-09T12:00:00Z"),
        ("0 0 1 1 *", "1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z"),
        ("0 0 29 2 *", "1999-03-01T00:00:00Z", "2000-02-29T00:00:00Z"),
        ("0 0 29 2 *", "2000-03-01T00:00:00Z", "2004-02-29T00:00:00Z"),
        ("0 0 1 1 *", "1969-06-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        ("0 0 * * *", "1965-03-04T05:06:07Z", "1965-03-05T00:00:00Z"),
        ("0 0 1 1 * 2199", "2150-01-01T00:00:00Z", "2199-01-01T00:00:00Z"),
    ])
    func utcVectors(expression: String, after: String, expected: String) throws {
        #expect(try cronNext(expression, after: after) == expected)
    }

    @Test func yearFieldInThePastNeverFires() throws {
        #expect(try cronNext("0 0 1 1 * 2019", after: "2020-01-01T00:00:00Z") == nil)
        #expect(try cronNext("0 12 * * * 2025-2026", after: "2026-12-31T12:00:00Z") == nil)
        #expect(try cronNext("0 0 1 1 * 2199", after: "2199-01-01T00:00:00Z") == nil)
        let e = try CronExpression.parse("0 0 1 1 * 2019")
        #expect(e.upcoming(after: cronInstant("2017-01-01T00:00:00Z"), in: cronZone("UTC"), count: 5)
            == [cronInstant("2019-01-01T00:00:00Z")])
    }

    @Test func upcoming() throws {
        #expect(try cronUpcoming("0 9 * * 1-5", after: "2017-10-05T10:00:00Z", count: 4) == [
            "2017-10-06T09:00:00Z", "2017-10-09T09:00:00Z", "2017-10-10T09:00:00Z", "2017-10-11T09:00:00Z",
        ])
        #expect(try cronUpcoming("0 9 * * 1-5", after: "2017-10-05T10:00:00Z", count: 0) == [])
        #expect(try cronUpcoming("0 9 * * 1-5", after: "2017-10-05T10:00:00Z", count: -3) == [])
        #expect(try cronUpcoming("@every 1h", after: "2017-10-05T10:30:00Z", count: 2) == [
            "2017-10-05T11:00:00Z", "2017-10-05T12:00:00Z",
        ])
    }

    @Test func otherZonesWithoutTransitions() throws {
        // Fixed-offset zone: UTC+5.
        let e = try CronExpression.parse("0 9 * * *")
        let plus5 = try #require(TimeZone(secondsFromGMT: 5 * 3600))
        #expect(e.nextFire(after: cronInstant("2017-10-02T00:00:00Z"), in: plus5) == cronInstant("2017-10-02T04:00:00Z"))
        #expect(e.nextFire(after: cronInstant("2017-10-02T04:00:00Z"), in: plus5) == cronInstant("2017-10-03T04:00:00Z"))
    }

    @Test func outOfRangeInstantsGiveNil() throws {
        let e = try CronExpression.parse("* * * * *")
        let utc = cronZone("UTC")
        #expect(e.nextFire(after: .distantFuture, in: utc) != nil)  // year 4001
        #expect(e.nextFire(after: Date(timeIntervalSince1970: 1e15), in: utc) == nil)
        #expect(e.nextFire(after: Date(timeIntervalSince1970: .infinity), in: utc) == nil)
        #expect(e.nextFire(after: Date(timeIntervalSince1970: .nan), in: utc) == nil)
    }
}
