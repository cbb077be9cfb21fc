import Foundation
import Testing
import SundialCore

/// Crashes of the server (SIGKILL) lose nothing that was acknowledged and duplicate nothing.
@Suite struct DurabilityTests {
    func sandboxes(_ server: SundialServerProcess, job: String) -> [URL] {
        let root = server.dataDirectory.appendingPathComponent("sandboxes/\(job)")
        guard let runs = try? FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil) else { return [] }
        return runs.flatMap { (try? FileManager.default.contentsOfDirectory(at: $0, includingPropertiesForKeys: nil)) ?? [] }
    }

    @Test func acknowledgedCreatesSurviveKill9() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        for i in 0..<50 { #expect(try await server.post("/v1/jobs", minimalJob("job-\(i)")).status == 201) }
        _ = try await server.post("/v1/jobs/job-0/schedules", #"{"id":"nightly","cron":"0 3 * * *","timezone":"Europe/London"}"#)
        server.kill9()
        try await server.start()
        let list = try await server.get("/v1/jobs")
        #expect(list.json.arrayValue?.count == 50)
        #expect(try await server.get("/v1/jobs/job-0").json["schedules"]?.arrayValue?.first?["timezone"] == "Europe/London")
    }

    @Test func runningTaskIsAdoptedAfterKill9AndItsExitLands() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        // The task ends only when the test says so: after the restarted server has adopted it.
        let release = server.dataDirectory.appendingPathComponent("release-adopt").path
        _ = try await server.post("/v1/jobs", minimalJob("adopt", cmd: "while [ ! -e \(release) ]; do sleep 0.05; done; echo finished"))
        let runID = try #require(try await server.post("/v1/jobs/adopt/runs").json["id"]?.stringValue)
        #expect(try await server.eventually { try await server.get("/v1/jobs/adopt/runs/\(runID)").json["status"] == "ACTIVE" })
        server.kill9()
        try await server.start()
        let active = try await server.get("/v1/jobs/adopt/runs")
        #expect(active.json.arrayValue?.first?["id"]?.stringValue == runID)
        #expect(FileManager.default.createFile(atPath: release, contents: Data()))
        #expect(try await server.eventually(timeout: 15) {
            try await server.get("/v1/jobs/adopt?embed=history").json["history"]?["successCount"] == 1
        })
        let run = try await server.get("/v1/jobs/adopt/runs/\(runID)")
        #expect(run.json["status"] == "SUCCESS")
        #expect(run.json["tasks"]?.arrayValue?.count == 1)
        let tasks = sandboxes(server, job: "adopt")
        #expect(tasks.count == 1, "the task must not have been launched twice")
        let stdout = try String(contentsOf: tasks[0].appendingPathComponent("stdout"), encoding: .utf8)
        #expect(stdout == "finished\n")
    }

    @Test func taskThatDiedWhileDownFailsAndRestartPolicyApplies() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        _ = try await server.post("/v1/jobs", #"{"id":"never","run":{"cmd":"sleep 30","cpus":0.1,"mem":32,"disk":0}}"#)
        _ = try await server.post("/v1/jobs", #"{"id":"retry","run":{"cmd":"sleep 30","cpus":0.1,"mem":32,"disk":0,"restart":{"policy":"ON_FAILURE"}}}"#)
        let neverRun = try #require(try await server.post("/v1/jobs/never/runs").json["id"]?.stringValue)
        let retryRun = try #require(try await server.post("/v1/jobs/retry/runs").json["id"]?.stringValue)
        for (job, run) in [("never", neverRun), ("retry", retryRun)] {
            #expect(try await server.eventually { try await server.get("/v1/jobs/\(job)/runs/\(run)").json["status"] == "ACTIVE" })
        }
        server.kill9()
        // The tasks die while no server is watching: kill each supervisor's whole session.
        for job in ["never", "retry"] {
            for sandbox in sandboxes(server, job: job) {
                let text = try String(contentsOf: sandbox.appendingPathComponent(".sundial/supervisor"), encoding: .utf8)
                let pid = try #require(Int32(text.split(separator: " ")[0]))
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        try await server.start()
        #expect(try await server.eventually {
            try await server.get("/v1/jobs/never?embed=history").json["history"]?["failureCount"] == 1
        })
        // ON_FAILURE: the lost task is replaced by a second one under the same run.
        #expect(try await server.eventually {
            let run = try await server.get("/v1/jobs/retry/runs/\(retryRun)").json
            return run["tasks"]?.arrayValue?.count == 2 && run["tasks"]?.arrayValue?.last?["status"] == "TASK_RUNNING"
        })
        let retried = try await server.get("/v1/jobs/retry/runs/\(retryRun)").json
        #expect(retried["tasks"]?.arrayValue?.first?["status"] == "TASK_FAILED")
        #expect(try await server.delete("/v1/jobs/retry?stopCurrentJobRuns=true").status == 200)
    }
}
