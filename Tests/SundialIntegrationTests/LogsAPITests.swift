import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import SundialCore

/// `GET /v1/jobs/{job}/runs/{run}/logs/{stdout|stderr}` on the real server (docs/api.md).
@Suite struct LogsAPITests {
    /// Starts a run of a fresh job and waits until it has finished.
    func finishedRun(_ server: SundialServerProcess, job: String, cmd: String) async throws -> String {
        #expect(try await server.post("/v1/jobs", minimalJob(job, cmd: cmd)).status == 201)
        let run = try #require(try await server.post("/v1/jobs/\(job)/runs").json["id"]?.stringValue)
        #expect(try await server.eventually(timeout: 30) {
            try await server.get("/v1/jobs/\(job)?embed=history").json["history"]?["successfulFinishedRuns"]?.arrayValue?.count == 1
        })
        return run
    }

    func headers(_ server: SundialServerProcess, _ path: String) async throws -> (status: Int, body: String, headers: [String: String]) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "\(server.url)\(path)")!)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers[String(describing: key).lowercased()] = String(describing: value) }
        return (http.statusCode, String(decoding: data, as: UTF8.self), headers)
    }

    @Test func rangesTailsAndHeaders() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let run = try await finishedRun(server, job: "printer", cmd: "printf 'alpha\\nbeta\\ngamma\\n'; printf 'oops' >&2")
        let base = "/v1/jobs/printer/runs/\(run)/logs"
        let task = try #require(try await server.get("/v1/jobs/printer/runs/\(run)").json["tasks"]?.arrayValue?.last?["id"]?.stringValue)

        var reply = try await headers(server, "\(base)/stdout")
        #expect(reply.status == 200)
        #expect(reply.body == "alpha\nbeta\ngamma\n")
        #expect(reply.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(reply.headers["x-sundial-log-size"] == "17")
        #expect(reply.headers["x-sundial-log-offset"] == "0")
        #expect(reply.headers["x-sundial-task-id"] == task)

        reply = try await headers(server, "\(base)/stdout?offset=6&length=4")
        #expect(reply.body == "beta")
        #expect(reply.headers["x-sundial-log-offset"] == "6")
        reply = try await headers(server, "\(base)/stdout?tail=2")
        #expect(reply.body == "beta\ngamma\n")
        #expect(reply.headers["x-sundial-log-offset"] == "6")
        reply = try await headers(server, "\(base)/stdout?offset=100")
        #expect(reply.status == 200)
        #expect(reply.body == "")
        #expect(reply.headers["x-sundial-log-offset"] == "17")
        #expect(try await headers(server, "\(base)/stderr?task=\(task)").body == "oops")
        // Following a finished run sends what there is and ends.
        #expect(try await headers(server, "\(base)/stdout?follow=true&tail=1").body == "gamma\n")
        // The same under DC/OS's prefix, with doubled slashes.
        #expect(try await headers(server, "/service/metronome//v1/jobs/printer/runs/\(run)/logs/stdout?tail=1").body == "gamma\n")
    }

    @Test func errorsUseMetronomesEnvelopes() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let run = try await finishedRun(server, job: "quiet", cmd: "true")
        let base = "/v1/jobs/quiet/runs/\(run)/logs"
        var reply = try await server.get("/v1/jobs/nope/runs/\(run)/logs/stdout")
        #expect(reply.status == 404)
        #expect(reply.json == ["id": "nope", "message": "Job not found"])
        reply = try await server.get("/v1/jobs/quiet/runs/20200101000000AAAAA/logs/stdout")
        #expect(reply.status == 404)
        #expect(reply.json["message"] == "Job Run not found")
        reply = try await server.get("\(base)/stdout?task=someone-else")
        #expect(reply.status == 404)
        #expect(reply.json["message"] == "Task not found")
        for query in ["tail=-1", "offset=x", "tail=2&offset=1", "follow=true&length=5", "follow=maybe"] {
            reply = try await server.get("\(base)/stdout?\(query)")
            #expect(reply.status == 400, "\(query)")
            #expect(reply.json["message"]?.stringValue?.isEmpty == false, "\(query)")
        }
        #expect(try await server.get("\(base)/stdin").status == 404)
        #expect(try await server.post("\(base)/stdout").status == 404)
        // A log whose file is gone is "Log not found".
        let sandbox = server.dataDirectory.appendingPathComponent("sandboxes/quiet/\(run)")
        try FileManager.default.removeItem(at: sandbox)
        reply = try await server.get("\(base)/stdout")
        #expect(reply.status == 404)
        #expect(reply.json == ["message": "Log not found"])
    }

    @Test func largeLogsAreServedInPieces() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        // 32 MiB of x, then two short lines.
        let run = try await finishedRun(server, job: "big", cmd: "head -c 33554432 /dev/zero | tr '\\\\0' x; printf '\\\\nsecond to last\\\\nlast\\\\n'")
        let base = "/v1/jobs/big/runs/\(run)/logs/stdout"
        var reply = try await headers(server, "\(base)?tail=2")
        #expect(reply.body == "second to last\nlast\n")
        #expect(reply.headers["x-sundial-log-size"] == String(33_554_432 + 21))
        reply = try await headers(server, "\(base)?offset=33554430&length=6")
        #expect(reply.body == "xx\nsec")
        let whole = try await server.get(base)
        #expect(whole.body.count == 33_554_432 + 21)
    }

    @Test func logsExpireByAge() async throws {
        let server = try await SundialServerProcess(extraArguments: ["--log-retention", "2s"])
        defer { server.stop() }
        let run = try await finishedRun(server, job: "ephemeral", cmd: "echo here")
        #expect(try await server.eventually(timeout: 30) {
            try await server.get("/v1/jobs/ephemeral/runs/\(run)/logs/stdout").status == 404
        })
        #expect(try await server.get("/v1/jobs/ephemeral/runs/\(run)/logs/stdout").json == ["message": "Log not found"])
        // The run itself is still there: only its logs expired.
        #expect(try await server.get("/v1/jobs/ephemeral/runs/\(run)").status == 200)
    }

    @Test func logsBeyondTheSizeBoundGoOldestFirstButNeverWhileActive() async throws {
        let server = try await SundialServerProcess(extraArguments: ["--log-max-bytes", "3K", "--log-sweep-interval", "1s"])
        defer { server.stop() }
        let twoKiB = "head -c 2048 /dev/zero"
        let old = try await finishedRun(server, job: "old", cmd: twoKiB)
        // An active run over the bound is kept while it runs, and pushes out the finished one.
        _ = try await server.post("/v1/jobs", minimalJob("active", cmd: "\(twoKiB); sleep 60"))
        let active = try #require(try await server.post("/v1/jobs/active/runs").json["id"]?.stringValue)
        #expect(try await server.eventually(timeout: 30) {
            try await server.get("/v1/jobs/old/runs/\(old)/logs/stdout").status == 404
        })
        #expect(try await server.eventually(timeout: 30) {
            try await server.get("/v1/jobs/active/runs/\(active)/logs/stdout").body.count == 2048
        })
    }

    @Test func sandboxesLeftByAnEarlierServerExpireToo() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("sundial-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        // Tasks that ended 8 days and 1 hour ago, under the default retention of 7 days.
        for (job, age) in [("stale", 8 * 86400.0), ("recent", 3600.0)] {
            let task = data.appendingPathComponent("sandboxes/\(job)/run-1/run-1.task")
            try FileManager.default.createDirectory(at: task, withIntermediateDirectories: true)
            for stream in ["stdout", "stderr"] {
                let file = task.appendingPathComponent(stream)
                try Data("\(job)\n".utf8).write(to: file)
                try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: file.path)
            }
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: task.path)
        }
        let server = try await SundialServerProcess(dataDirectory: data)
        defer { server.stop() }
        let stale = data.appendingPathComponent("sandboxes/stale/run-1/run-1.task").path
        #expect(try await server.eventually(timeout: 30) { !FileManager.default.fileExists(atPath: stale) })
        // Its emptied run directory went with it; the recent one stays.
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("sandboxes/stale/run-1").path))
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("sandboxes/recent/run-1/run-1.task/stdout").path))
    }

    @Test func withoutRetentionLogsStayAndTheServerRuns() async throws {
        let server = try await SundialServerProcess(extraArguments: ["--log-retention", "off", "--log-max-bytes", "off"])
        defer { server.stop() }
        let run = try await finishedRun(server, job: "kept", cmd: "echo kept")
        #expect(try await server.get("/v1/jobs/kept/runs/\(run)/logs/stdout").body == Data("kept\n".utf8))
        #expect(server.isRunning)
        #expect(try await server.get("/info").json["config"]?["sundial.log-retention"] == "off")
    }

        /// The server's open files that are this path.
    func serverHasOpen(_ server: SundialServerProcess, _ path: String) -> Bool {
        let fds = "/proc/\(server.pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: fds)) ?? []
        return entries.contains { (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fds)/\($0)")) == path }
    }

    @Test func aFollowWhoseClientLeftEndsEvenWhileTheTaskIsSilent() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        _ = try await server.post("/v1/jobs", minimalJob("silent", cmd: "echo started; sleep 60"))
        let run = try #require(try await server.post("/v1/jobs/silent/runs").json["id"]?.stringValue)
        let follow = try CLIProcess(["job", "logs", "silent", run, "--follow"], url: server.url)
        #expect(try await server.eventually(timeout: 20) { follow.stdout == "started\n" })
        let task = try #require(try await server.get("/v1/jobs/silent/runs/\(run)").json["tasks"]?.arrayValue?.last?["id"]?.stringValue)
        let log = server.dataDirectory.appendingPathComponent("sandboxes/silent/\(run)/\(task)/stdout").path
        #expect(serverHasOpen(server, log), "the follow holds the log open")
        kill(follow.pid, SIGKILL)
        _ = await follow.waitForExit()
        #expect(try await server.eventually(timeout: 20) { !serverHasOpen(server, log) }, "the follow let go of the log")
        _ = try await server.post("/v1/jobs/silent/runs/\(run)/actions/stop")
    }

        @Test func aFollowEndsWhenTheServerShutsDown() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        _ = try await server.post("/v1/jobs", minimalJob("forever", cmd: "echo started; sleep 60"))
        let run = try #require(try await server.post("/v1/jobs/forever/runs").json["id"]?.stringValue)
        let follow = try CLIProcess(["job", "logs", "forever", run, "--follow"], url: server.url)
        #expect(try await server.eventually(timeout: 20) { follow.stdout == "started\n" })
        server.terminate()
        #expect(try await server.eventually(timeout: 20) { !server.isRunning }, "a follow must not hold the server up")
        _ = await follow.waitForExit()
    }
}
