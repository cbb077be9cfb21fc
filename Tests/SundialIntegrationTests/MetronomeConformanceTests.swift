import Foundation
import Testing
import SundialCore

/// reference/metronome.md §7, against the real binary.
@Suite struct MetronomeConformanceTests {
    @Test func pingInfoLeaderMetrics() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let ping = try await server.get("/ping")
        #expect(ping.status == 200)
        #expect(ping.text.contains("pong"))
        #expect(ping.contentType?.hasPrefix("text/plain") == true)
        let info = try await server.get("/info")
        #expect(info.status == 200)
        #expect(info.json["version"]?.stringValue?.range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil)
        #expect(info.json["libVersion"]?.stringValue?.range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil)
        let leader = try await server.get("/leader")
        #expect(leader.status == 200)
        #expect(leader.json["leader"]?.stringValue == "127.0.0.1:\(server.port)")
        let metrics = try await server.get("/v1/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.contentType?.hasPrefix("application/json") == true)
        #expect(metrics.json["counters"]?.objectValue != nil)
    }

    @Test func createGetAndDuplicate() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let created = try await server.post("/v1/jobs", minimalJob("my-job"))
        #expect(created.status == 201)
        // Canonical output with defaults written back (§3.3), later fields omitted at default.
        let expected = try JSONParser.parse(#"""
            {"id":"my-job","labels":{},"run":{"cpus":0.01,"mem":32,"disk":0,"cmd":"sleep 60","env":{},
             "placement":{"constraints":[]},"artifacts":[],"maxLaunchDelay":3600,"volumes":[],"restart":{"policy":"NEVER"}}}
            """#)
        #expect(created.json == expected)
        let fetched = try await server.get("/v1/jobs/my-job")
        #expect(fetched.status == 200)
        #expect(fetched.json["id"] == "my-job")
        #expect(fetched.json["run"]?["mem"] == 32)
        let duplicate = try await server.post("/v1/jobs", minimalJob("my-job"))
        #expect(duplicate.status == 409)
        #expect(duplicate.json == ["message": "Job with this id already exists"])
    }

    @Test func invalidIDsAre422EverywhereAndChangeNothing() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let bad = minimalJob("/not/valid")
        for (method, path) in [("POST", "/v1/jobs"), ("POST", "/v0/scheduled-jobs")] {
            let reply = try await server.request(method, path, json: bad)
            #expect(reply.status == 422)
            #expect(reply.json["message"] == "Object is not valid")
            #expect(reply.json["details"]?.arrayValue?.first?["path"] == "/id")
        }
        _ = try await server.post("/v1/jobs", minimalJob("spec1"))
        let put = try await server.put("/v1/jobs/spec1", bad)
        #expect(put.status == 422)
        let list = try await server.get("/v1/jobs")
        #expect(list.json.arrayValue?.count == 1)
    }

    @Test func somethingToRunIsRequired() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let reply = try await server.post("/v1/jobs", #"{"id":"spec1","run":{"cpus":1,"mem":128,"disk":0}}"#)
        #expect(reply.status == 422)
        #expect(reply.text.contains("Cmd, Docker or UCR image must be specified"))
        #expect(reply.json["details"]?.arrayValue?.first?["path"] == "/")
    }

    @Test func dockerUcrAndGpus() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        func job(_ id: String, _ extra: String) -> String {
            #"{"id":"\#(id)","run":{"cpus":1,"mem":128,"disk":0,\#(extra)}}"#
        }
        #expect(try await server.post("/v1/jobs", job("d1", #""docker":{"image":"image"}"#)).status == 201)
        #expect(try await server.post("/v1/jobs", job("u1", #""ucr":{"image":{"id":"image"}}"#)).status == 201)
        #expect(try await server.post("/v0/scheduled-jobs", job("d2", #""docker":{"image":"image","forcePullImage":true}"#)).status == 201)
        #expect(try await server.post("/v0/scheduled-jobs", job("u2", #""ucr":{"image":{"id":"image","forcePull":true}}"#)).status == 201)
        let docker = try await server.get("/v1/jobs/d1")
        #expect(docker.json["run"]?["docker"] == ["image": "image", "forcePullImage": false, "privileged": false, "parameters": []])
        let dockerGpu = try await server.post("/v1/jobs", job("g1", #""docker":{"image":"image"},"gpus":4"#))
        #expect(dockerGpu.status == 422)
        #expect(dockerGpu.text.contains("GPUs are not supported with Docker"))
        #expect(try await server.post("/v1/jobs", job("g2", #""ucr":{"image":{"id":"image"}},"gpus":4"#)).status == 201)
        let cmdGpu = try await server.post("/v1/jobs", job("g3", #""cmd":"true","gpus":4"#))
        #expect(cmdGpu.status == 201)
        #expect(cmdGpu.json["run"]?["gpus"] == 4)
        let both = try await server.post("/v1/jobs", job("b1", #""docker":{"image":"i"},"ucr":{"image":{"id":"i"}}"#))
        #expect(both.status == 422)
        #expect(both.text.contains("Either Docker or UCR should be provided, but not both"))
    }

    @Test func secrets() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        func job(_ id: String, _ extra: String) -> String {
            #"{"id":"\#(id)","run":{"cpus":1,"mem":128,"disk":0,\#(extra)}}"#
        }
        let ok = try await server.post("/v1/jobs", job("s1", #""cmd":"true","env":{"secretVar":{"secret":"secretId"}},"secrets":{"secretId":{"source":"source"}}"#))
        #expect(ok.status == 201)
        #expect(ok.json["run"]?["env"] == ["secretVar": ["secret": "secretId"]])
        #expect(ok.json["run"]?["secrets"] == ["secretId": ["source": "source"]])
        #expect(try await server.post("/v1/jobs", job("s2", #""cmd":"true","env":{"secretVar":{"secret":"secretId"}}"#)).status == 422)
        #expect(try await server.post("/v1/jobs", job("s3", #""ucr":{"image":{"id":"i"}},"volumes":[{"containerPath":"/var/secrets","secret":"secretName"}]"#)).status == 422)
        let unused = try await server.post("/v1/jobs", job("s4", #""cmd":"true","secrets":{"secretId":{"source":"source"}}"#))
        #expect(unused.status == 422)
        #expect(unused.text.contains("secretId"))
        let ucrVolume = job("s5", #""ucr":{"image":{"id":"i"}},"volumes":[{"containerPath":"/var/secrets","secret":"secretName"}],"secrets":{"secretName":{"source":"x"}}"#)
        #expect(try await server.post("/v1/jobs", ucrVolume).status == 201)
        let dockerVolume = try await server.post("/v1/jobs", job("s6", #""docker":{"image":"i"},"volumes":[{"containerPath":"/var/secrets","secret":"secretName"}],"secrets":{"secretName":{"source":"x"}}"#))
        #expect(dockerVolume.status == 422)
        #expect(dockerVolume.text.contains("File based secrets are only supported by UCR"))
        let mixed = try await server.post("/v1/jobs", job("s7", #""cmd":"true","volumes":[{"containerPath":"/a","hostPath":"/b","secret":"c"}]"#))
        #expect(mixed.status == 422)
        #expect(mixed.text.contains("expected HostVolume or SecretVolume"))
    }

    @Test func constraintsEQStoredAsIS() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let constraints = #"[{"attribute":"heaven","operator":"EQ","value":"a myth"},{"attribute":"hell","operator":"IS","value":"round the corner"}]"#
        for (path, id) in [("/v1/jobs", "c1"), ("/v0/scheduled-jobs", "c2")] {
            let reply = try await server.post(path, #"{"id":"\#(id)","run":{"cmd":"true","cpus":1,"mem":128,"disk":0,"placement":{"constraints":\#(constraints)}}}"#)
            #expect(reply.status == 201)
            #expect(reply.json["run"]?["placement"]?["constraints"]?.arrayValue?.map { $0["operator"] } == ["IS", "IS"])
        }
        let invalid = try await server.post("/v1/jobs", #"{"id":"c3","run":{"cmd":"true","cpus":1,"mem":128,"disk":0,"placement":{"constraints":[{"attribute":"a","operator":"invalid"}]}}}"#)
        #expect(invalid.status == 422)
        #expect(invalid.json["details"]?.arrayValue?.first?["path"] == "/run/placement/constraints(0)/operator")
    }

    @Test func dependencies() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let orphan = try await server.post("/v1/jobs", #"{"id":"b","dependencies":[{"id":"a"}],"run":{"cmd":"true","cpus":1,"mem":128,"disk":0}}"#)
        #expect(orphan.status == 422)
        #expect(orphan.json == ["message": "Dependencies contain unknown jobs. unknown=[a]"])
        #expect(try await server.post("/v1/jobs", minimalJob("a")).status == 201)
        let child = try await server.post("/v1/jobs", #"{"id":"b","dependencies":[{"id":"a"}],"run":{"cmd":"true","cpus":1,"mem":128,"disk":0}}"#)
        #expect(child.status == 201)
        #expect(child.json["dependencies"] == [["id": "a"]])
        let cycle = try await server.put("/v1/jobs/a", #"{"id":"a","dependencies":[{"id":"b"}],"run":{"cmd":"true","cpus":1,"mem":128,"disk":0}}"#)
        #expect(cycle.status == 422)
        #expect(cycle.json == ["message": "Dependencies have a cycle."])
        let deleteParent = try await server.delete("/v1/jobs/a")
        #expect(deleteParent.status == 409)
        #expect(deleteParent.json == ["message": "There are jobs with a dependency on a. children=[b]"])
    }

    @Test func listReturnsEveryJob() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        var echoed: [JSONValue] = []
        for id in ["x1", "x2", "x3"] { echoed.append(try await server.post("/v1/jobs", minimalJob(id)).json) }
        let list = try await server.get("/v1/jobs")
        #expect(list.status == 200)
        #expect(Set(list.json.arrayValue ?? []) == Set(echoed))
    }

    @Test func notFoundEnvelopes() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let expected: JSONValue = ["id": "notexistent", "message": "Job not found"]
        #expect(try await server.get("/v1/jobs/notexistent").json == expected)
        #expect(try await server.get("/v1/jobs/notexistent").status == 404)
        #expect(try await server.put("/v1/jobs/notexistent", minimalJob("notexistent")).json == expected)
        #expect(try await server.delete("/v1/jobs/notexistent").json == expected)
        #expect(try await server.post("/v1/jobs/notexistent/runs").json == expected)
        #expect(try await server.post("/v1/jobs/notexistent/schedules", #"{"id":"id1","cron":"* * * * *"}"#).json == expected)
        #expect(try await server.put("/v0/scheduled-jobs/notexistent", minimalJob("notexistent")).json == expected)
        let wrongMethod = try await server.post("/v1/jobs/spec1")
        #expect(wrongMethod.status == 404)
        #expect(wrongMethod.json["message"] == "Unknown route.")
        let badID = try await server.get("/v1/jobs/Foo")
        #expect(badID.status == 400)
        #expect(badID.json == ["message": "Not a valid id: Foo", "requestPath": "/v1/jobs/Foo"])
        let badEmbed = try await server.get("/v1/jobs?embed=nope")
        #expect(badEmbed.status == 400)
        let badJSON = try await server.post("/v1/jobs", "{nope")
        #expect(badJSON.status == 400)
        #expect(badJSON.json["requestPath"] == "/v1/jobs")
        let badType = try await server.request("POST", "/v1/jobs", json: minimalJob("t"), contentType: "text/plain")
        #expect(badType.status == 415)
    }

    @Test func putKeepsPathIDAndSchedules() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        _ = try await server.post("/v1/jobs", minimalJob("spec1"))
        _ = try await server.post("/v1/jobs/spec1/schedules", #"{"id":"id1","cron":"* * * * *"}"#)
        let put = try await server.put("/v1/jobs/spec1", #"{"id":"ignore.me","labels":{"a":"b"},"run":{"cmd":"true","cpus":1,"mem":128,"disk":0}}"#)
        #expect(put.status == 200)
        #expect(put.json["id"] == "spec1")
        #expect(put.json["labels"] == ["a": "b"])
        #expect(put.json["schedules"]?.arrayValue?.count == 1)
        #expect(try await server.get("/v1/jobs/ignore.me").status == 404)
    }

    @Test func deleteEchoesSpecAndRefusesActiveRuns() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let created = try await server.post("/v1/jobs", minimalJob("spec1"))
        let run = try await server.post("/v1/jobs/spec1/runs")
        #expect(run.status == 201)
        let refused = try await server.delete("/v1/jobs/spec1")
        #expect(refused.status == 409)
        #expect(refused.json == ["message": "There are active job runs. Override with stopCurrentJobRuns=true"])
        let badFlag = try await server.delete("/v1/jobs/spec1?stopCurrentJobRuns=maybe")
        #expect(badFlag.status == 400)
        let deleted = try await server.delete("/v1/jobs/spec1?stopCurrentJobRuns=true")
        #expect(deleted.status == 200)
        #expect(deleted.json == created.json)
        #expect(try await server.get("/v1/jobs/spec1").status == 404)
    }

    @Test func scheduleLifecycle() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        _ = try await server.post("/v1/jobs", minimalJob("spec"))
        let created = try await server.post("/v1/jobs/spec/schedules", #"{"id":"id1","cron":"*/1 * * * *"}"#)
        #expect(created.status == 201)
        #expect(created.json["cron"] == "* * * * *")
        #expect(created.json["timezone"] == "UTC")
        #expect(created.json["startingDeadlineSeconds"] == 900)
        #expect(created.json["concurrencyPolicy"] == "ALLOW")
        #expect(created.json["enabled"] == true)
        let nextRunAt = try #require(created.json["nextRunAt"]?.stringValue)
        #expect(nextRunAt.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000\+0000$"#, options: .regularExpression) != nil)
        #expect(try await server.get("/v1/jobs/spec").json["schedules"]?.arrayValue?.first?["id"] == "id1")
        let again = try await server.post("/v1/jobs/spec/schedules", #"{"id":"id1","cron":"* * * * *"}"#)
        #expect(again.status == 409)
        #expect(again.text.contains("A schedule with id id1 already exists"))
        let second = try await server.post("/v1/jobs/spec/schedules", #"{"id":"id2","cron":"* * * * *"}"#)
        #expect(second.status == 409)
        #expect(second.text.contains("Only one schedule supported at the moment"))
        #expect(try await server.get("/v1/jobs/spec/schedules").json.arrayValue?.count == 1)
        #expect(try await server.get("/v1/jobs/spec/schedules/id1").status == 200)
        let missing: JSONValue = ["id": "notexistent", "message": "Schedule not found"]
        #expect(try await server.get("/v1/jobs/spec/schedules/notexistent").json == missing)
        #expect(try await server.put("/v1/jobs/spec/schedules/notexistent", #"{"id":"notexistent","cron":"* * * * *"}"#).json == missing)
        #expect(try await server.delete("/v1/jobs/spec/schedules/notexistent").json == missing)
        let updated = try await server.put("/v1/jobs/spec/schedules/id1", #"{"id":"id1","cron":"1 2 3 4 5"}"#)
        #expect(updated.status == 200)
        #expect(updated.json["cron"] == "1 2 3 4 5")
        #expect(try await server.put("/v1/jobs/spec/schedules/id1", #"{"id":"ignore.me","cron":"1 2 3 4 5"}"#).status == 422)
        #expect(try await server.put("/v1/jobs/spec/schedules/id1", #"{"id":"id1","cron":"no valid cron"}"#).status == 422)
        let deleted = try await server.delete("/v1/jobs/spec/schedules/id1")
        #expect(deleted.status == 200)
        #expect(deleted.body.isEmpty)
    }

    @Test func scheduleValidation() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        _ = try await server.post("/v1/jobs", minimalJob("spec"))
        let chicago = try await server.post("/v1/jobs/spec/schedules", #"{"id":"id1","cron":"* * * * *","timezone":"America/Chicago","concurrencyPolicy":"FORBID"}"#)
        #expect(chicago.status == 201)
        #expect(chicago.json["timezone"] == "America/Chicago")
        #expect(chicago.json["concurrencyPolicy"] == "FORBID")
        _ = try await server.post("/v1/jobs", minimalJob("spec2"))
        for body in [
            #"{"id":"id1","cron":"wrong cron"}"#, #"{"id":"id1","cron":"0 0 31 2 *"}"#,
            #"{"id":"id1","cron":"* * * * *","timezone":"Foo/Bar"}"#, #"{"id":"id1","cron":"* * * * *","startingDeadlineSeconds":59}"#,
            #"{"id":"x","cron":"* * * * *"}"#,
        ] {
            let reply = try await server.post("/v1/jobs/spec2/schedules", body)
            #expect(reply.status == 422, "\(body)")
            #expect(reply.json["message"] == "Object is not valid")
        }
        #expect(try await server.get("/v1/jobs/spec2/schedules").json == [])
    }

    @Test func runsLifecycleAndStop() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        _ = try await server.post("/v1/jobs", minimalJob("spec"))
        let run = try await server.post("/v1/jobs/spec/runs")
        #expect(run.status == 201)
        let runID = try #require(run.json["id"]?.stringValue)
        #expect(runID.range(of: #"^\d{14}[A-Za-z0-9]{5}$"#, options: .regularExpression) != nil)
        #expect(try await server.get("/v1/jobs/spec/runs").json.arrayValue?.count == 1)
        #expect(try await server.get("/v1/jobs/spec/runs/\(runID)").json["id"]?.stringValue == runID)
        let missing: JSONValue = ["jobSpec": "spec", "id": "notexistent", "message": "Job Run not found"]
        #expect(try await server.get("/v1/jobs/spec/runs/notexistent").json == missing)
        #expect(try await server.post("/v1/jobs/spec/runs/notexistent/actions/stop").json == missing)
        #expect(try await server.eventually { try await server.get("/v1/jobs/spec/runs/\(runID)").json["status"] == "ACTIVE" })
        let stopped = try await server.post("/v1/jobs/spec/runs/\(runID)/actions/stop")
        #expect(stopped.status == 200)
        #expect(stopped.json["status"] == "FAILED")
        #expect(stopped.json["completedAt"]?.stringValue != nil)
        #expect(stopped.json["tasks"]?.arrayValue?.first?["status"] == "TASK_KILLED")
        #expect(try await server.get("/v1/jobs/spec/runs").json == [])
        let history = try await server.get("/v1/jobs/spec?embed=history")
        #expect(history.json["history"]?["failureCount"] == 1)
        #expect(history.json["history"]?["failedFinishedRuns"]?.arrayValue?.first?["id"]?.stringValue == runID)
    }

    @Test func queueListsOnlyUnlaunchedRuns() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        #expect(try await server.get("/v1/queue").json == [])
    }

    @Test func v0ScheduledJobs() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let created = try await server.post("/v0/scheduled-jobs", #"{"id":"spec1","run":{"cmd":"true","cpus":1,"mem":128,"disk":0},"schedules":[{"id":"id1","cron":"0 0 * * *"}]}"#)
        #expect(created.status == 201)
        #expect(created.json["schedules"]?.arrayValue?.first?["id"] == "id1")
        let replaced = try await server.put("/v0/scheduled-jobs/spec1", #"{"id":"spec1","run":{"cmd":"true","cpus":1,"mem":128,"disk":0},"schedules":[{"id":"id2","cron":"0 1 * * *"}]}"#)
        #expect(replaced.status == 200)
        #expect(replaced.json["schedules"]?.arrayValue?.map { $0["id"] } == ["id2"])
        let artifacts = try await server.post("/v0/scheduled-jobs", #"{"id":"spec2","run":{"cmd":"true","cpus":1,"mem":128,"disk":0,"user":"nobody","artifacts":[{"uri":"https://example.com/mesosphere.svg"}]}}"#)
        #expect(artifacts.status == 201)
        #expect(artifacts.json["run"]?["user"] == "nobody")
        #expect(artifacts.json["run"]?["artifacts"] == [["uri": "https://example.com/mesosphere.svg", "extract": true, "executable": false, "cache": false]])
    }

    @Test func dottedIDsAndPrefixAndSlashes() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        #expect(try await server.post("/service/metronome/v1/jobs", minimalJob("prod.example.app")).status == 201)
        #expect(try await server.get("/v1/jobs/prod.example.app").status == 200)
        #expect(try await server.get("//v1///jobs//prod.example.app").status == 200)
        #expect(try await server.get("/service/metronome/v1/jobs/prod..example.app").json["id"] == "prod.example.app")
        #expect(try await server.get("/service/metronome/ping").text.contains("pong"))
    }

    @Test func networksSchema() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        func job(_ id: String, _ networks: String, container: String = #""ucr":{"image":{"id":"i"}}"#) -> String {
            #"{"id":"\#(id)","run":{"cpus":1,"mem":128,"disk":0,\#(container),"networks":\#(networks)}}"#
        }
        #expect(try await server.post("/v1/jobs", job("n1", #"[{"mode":"invalid"}]"#)).status == 422)
        #expect(try await server.post("/v1/jobs", job("n2", #"[{"mode":"host","foo":1}]"#)).status == 422)
        #expect(try await server.post("/v1/jobs", job("n3", #"[{"name":"x"}]"#)).status == 422)
        #expect(try await server.post("/v1/jobs", job("n4", #"[{"mode":"container","name":"x","labels":{"a":1}}]"#)).status == 422)
        #expect(try await server.post("/v1/jobs", job("n5", #"[{"mode":"host"}]"#)).status == 201)
        #expect(try await server.post("/v1/jobs", job("n6", #"[{"mode":"container/bridge","labels":{"a":"b"}}]"#)).status == 201)
        #expect(try await server.post("/v1/jobs", job("n7", #"[{"mode":"container","name":"x","labels":{"a":"b"}}]"#)).status == 201)
        #expect(try await server.post("/v1/jobs", job("n8", #"[{"mode":"container","name":"x"}]"#, container: #""cmd":"true""#)).status == 422)
    }
}
