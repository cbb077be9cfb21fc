import Foundation
import Testing
import SundialCore

/// A job created through one API is read and written back through the other: what a team
/// moving from Chronos to Metronome clients (or using both, and the UI) runs into.
@Suite struct CrossDialectTests {
    @Test func aChronosScheduleGoesBackThroughMetronomeUnchanged() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let created = try await server.post(
            "/v1/scheduler/iso8601",
            #"{"name":"tz","command":"true","schedule":"R/2030-03-01T13:00:00-04:00/P1D","scheduleTimeZone":"PST","epsilon":"PT30S","owner":"a@b.c"}"#)
        #expect(created.status == 204)
        let before = try await server.get("/v1/scheduler/job/tz").json
        // The whole job, as read, back through PUT (what `sundial job update` and the UI do).
        let metronome = try await server.get("/v1/jobs/tz?embed=schedules")
        let putJob = try await server.put("/v1/jobs/tz", metronome.text)
        #expect(putJob.status == 200, "\(putJob.text)")
        // The schedule alone, as read.
        let schedule = try #require(try await server.get("/v1/jobs/tz/schedules").json.arrayValue?.first)
        #expect(schedule["cron"] == "R/2030-03-01T13:00:00-04:00/P1D" && schedule["timezone"] == "PST")
        let putSchedule = try await server.put("/v1/jobs/tz/schedules/chronos", JSONWriter.string(schedule))
        #expect(putSchedule.status == 200, "\(putSchedule.text)")
        let after = try await server.get("/v1/scheduler/job/tz").json
        for key in ["schedule", "scheduleTimeZone", "epsilon", "concurrent"] { #expect(after[key] == before[key], "\(key)") }
        #expect(try await server.get("/v1/jobs/tz?embed=schedules").json["schedules"]?.arrayValue?.first?["nextRunAt"] == "2030-03-01T21:00:00.000+0000")
    }

    @Test func metronomeAcceptsAnISO8601IntervalAndReportsItsErrorsAtCron() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let job = #"{"id":"iso","run":{"cmd":"true","cpus":0.1,"mem":32,"disk":0},"schedules":[{"id":"sched","cron":"R5/2030-01-01T00:00:00Z/PT1H"}]}"#
        let created = try await server.post("/v1/jobs", job)
        #expect(created.status == 201)
        #expect(created.json["schedules"]?.arrayValue?.first?["nextRunAt"] == "2030-01-01T00:00:00.000+0000")
        // An empty start is resolved when the schedule is created, as Chronos does.
        let replaced = try await server.put("/v1/jobs/iso/schedules/sched", #"{"id":"sched","cron":"R2//PT1H"}"#)
        #expect(replaced.status == 200)
        let resolved = replaced.json["cron"]?.stringValue ?? ""
        #expect(resolved.hasPrefix("R2/2") && resolved.hasSuffix("/PT1H"), "\(resolved)")
        let bad = try await server.post(
            "/v1/jobs", #"{"id":"bad","run":{"cmd":"true","cpus":0.1,"mem":32,"disk":0},"schedules":[{"id":"s","cron":"R5/garbage/PT1H"}]}"#)
        #expect(bad.status == 422)
        #expect(bad.json["details"]?.arrayValue?.first?["path"] == "/schedules(0)/cron")
        #expect(try await server.get("/v1/jobs/bad").status == 404)
    }

    @Test func chronosResponsesAllowOtherOrigins() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        for path in ["/v1/scheduler/jobs", "/scheduler/jobs", "/v1/scheduler/job/nope"] {
            #expect(try await server.get(path).headers["access-control-allow-origin"] == "*", "\(path)")
        }
    }

    @Test func aJobWhoseRepetitionsAreUsedUpIsNoLongerScheduled() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let start = Instant.now().adding(milliseconds: 2500)
        let created = try await server.post(
            "/v1/scheduler/iso8601", #"{"name":"once","command":"true","schedule":"R1/\#(start.rfc3339)/PT1S"}"#)
        #expect(created.status == 204)
        #expect(try await server.get("/v1/scheduler/job/once").json["disabled"] == false)
        #expect(try await server.eventually { try await server.get("/v1/scheduler/job/once").json["successCount"] == 1 })
        let listed = try await server.get("/api/jobs").json["items"]?.arrayValue?.first
        #expect(listed?["status"] == "completed")
        // Chronos disables a job once its repetitions are used up.
        #expect(try await server.get("/v1/scheduler/job/once").json["disabled"] == true)
        let summary = try await server.get("/v1/scheduler/jobs/summary").json["jobs"]?.arrayValue?.first
        #expect(summary?["disabled"] == true)
    }

    @Test func aMetronomeJobWithoutScheduleOrParentsGoesBackThroughChronos() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        #expect(try await server.post("/v1/jobs", minimalJob("manual", cmd: "true")).status == 201)
        var body = try #require(try await server.get("/v1/scheduler/job/manual").json.objectValue)
        #expect(body["parents"] == [])
        body["description"] = "changed"
        let updated = try await server.post("/v1/scheduler/dependency", JSONWriter.string(.object(body)))
        #expect(updated.status == 204, "\(updated.text)")
        #expect(try await server.get("/v1/jobs/manual").json["description"] == "changed")
        // A new job still needs parents.
        body["name"] = "fresh"
        #expect(try await server.post("/v1/scheduler/dependency", JSONWriter.string(.object(body))).status == 400)
    }
}
