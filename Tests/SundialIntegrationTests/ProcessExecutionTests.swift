import Foundation
import Testing
import SundialCore

/// Runs start real processes with the job's command, environment and policies.
@Suite struct ProcessExecutionTests {
    func stdout(_ server: SundialServerProcess, job: String, run: String) throws -> String {
        let dir = server.dataDirectory.appendingPathComponent("sandboxes/\(job)/\(run)")
        let task = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.path).first)
        return try String(contentsOf: dir.appendingPathComponent("\(task)/stdout"), encoding: .utf8)
    }

    func finished(_ server: SundialServerProcess, _ job: String, _ run: String) async throws -> JSONValue {
        _ = try await server.eventually(timeout: 15) {
            let status = try await server.get("/v1/jobs/\(job)/runs/\(run)").json["status"]
            return status == "SUCCESS" || status == "FAILED"
        }
        return try await server.get("/v1/jobs/\(job)/runs/\(run)").json
    }

    @Test func commandRunsThroughShellInItsSandboxWithEnv() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let job = #"{"id":"envjob","run":{"cmd":"echo \"$GREETING $SUNDIAL_JOB_ID\"; pwd; test -z \"$SECRET_OF_SERVER\" && echo clean","cpus":0.1,"mem":32,"disk":0,"env":{"GREETING":"hi there"}}}"#
        #expect(try await server.post("/v1/jobs", job).status == 201)
        let run = try #require(try await server.post("/v1/jobs/envjob/runs").json["id"]?.stringValue)
        let final = try await finished(server, "envjob", run)
        #expect(final["status"] == "SUCCESS")
        #expect(final["tasks"]?.arrayValue?.first?["status"] == "TASK_FINISHED")
        let lines = try stdout(server, job: "envjob", run: run).split(separator: "\n")
        #expect(lines.first == "hi there envjob")
        #expect(lines.dropFirst().first?.hasSuffix("/sandboxes/envjob/\(run)/\(final["tasks"]!.arrayValue!.first!["id"]!.stringValue!)") == true)
        #expect(lines.last == "clean")
    }

    @Test func containerJobsFailClearlyUntilContainersLand() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let job = #"{"id":"boxed","run":{"args":["/bin/echo","hi"],"cpus":0.1,"mem":32,"disk":0,"ucr":{"image":{"id":"alpine"}}}}"#
        #expect(try await server.post("/v1/jobs", job).status == 201)
        let run = try #require(try await server.post("/v1/jobs/boxed/runs").json["id"]?.stringValue)
        let final = try await finished(server, "boxed", run)
        #expect(final["status"] == "FAILED")
        #expect(final["tasks"]?.arrayValue?.first?["status"] == "TASK_FAILED")
        // Why it failed is on the task: there is no log to read.
        #expect(final["tasks"]?.arrayValue?.first?["message"]?.stringValue?.contains("container images are not executed yet") == true)
        let logs = try await CLIProcess.run(["job", "logs", "boxed", run], url: server.url)
        #expect(logs.status != 0 && logs.stderr.contains("has no log: container images are not executed yet"), "\(logs)")
        let shown = try await CLIProcess.run(["job", "show", "runs", "boxed", "--run-id", run], url: server.url)
        #expect(shown.stdout.contains("TASK_FAILED: container images are not executed yet"), "\(shown)")
    }

    @Test func argsAloneRunWithoutAShell() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let job = #"{"id":"argv","run":{"args":["/bin/echo","$HOME","a  b"],"cpus":0.1,"mem":32,"disk":0}}"#
        #expect(try await server.post("/v1/jobs", job).status == 201)
        let run = try #require(try await server.post("/v1/jobs/argv/runs").json["id"]?.stringValue)
        let final = try await finished(server, "argv", run)
        #expect(final["status"] == "SUCCESS")
        #expect(final["tasks"]?.arrayValue?.first?["exitCode"] == 0)
        // No shell: `$HOME` is not expanded and the spaces stay.
        #expect(try stdout(server, job: "argv", run: run) == "$HOME a  b\n")
    }

    @Test func failingCommandFailsTheRun() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        _ = try await server.post("/v1/jobs", minimalJob("fails", cmd: "exit 3"))
        let run = try #require(try await server.post("/v1/jobs/fails/runs").json["id"]?.stringValue)
        let final = try await finished(server, "fails", run)
        #expect(final["status"] == "FAILED")
        #expect(final["tasks"]?.arrayValue?.first?["status"] == "TASK_FAILED")
        #expect(final["tasks"]?.arrayValue?.first?["exitCode"] == 3)
        let summary = try await server.get("/v1/jobs/fails?embed=historySummary").json["historySummary"]
        #expect(summary?["failureCount"] == 1)
        #expect(summary?["successCount"] == 0)
        #expect(summary?["lastFailureAt"]?.stringValue != nil)
    }

    @Test func onFailureRestartsWithinActiveDeadline() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        // Fails twice, then succeeds: a counter file outside the per-task sandbox.
        let counter = server.dataDirectory.appendingPathComponent("attempts").path
        let cmd = "n=$(cat \(counter) 2>/dev/null || echo 0); n=$((n+1)); echo $n > \(counter); [ $n -ge 3 ]"
        let job = #"{"id":"flaky","run":{"cmd":"\#(cmd)","cpus":0.1,"mem":32,"disk":0,"restart":{"policy":"ON_FAILURE","activeDeadlineSeconds":60}}}"#
        #expect(try await server.post("/v1/jobs", job).status == 201)
        let run = try #require(try await server.post("/v1/jobs/flaky/runs").json["id"]?.stringValue)
        let final = try await finished(server, "flaky", run)
        #expect(final["status"] == "SUCCESS")
        #expect(final["tasks"]?.arrayValue?.map { $0["status"] } == ["TASK_FAILED", "TASK_FAILED", "TASK_FINISHED"])
    }

    @Test func stopHonoursTheGracePeriod() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        // Ignores SIGTERM, so only the SIGKILL after the grace period ends it.
        let job = #"{"id":"stubborn","run":{"cmd":"trap '' TERM; sleep 60 & wait; sleep 60","cpus":0.1,"mem":32,"disk":0,"taskKillGracePeriodSeconds":1}}"#
        #expect(try await server.post("/v1/jobs", job).status == 201)
        let run = try #require(try await server.post("/v1/jobs/stubborn/runs").json["id"]?.stringValue)
        #expect(try await server.eventually { try await server.get("/v1/jobs/stubborn/runs/\(run)").json["status"] == "ACTIVE" })
        let started = Date()
        let stopped = try await server.post("/v1/jobs/stubborn/runs/\(run)/actions/stop")
        let elapsed = Date().timeIntervalSince(started)
        #expect(stopped.status == 200)
        #expect(stopped.json["status"] == "FAILED")
        #expect(elapsed >= 0.9, "SIGKILL came before the grace period ended: \(elapsed)s")
        // A task that exits on SIGTERM is gone without waiting for the grace period.
        let polite = #"{"id":"polite","run":{"cmd":"trap 'exit 0' TERM; sleep 60 & wait","cpus":0.1,"mem":32,"disk":0,"taskKillGracePeriodSeconds":30}}"#
        #expect(try await server.post("/v1/jobs", polite).status == 201)
        let run2 = try #require(try await server.post("/v1/jobs/polite/runs").json["id"]?.stringValue)
        #expect(try await server.eventually { try await server.get("/v1/jobs/polite/runs/\(run2)").json["status"] == "ACTIVE" })
        let started2 = Date()
        #expect(try await server.post("/v1/jobs/polite/runs/\(run2)/actions/stop").json["status"] == "FAILED")
        #expect(Date().timeIntervalSince(started2) < 20)
    }

    @Test func artifactsAreFetchedIntoTheSandbox() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let source = server.dataDirectory.appendingPathComponent("tool.sh")
        try FileManager.default.createDirectory(at: server.dataDirectory, withIntermediateDirectories: true)
        try "#!/bin/sh\necho tool ran\n".write(to: source, atomically: true, encoding: .utf8)
        let job = #"{"id":"fetch","run":{"cmd":"./tool.sh","cpus":0.1,"mem":32,"disk":0,"artifacts":[{"uri":"file://\#(source.path)","executable":true,"extract":false}]}}"#
        #expect(try await server.post("/v1/jobs", job).status == 201)
        let run = try #require(try await server.post("/v1/jobs/fetch/runs").json["id"]?.stringValue)
        #expect(try await finished(server, "fetch", run)["status"] == "SUCCESS")
        #expect(try stdout(server, job: "fetch", run: run) == "tool ran\n")
    }
}
