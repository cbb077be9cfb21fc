import Foundation
import Testing
import SundialCore

/// The ISO 8601 groups of the Chronos vectors: parse, tail, 3.x skip-forward, durations.
@Suite struct ISO8601VectorTests {
    @Test(arguments: ChronosVectors.group("iso8601_parse").arrayValue!.indices)
    func parse(_ index: Int) throws {
        let vector = ChronosVectors.group("iso8601_parse").arrayValue![index]
        let input = vector["input"]!.stringValue!
        let zone = vector["scheduleTimeZone"]!.stringValue!
        let expect = vector["expect"]!
        let now = ChronosVectors.fixedNow
        let parsed = try? ISO8601Schedule.parse(input, scheduleTimeZone: zone, now: now)
        guard expect["ok"]!.boolValue! else {
            #expect(parsed == nil, "\(vector["id"]!)")
            return
        }
        let schedule = try #require(parsed, "\(vector["id"]!)")
        #expect(schedule.repetitions == Int(expect["repetitions"]!.numberValue!))
        let period = expect["period"]!.stringValue!
        #expect(schedule.period == ISO8601Period.parse(period) || (period == "PT0S" && schedule.period.isZero))
        #expect(schedule.period.description == period)
        if let utc = expect["start_utc"]?.stringValue {
            #expect(schedule.start == Instant.parse(utc)!, "\(vector["id"]!)")
        }
        if let ms = expect["start_epoch_ms"]?.numberValue {
            #expect(schedule.start.millisecondsSinceEpoch == Int64(ms))
        }
        if let local = expect["start_local"]?.stringValue {
            // Printed in the schedule's zone with its offset, as Chronos prints the start.
            let printed = schedule.description.split(separator: "/")[1]
            #expect(printed.replacingOccurrences(of: ".000", with: "") == local, "\(vector["id"]!)")
        }
        if expect["start"] != nil {
            // An empty start is "now" (Chronos: now − 1 s).
            #expect(schedule.start == now.adding(milliseconds: -1000))
        }
    }

    @Test func scheduleTail() throws {
        for vector in ChronosVectors.group("schedule_tail")["cases"]!.arrayValue! {
            var schedule: ISO8601Schedule? = try ISO8601Schedule.parse(vector["input"]!.stringValue!)
            for expected in vector["expect_sequence"]!.arrayValue! {
                schedule = schedule?.tail()
                #expect(schedule?.description == expected.stringValue, "\(vector["id"]!)")
            }
        }
    }

    @Test func skipForwardV3() throws {
        for vector in ChronosVectors.group("skip_forward_v3")["cases"]!.arrayValue! {
            let schedule = try ISO8601Schedule.parse(vector["schedule"]!.stringValue!)
            let (skips, result) = schedule.skipForward(now: Instant.parse(vector["now"]!.stringValue!)!)
            let expect = vector["expect"]!
            #expect(skips == Int64(expect["skips"]!.numberValue!), "\(vector["id"]!)")
            #expect(result.description == expect["schedule"]!.stringValue!, "\(vector["id"]!)")
            if let repetitions = expect["repetitions"]?.numberValue { #expect(result.repetitions == Int(repetitions)) }
        }
    }

    @Test func durationFormat() {
        for vector in ChronosVectors.group("duration_format")["cases"]!.arrayValue! {
            #expect(ChronosDuration.format(seconds: Int64(vector["seconds"]!.numberValue!)) == vector["expect"]!.stringValue!)
        }
    }
}

/// Slots, counts and zones beyond the vectors: what the engine fires with.
@Suite struct ISO8601ScheduleTests {
    @Test func finiteScheduleStopsAfterItsRepetitions() throws {
        let schedule = try ISO8601Schedule.parse("R3/2026-01-01T00:00:00Z/PT1H")
        let slots = CompiledSchedule(expression: .iso8601(schedule), zone: schedule.zone).upcoming(after: Instant.parse("2025-12-31T00:00:00Z")!, count: 10)
        #expect(slots.map(\.rfc3339) == ["2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"])
        #expect(schedule.remaining(after: Instant.parse("2026-01-01T00:30:00Z")!) == 2)
    }

    @Test func slotsAreComputedFromTheStartInOneStep() throws {
        // Jan 31 + P1M × 2 is Mar 31 (not the chained Mar 28), and far-future lookups are direct.
        let schedule = try ISO8601Schedule.parse("R/2017-01-31T00:00:00Z/P1M")
        #expect(schedule.next(after: Instant.parse("2017-03-01T00:00:00Z")!) == Instant.parse("2017-03-31T00:00:00Z"))
        let everySecond = try ISO8601Schedule.parse("R/2012-01-01T00:00:00Z/PT1S")
        #expect(everySecond.next(after: Instant.parse("2030-06-01T12:00:00.500Z")!) == Instant.parse("2030-06-01T12:00:01Z"))
    }

    @Test func daysKeepTheWallClockAcrossDSTWhileHoursCountElapsedTime() throws {
        // New York springs forward on 2026-03-08.
        let days = try ISO8601Schedule.parse("R/2026-03-07T09:00:00/P1D", scheduleTimeZone: "America/New_York")
        #expect(days.slot(1) == Instant.parse("2026-03-08T13:00:00Z"))  // 09:00 EDT
        let hours = try ISO8601Schedule.parse("R/2026-03-07T09:00:00/PT24H", scheduleTimeZone: "America/New_York")
        #expect(hours.slot(1) == Instant.parse("2026-03-08T14:00:00Z"))  // 10:00 EDT
    }

    @Test func rejectsWhatChronosRejects() {
        for text in ["FOO", "R/2008-03-01T13:00:00Z", "R-1/2008-03-01T13:00:00Z/P1D", "R/2008-13-01T00:00:00Z/P1D", "R/2008-03-01/P1H", "R/2008-03-01/PT1D", "R//P1.5D"] {
            #expect((try? ISO8601Schedule.parse(text)) == nil, "\(text)")
        }
    }

    @Test func fractionalSecondsInStartAndPeriod() throws {
        let schedule = try ISO8601Schedule.parse("R2/1997-07-16T19:20:30.45+01:00/PT0.5S")
        #expect(schedule.start == Instant.parse("1997-07-16T18:20:30.450Z"))
        #expect(schedule.slot(1) == Instant.parse("1997-07-16T18:20:30.950Z"))
        #expect(schedule.description == "R2/1997-07-16T19:20:30.450+01:00/PT0.500S")
    }
}

/// The preview (CLI `schedule next`, `/api/schedule/next`) takes ISO 8601 intervals too.
@Suite struct ISO8601PreviewTests {
    @Test func previewListsTheRemainingSlotsOfAnInterval() throws {
        let instants = try SchedulePreview.next(
            expression: "R3/2026-01-31T00:00:00Z/P1M", timezone: "UTC", after: Instant.parse("2026-01-01T00:00:00Z")!, count: 5)
        #expect(instants.map(\.rfc3339) == ["2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z"])
        let zoned = try SchedulePreview.next(
            expression: "R/2026-03-07T09:00:00/P1D", timezone: "America/New_York", after: Instant.parse("2026-03-08T00:00:00Z")!, count: 1)
        #expect(zoned == [Instant.parse("2026-03-08T13:00:00Z")!])
        #expect(throws: SchedulePreviewError.self) { _ = try SchedulePreview.next(expression: "R/bad/P1D", timezone: "UTC", after: .now(), count: 1) }
    }
}
