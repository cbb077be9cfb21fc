import Foundation
import Testing
import SundialCore

/// The Chronos API of the real server: the http_api vectors of reference/chronos/vectors.json
/// and the lifecycle of issue #4 (scheduled parent, dependent child, manual start with
/// arguments, mark-success, kill, retries, the DOT graph), with real processes.
@Suite struct ChronosAPITests {
    func job(_ server: SundialServerProcess, _ name: String) async throws -> JSONValue {
        try await server.get("/v1/scheduler/job/\(name)").json
    }

    func count(_ json: JSONValue, _ key: String) -> Int { Int(json[key]?.numberValue ?? -1) }

    @Test func errorsAndStatusCodesAsChronosSendsThem() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let created = try await server.post("/v1/scheduler/iso8601", #"{"name":"sample","command":"echo hi","schedule":"R/2030-01-01T00:00:00Z/PT1H"}"#)
        #expect(created.status == 204 && created.body.isEmpty)
        let badName = try await server.post("/v1/scheduler/iso8601", #"{"name":"bad name","command":"x","schedule":"R/2030-01-01T00:00:00Z/PT1H"}"#)
        #expect(badName.status == 400 && badName.json["status"] == "Bad Request")
        #expect(badName.json["message"]?.stringValue?.contains("requirement failed: the job's name is invalid. Allowed names: '([\\w\\.-]+)'") == true)
        let badSchedule = try await server.post("/v1/scheduler/iso8601", #"{"name":"x","command":"x","schedule":"FOO"}"#)
        #expect(badSchedule.status == 400 && badSchedule.json == ["message": "Cannot parse schedule 'FOO' (wtf bro)", "status": "Bad Request"])
        let early = try await server.post("/v1/scheduler/iso8601", #"{"name":"x","command":"x","schedule":"R/1969-12-31T00:00:00Z/P1D"}"#)
        #expect(early.json == ["message": "Scheduled start date '1969-12-31T00:00:00.000Z' is before 1970!", "status": "Bad Request"])
        let both = try await server.post(
            "/v1/scheduler/iso8601", #"{"name":"x","command":"x","schedule":"R/2030-01-01T00:00:00Z/P1D","uris":["http://a/b"],"fetch":[{"uri":"http://a/c"}]}"#)
        #expect(both.json == ["message": "Tried to add both uri (deprecated) and fetch parameters on x", "status": "Bad Request"])
        let garbage = try await server.post("/v1/scheduler/iso8601", "{not json")
        #expect(garbage.status == 400 && garbage.json["status"] == "Bad Request")
        for (method, path, message) in [
            ("GET", "/v1/scheduler/job/nope", "requirement failed: Job 'nope' not found"),
            ("PUT", "/v1/scheduler/job/nope", "requirement failed: Job 'nope' not found"),
            ("DELETE", "/v1/scheduler/job/nope", "requirement failed: JobSchedule 'nope' not found"),
            ("DELETE", "/v1/scheduler/task/kill/nope", "requirement failed: JobSchedule 'nope' not found"),
            ("GET", "/v1/scheduler/job/stat/nope", "requirement failed: Job 'nope' not found"),
        ] {
            let reply = try await server.request(method, path)
            #expect(reply.status == 400 && reply.json == ["message": .string(message), "status": "Bad Request"], "\(method) \(path)")
        }
        let unknownSuccess = try await server.request("PUT", "/v1/scheduler/job/success/nope")
        #expect(unknownSuccess.status == 200 && unknownSuccess.text == "marked job nope as successful: false")
        #expect(try await server.get("/v1/scheduler/stats/bogus").json == [])
        let stat = try await server.get("/v1/scheduler/job/stat/sample").json
        #expect(stat["histogram"]?.objectValue?.keys.sorted() == ["75thPercentile", "95thPercentile", "98thPercentile", "99thPercentile", "count", "mean", "median"])
        #expect(stat["taskStatHistory"] == [])
        let notData = try await server.post("/v1/scheduler/job/sample/task/ct:1428515194358:0:sample:/progress", #"{"numAdditionalElementsProcessed":5}"#)
        #expect(notData.status == 400 && notData.json["message"] == "JobSchedule 'sample' is not enabled to track data")
        let badTask = try await server.post("/v1/scheduler/job/sample/task/garbage/progress", #"{"numAdditionalElementsProcessed":5}"#)
        #expect(badTask.status == 400 && badTask.json["message"] == "Invalid task id format garbage")
        // The leader answers at both addresses, with the same body.
        let leader = try await server.get("/v1/scheduler/leader")
        #expect(leader.status == 200 && leader.json["leader"]?.stringValue?.hasSuffix(":\(server.port)") == true)
        #expect(try await server.get("/leader").json == leader.json)
        #expect(try await server.get("/scheduler/leader").json == leader.json)
        // 2.x paths answer too.
        #expect(try await server.get("/scheduler/jobs").json.arrayValue?.count == 1)
    }

    @Test func concurrentPostsOfOneNewNameMakeOneJob() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let body = #"{"name":"Nightly_ETL","command":"true","schedule":"R/2030-01-01T00:00:00Z/PT1H"}"#
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<12 { group.addTask { try await server.post("/v1/scheduler/iso8601", body).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.allSatisfy { $0 == 204 })
        let jobs = try await server.get("/v1/jobs").json.arrayValue ?? []
        #expect(jobs.count == 1, "one name, one job: \(jobs.compactMap { $0["id"]?.stringValue })")
    }

    @Test func jobsAreSharedWithTheMetronomeAPI() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        #expect(try await server.post("/v1/scheduler/iso8601", #"{"name":"SAMPLE_JOB1","command":"echo hi","schedule":"R/2030-01-01T00:00:00Z/PT1H","epsilon":"PT15M","owner":"ops@example.com"}"#).status == 204)
        let metronome = try await server.get("/v1/jobs/sample-job1?embed=schedules").json
        #expect(metronome["run"]?["cmd"] == "echo hi")
        #expect(metronome["schedules"]?.arrayValue?.first?["cron"] == "R/2030-01-01T00:00:00Z/PT1H")
        #expect(metronome["schedules"]?.arrayValue?.first?["startingDeadlineSeconds"] == 900)
        #expect(metronome["schedules"]?.arrayValue?.first?["concurrencyPolicy"] == "FORBID")
        let chronos = try await job(server, "SAMPLE_JOB1")
        #expect(chronos["owner"] == "ops@example.com" && chronos["retries"] == 2 && chronos["cpus"] == 0.1 && chronos["mem"] == 128)
        #expect(chronos["schedule"] == "R/2030-01-01T00:00:00Z/PT1H" && chronos["epsilon"] == "PT900S")
        #expect(try await server.post("/v1/jobs", minimalJob("from-metronome", cmd: "true")).status == 201)
        let listed = try await server.get("/v1/scheduler/jobs").json.arrayValue ?? []
        #expect(Set(listed.compactMap { $0["name"]?.stringValue }) == ["SAMPLE_JOB1", "from-metronome"])
        let fromMetronome = try await job(server, "from-metronome")
        #expect(fromMetronome["command"] == "true" && fromMetronome["shell"] == true && fromMetronome["parents"] == [])
        // A Metronome update keeps the Chronos name.
        #expect(try await server.put("/v1/jobs/sample-job1", #"{"id":"sample-job1","run":{"cmd":"echo bye","cpus":0.1,"mem":128,"disk":256}}"#).status == 200)
        #expect(try await job(server, "SAMPLE_JOB1")["command"] == "echo bye")
    }

    @Test func scheduledParentThenDependentChild() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let marker = server.dataDirectory.appendingPathComponent("order.txt").path
        let go = server.dataDirectory.appendingPathComponent("go").path
        // An empty start means now: the parent's single slot is due at once. It finishes only
        // once the child exists (a parent success before the child existed does not count).
        #expect(try await server.post(
            "/v1/scheduler/iso8601",
            #"{"name":"parent","command":"while [ ! -f \#(go) ]; do sleep 0.05; done; echo parent >> \#(marker)","schedule":"R1//PT1H"}"#).status == 204)
        #expect(try await server.post("/v1/scheduler/dependency", #"{"name":"child","command":"echo child >> \#(marker)","parents":["parent"]}"#).status == 204)
        #expect(FileManager.default.createFile(atPath: go, contents: Data()))
        #expect(try await server.eventually(timeout: 15) { self.count(try await self.job(server, "child"), "successCount") == 1 })
        #expect(try String(contentsOfFile: marker, encoding: .utf8) == "parent\nchild\n")
        let parent = try await job(server, "parent")
        #expect(count(parent, "successCount") == 1 && parent["lastSuccess"]?.stringValue?.hasSuffix("Z") == true)
        let summary = try await server.get("/v1/scheduler/jobs/summary").json["jobs"]?.arrayValue ?? []
        let child = summary.first { $0["name"] == "child" }
        #expect(child == ["name": "child", "status": "success", "state": "idle", "schedule": "", "parents": ["parent"], "disabled": false])
        // A dependency on an unknown parent, or a cycle, is refused and changes nothing.
        let unknown = try await server.post("/v1/scheduler/dependency", #"{"name":"orphan","command":"true","parents":["ghost"]}"#)
        #expect(unknown.status == 400 && unknown.json["message"] == "JobSchedule orphan does not have all parents defined!")
        let cycle = try await server.post("/v1/scheduler/dependency", #"{"name":"parent","command":"true","parents":["child"]}"#)
        #expect(cycle.status == 400)
        #expect(try await job(server, "parent")["parents"] == nil)
        let dot = try await server.get("/v1/scheduler/graph/dot")
        #expect(dot.text == "digraph G {\n  1 [ label=\"child\" ];\n  2 [ label=\"parent\" ];\n  2 -> 1;\n}\n")
        let csv = try await server.get("/v1/scheduler/graph/csv").text
        #expect(csv == "node,child,success,idle\nnode,parent,success,idle\nlink,parent,child\n")
        // Deleting the parent leaves the child without parents (it runs when started by hand).
        #expect(try await server.delete("/v1/scheduler/job/parent").status == 204)
        #expect(try await job(server, "child")["parents"] == [])
    }

    @Test func manualStartWithArgumentsMarkSuccessAndKill() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let touched = server.dataDirectory.appendingPathComponent("touched-by-arguments").path
        #expect(try await server.post(
            "/v1/scheduler/iso8601",
            #"{"name":"toucher","command":"/usr/bin/touch","shell":false,"arguments":[],"schedule":"R/2030-01-01T00:00:00Z/P1D","retries":0}"#).status == 204)
        #expect(try await server.request("PUT", "/v1/scheduler/job/toucher?arguments=\(touched)").status == 204)
        #expect(try await server.eventually { FileManager.default.fileExists(atPath: touched) })
        #expect(try await server.eventually { self.count(try await self.job(server, "toucher"), "successCount") == 1 })

        let marked = try await server.request("PUT", "/v1/scheduler/job/success/toucher")
        #expect(marked.status == 200 && marked.text == "marked job toucher as successful: true")
        #expect(count(try await job(server, "toucher"), "successCount") == 2)

        #expect(try await server.post("/v1/scheduler/iso8601", #"{"name":"sleeper","command":"sleep 60","schedule":"R/2030-01-01T00:00:00Z/P1D"}"#).status == 204)
        #expect(try await server.request("PUT", "/v1/scheduler/job/sleeper").status == 204)
        func state() async throws -> String? {
            try await server.get("/v1/scheduler/jobs/summary").json["jobs"]?.arrayValue?.first { $0["name"] == "sleeper" }?["state"]?.stringValue
        }
        #expect(try await server.eventually { try await state() == "1 running" })
        // Not concurrent: a second manual start while it runs is dropped, as in Chronos (a
        // started run is recorded before the 204, so it would already be listed).
        #expect(try await server.request("PUT", "/v1/scheduler/job/sleeper").status == 204)
        #expect(try await server.get("/v1/jobs/sleeper/runs").json.arrayValue?.count == 1)
        #expect(try await server.delete("/v1/scheduler/task/kill/sleeper").status == 204)
        #expect(try await server.eventually { try await state() == "idle" })
    }

    @Test func aFailingJobIsRetried() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        #expect(try await server.post("/v1/scheduler/iso8601", #"{"name":"flaky","command":"exit 1","retries":2,"schedule":"R/2030-01-01T00:00:00Z/P1D"}"#).status == 204)
        #expect(try await server.request("PUT", "/v1/scheduler/job/flaky").status == 204)
        #expect(try await server.eventually(timeout: 15) { self.count(try await self.job(server, "flaky"), "errorCount") == 1 })
        let history = try await server.get("/v1/jobs/flaky?embed=history").json["history"]
        #expect(history?["failedFinishedRuns"]?.arrayValue?.first?["tasks"]?.arrayValue?.count == 3)
        let flaky = try await job(server, "flaky")
        #expect(count(flaky, "successCount") == 0 && count(flaky, "errorsSinceLastSuccess") == 1 && flaky["lastError"] != "")
    }

    @Test func constraintsThatCannotMatchKeepTheRunQueued() async throws {
        let server = try await SundialServerProcess(extraArguments: ["--attribute", "rack=rack-1"])
        defer { server.stop() }
        #expect(try await server.post("/v1/scheduler/iso8601", #"{"name":"here","command":"true","schedule":"R/2030-01-01T00:00:00Z/P1D","constraints":[["rack","LIKE","rack-[1-3]"]]}"#).status == 204)
        #expect(try await server.post("/v1/scheduler/iso8601", #"{"name":"there","command":"true","schedule":"R/2030-01-01T00:00:00Z/P1D","constraints":[["rack","EQUALS","rack-2"]]}"#).status == 204)
        #expect(try await server.request("PUT", "/v1/scheduler/job/here").status == 204)
        #expect(try await server.request("PUT", "/v1/scheduler/job/there").status == 204)
        #expect(try await server.eventually { self.count(try await self.job(server, "here"), "successCount") == 1 })
        let queue = try await server.get("/v1/queue").json.arrayValue ?? []
        #expect(queue.map { $0["jobId"] } == ["there"])
        let state = try await server.get("/v1/scheduler/jobs/summary").json["jobs"]?.arrayValue?.first { $0["name"] == "there" }?["state"]
        #expect(state == "queued")
        let bad = try await server.post("/v1/scheduler/iso8601", #"{"name":"bad","command":"true","constraints":[["rack","LIKE","[[["]]}"#)
        #expect(bad.status == 400)
    }

    @Test func dataJobProgressIsStoredOnItsTask() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        // The task reports its own id, which is Chronos-shaped, through its environment.
        let idFile = server.dataDirectory.appendingPathComponent("task-id").path
        #expect(try await server.post(
            "/v1/scheduler/iso8601",
            #"{"name":"counter","command":"printf %s \"$mesos_task_id\" > \#(idFile)","dataProcessingJobType":true,"schedule":"R/2030-01-01T00:00:00Z/P1D"}"#).status == 204)
        #expect(try await server.request("PUT", "/v1/scheduler/job/counter").status == 204)
        #expect(try await server.eventually { self.count(try await self.job(server, "counter"), "successCount") == 1 })
        let taskID = try String(contentsOfFile: idFile, encoding: .utf8)
        #expect(taskID.hasPrefix("ct:") && taskID.hasSuffix(":0:counter:"))
        for n in [5, 7] {
            let reply = try await server.post("/v1/scheduler/job/counter/task/\(taskID)/progress", #"{"numAdditionalElementsProcessed":\#(n)}"#)
            #expect(reply.status == 204 && reply.body.isEmpty)
        }
        let negative = try await server.post("/v1/scheduler/job/counter/task/\(taskID)/progress", #"{"numAdditionalElementsProcessed":-1}"#)
        #expect(negative.status == 400 && negative.json["message"] == "numAdditionalElementsProcessed (-1) is not positive")
        let unknown = try await server.post("/v1/scheduler/job/counter/task/ct:1:0:counter:/progress", #"{"numAdditionalElementsProcessed":1}"#)
        #expect(unknown.status == 400 && unknown.json["message"] == "Task id ct:1:0:counter: not found")
        let stat = try await server.get("/v1/scheduler/job/stat/counter").json
        #expect(stat["taskStatHistory"]?.arrayValue?.first?["numElementsProcessed"] == 12)
        #expect(stat["taskStatHistory"]?.arrayValue?.first?["taskId"]?.stringValue == taskID)
        #expect(stat["histogram"]?["count"] == 1)
    }

    @Test func searchRefusesPagingThatIsNotANumber() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        for query in ["limit=abc", "limit=-1", "offset=x"] {
            let reply = try await server.get("/v1/scheduler/jobs/search?\(query)")
            #expect(reply.status == 400 && reply.json["status"] == "Bad Request", "\(query)")
        }
        #expect(try await server.get("/v1/scheduler/jobs/search?limit=0").json == [])
    }

    @Test func searchFiltersByNameCommandAndAny() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        for (name, command) in [("alpha", "echo one"), ("beta", "run ALPHA"), ("gamma", "x")] {
            #expect(try await server.post("/v1/scheduler/iso8601", #"{"name":"\#(name)","command":"\#(command)","schedule":"R/2030-01-01T00:00:00Z/P1D"}"#).status == 204)
        }
        func names(_ query: String) async throws -> [String] {
            (try await server.get("/v1/scheduler/jobs/search?\(query)").json.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        }
        #expect(try await names("name=alp") == ["alpha"])
        #expect(try await names("command=alpha") == ["beta"])
        #expect(try await names("name=zzz&any=gam") == ["gamma"])
        #expect(try await names("any=zzz") == [])
        #expect(try await names("name=a") == ["alpha", "beta", "gamma"])
        #expect(try await names("name=a&limit=1") == ["alpha"])
        #expect(try await names("name=a&limit=1&offset=1") == ["beta"])
    }
}
