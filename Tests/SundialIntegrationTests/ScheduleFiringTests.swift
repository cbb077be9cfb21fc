import Foundation
import Testing
import SundialCore

/// Schedules fire real runs in the real server, and a SIGKILL at a fire instant neither
/// loses nor doubles a slot.
@Suite struct ScheduleFiringTests {
    func runsRecorded(_ server: SundialServerProcess, _ job: String) async throws -> Int {
        let info = try await server.get("/v1/jobs/\(job)?embed=history&embed=activeRuns").json
        let finished = (info["history"]?["successCount"]?.numberValue ?? 0) + (info["history"]?["failureCount"]?.numberValue ?? 0)
        return Int(finished) + (info["activeRuns"]?.arrayValue?.count ?? 0)
    }

    @Test func everySecondScheduleFiresAndStopsWhenDisabled() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let job = #"{"id":"ticker","run":{"cmd":"true","cpus":0.1,"mem":32,"disk":0},"schedules":[{"id":"tick","cron":"@every 1s"}]}"#
        #expect(try await server.post("/v1/jobs", job).status == 201)
        #expect(try await server.eventually(timeout: 10) { try await runsRecorded(server, "ticker") >= 2 })
        let skew = try await server.get("/v1/metrics").json["histograms"]?["sundial.schedule.trigger-skew.microseconds"]
        #expect((skew?["count"]?.numberValue ?? 0) >= 2)
        #expect((skew?["min"]?.numberValue ?? -1) >= 0, "never before the slot")
        let disabled = try await server.put("/v1/jobs/ticker/schedules/tick", #"{"id":"tick","cron":"@every 1s","enabled":false}"#)
        #expect(disabled.status == 200)
        try await Task.sleep(for: .milliseconds(300))
        let before = try await runsRecorded(server, "ticker")
        try await Task.sleep(for: .milliseconds(2500))
        #expect(try await runsRecorded(server, "ticker") == before)
    }

    @Test func forbidSkipsWhileActive() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        // The run lasts until the test releases it, however slowly the machine runs.
        let release = server.dataDirectory.appendingPathComponent("release-slow").path
        let job = #"{"id":"slow","run":{"cmd":"while [ ! -e \#(release) ]; do sleep 0.05; done","cpus":0.1,"mem":32,"disk":0},"schedules":[{"id":"tick","cron":"@every 1s","concurrencyPolicy":"FORBID"}]}"#
        #expect(try await server.post("/v1/jobs", job).status == 201)
        func skipped() async throws -> Double {
            try await server.get("/v1/metrics").json["counters"]?["sundial.schedule.skipped.counter"]?["count"]?.numberValue ?? 0
        }
        #expect(try await server.eventually(timeout: 15) { try await skipped() >= 2 })
        let info = try await server.get("/v1/jobs/slow?embed=activeRuns").json
        #expect(info["activeRuns"]?.arrayValue?.count == 1)
        #expect(FileManager.default.createFile(atPath: release, contents: Data()))
        #expect(try await server.eventually(timeout: 10) {
            (try await server.get("/v1/jobs/slow?embed=history").json["history"]?["successCount"]?.numberValue ?? 0) >= 1
        })
    }

    @Test func slotsAreExactlyOnceAcrossKill9() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let job = #"{"id":"steady","run":{"cmd":"true","cpus":0.1,"mem":32,"disk":0},"schedules":[{"id":"tick","cron":"@every 1s","startingDeadlineSeconds":60}]}"#
        #expect(try await server.post("/v1/jobs", job).status == 201)
        // Kill around fire instants a few times; each restart is within the deadline.
        for offset in [0.990, 0.000, 0.005] {
            let now = Date().timeIntervalSince1970
            let target = now.rounded(.down) + 1 + offset
            try await Task.sleep(for: .milliseconds(Int((target - now) * 1000)))
            server.kill9()
            try await server.start()
        }
        try await Task.sleep(for: .milliseconds(1500))
        // Every stored run has a distinct slot, and there are no gaps: the run count equals
        // the number of distinct task sandboxes, each slot once.
        let root = server.dataDirectory.appendingPathComponent("sandboxes/steady")
        let runs = try FileManager.default.contentsOfDirectory(atPath: root.path)
        let history = try await server.get("/v1/jobs/steady?embed=history").json["history"]
        let finished = (history?["successfulFinishedRuns"]?.arrayValue ?? []).count
        #expect(finished >= 4)
        #expect(runs.count >= finished)
        // The database is the witness: no slot has two runs, and every slot between the
        // first and the last either ran or is recorded as missed (coalesced while down).
        let db = server.dataDirectory.appendingPathComponent("sundial.db").path
        let duplicates = try runSQLite(db, "SELECT COUNT(*) - COUNT(DISTINCT scheduled_at) FROM runs WHERE job_id = 'steady'")
        #expect(duplicates.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "a slot ran twice")
        let uncovered = try runSQLite(db, """
            WITH RECURSIVE bounds(lo, hi) AS (SELECT MIN(scheduled_at), MAX(scheduled_at) FROM runs WHERE job_id = 'steady'),
            slots(t) AS (SELECT lo FROM bounds UNION ALL SELECT t + 1000 FROM slots, bounds WHERE t + 1000 <= hi)
            SELECT COUNT(*) FROM slots WHERE t NOT IN (SELECT scheduled_at FROM runs WHERE job_id = 'steady')
              AND t NOT IN (SELECT instant FROM missed_slots WHERE job_id = 'steady')
            """)
        #expect(uncovered.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "a slot was silently lost")
    }
}

extension ScheduleFiringTests {
    @Test func slotsMissedWhileDownAreVisibleThroughTheAPI() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let job = #"{"id":"gappy","run":{"cmd":"true","cpus":0.1,"mem":32,"disk":0},"schedules":[{"id":"tick","cron":"@every 1s","startingDeadlineSeconds":60}]}"#
        #expect(try await server.post("/v1/jobs", job).status == 201)
        try await Task.sleep(for: .milliseconds(1200))
        server.kill9()
        try await Task.sleep(for: .milliseconds(3500))
        try await server.start()
        // Three or more slots passed while down: the latest ran at start, the rest are listed.
        let listed = try await server.eventually(timeout: 5) {
            (try await server.get("/v1/jobs/gappy/missed-slots").json.arrayValue?.count ?? 0) >= 2
        }
        #expect(listed)
        let slots = try await server.get("/v1/jobs/gappy/missed-slots?limit=1").json.arrayValue ?? []
        #expect(slots.count == 1)
        #expect(slots.first?["scheduleId"]?.stringValue == "tick")
        #expect(slots.first?["scheduledAt"]?.stringValue?.hasSuffix("+0000") == true)
        let metrics = try await server.get("/v1/metrics").json
        #expect((metrics["counters"]?["sundial.schedule.missed.counter"]?["count"]?.numberValue ?? 0) >= 2)
        #expect(try await server.get("/v1/jobs/gappy/missed-slots?limit=0").status == 400)
        #expect(try await server.get("/v1/jobs/nope/missed-slots").status == 404)
    }
}

/// Reads the database with Python's sqlite3 module (always present with python3).
func runSQLite(_ path: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print('|'.join(str(x) for x in c.execute(sys.argv[2]).fetchone()))", path, sql]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
}
