import Foundation
import Testing
import SundialCore

/// Crashes of the server (SIGKILL) lose nothing that was acknowledged and duplicate nothing.
@Suite struct DurabilityTests {
    /// Whether the run gets a second task (ON_FAILURE replacing a lost one) that is running.
    func secondTaskRuns(_ server: SundialServerProcess, job: String, run: String) async throws -> Bool {
        try await server.eventually {
            let tasks = try await server.get("/v1/jobs/\(job)/runs/\(run)").json["tasks"]?.arrayValue ?? []
            return tasks.count == 2 && tasks.last?["status"] == "TASK_RUNNING"
        }
    }

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

    @Test func exitsWhileTheServerIsDownAreCollectedAfterTheRestart() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let release = server.dataDirectory.appendingPathComponent("release-while-down").path
        let wait = "echo $$ > $MESOS_SANDBOX/../../../pid-$SUNDIAL_JOB_ID; while [ ! -e \(release) ]; do sleep 0.05; done"
        _ = try await server.post("/v1/jobs", minimalJob("ok", cmd: "\(wait); echo done"))
        _ = try await server.post("/v1/jobs", minimalJob("bad", cmd: "\(wait); exit 3"))
        let okRun = try #require(try await server.post("/v1/jobs/ok/runs").json["id"]?.stringValue)
        let badRun = try #require(try await server.post("/v1/jobs/bad/runs").json["id"]?.stringValue)
        for (job, run) in [("ok", okRun), ("bad", badRun)] {
            #expect(try await server.eventually { try await server.get("/v1/jobs/\(job)/runs/\(run)").json["status"] == "ACTIVE" })
        }
        server.kill9()
        // Both tasks end while no server is watching; the executor reaps them and keeps their exits.
        var pids: [Int32] = []
        for job in ["ok", "bad"] {
            let file = server.dataDirectory.appendingPathComponent("sandboxes/pid-\(job)").path
            #expect(try await server.eventually { (try? String(contentsOfFile: file, encoding: .utf8))?.hasSuffix("\n") == true })
            pids.append(try #require(Int32(try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))))
        }
        #expect(FileManager.default.createFile(atPath: release, contents: Data()))
        #expect(try await server.eventually { pids.allSatisfy { kill($0, 0) != 0 } })
        try await server.start()
        #expect(try await server.eventually {
            try await server.get("/v1/jobs/ok?embed=history").json["history"]?["successCount"] == 1
        })
        #expect(try await server.eventually {
            try await server.get("/v1/jobs/bad?embed=history").json["history"]?["failureCount"] == 1
        })
        let bad = try await server.get("/v1/jobs/bad?embed=history").json["history"]?["failedFinishedRuns"]?.arrayValue?.first
        #expect(bad?["id"]?.stringValue == badRun)
        #expect(sandboxes(server, job: "ok").count == 1 && sandboxes(server, job: "bad").count == 1)
    }

    @Test func tasksOfAnExecutorKilledWhileDownAreLostAndRestartPolicyApplies() async throws {
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
        // The executor dies while no server is watching, and its tasks with it.
        let lock = try String(contentsOf: server.dataDirectory.appendingPathComponent("executor.lock"), encoding: .utf8)
        let executor = try #require(Int32(lock.trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(executor, SIGKILL)
        try await Task.sleep(for: .milliseconds(200))
        try await server.start()
        #expect(try await server.eventually {
            try await server.get("/v1/jobs/never?embed=history").json["history"]?["failureCount"] == 1
        })
        // ON_FAILURE: the lost task is replaced by a second one under the same run.
        #expect(try await secondTaskRuns(server, job: "retry", run: retryRun))
        let retried = try await server.get("/v1/jobs/retry/runs/\(retryRun)").json
        #expect(retried["tasks"]?.arrayValue?.first?["status"] == "TASK_FAILED")
        #expect(try await server.delete("/v1/jobs/retry?stopCurrentJobRuns=true").status == 200)
    }

    /// The executor dies under a running server: the lost task's whole process group goes with
    /// it (not only the shell the parent-death signal reaches), before ON_FAILURE starts the
    /// task again, so the job's work never runs twice side by side.
    @Test func executorKilledUnderTheServerTakesTheLostTasksProcessGroupAlong() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let pids = server.dataDirectory.appendingPathComponent("task-pids").path
        // The shell forks `sleep`, which stays in the task's process group (pid of the shell).
        let cmd = "echo $$ >> \(pids); sleep 30; echo done"
        _ = try await server.post("/v1/jobs", #"{"id":"retry","run":{"cmd":"\#(cmd)","cpus":0.1,"mem":32,"disk":0,"restart":{"policy":"ON_FAILURE"}}}"#)
        let run = try #require(try await server.post("/v1/jobs/retry/runs").json["id"]?.stringValue)
        func taskPIDs() -> [Int32] {
            ((try? String(contentsOfFile: pids, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
        }
        #expect(try await server.eventually { taskPIDs().count == 1 })
        let first = try #require(taskPIDs().first)
        #expect(try await server.eventually { !processesInGroup(first).isEmpty && processesInGroup(first) != [first] })
        server.killExecutor()
        // ON_FAILURE: a second task under the same run, started by a new executor ...
        #expect(try await secondTaskRuns(server, job: "retry", run: run))
        #expect(try await server.eventually { taskPIDs().count == 2 })
        // ... only once nothing of the first task's group was left: no `sleep 30` of it runs on.
        #expect(processesInGroup(first).isEmpty, "left in the lost task's group: \(processesInGroup(first))")
        #expect(try await server.delete("/v1/jobs/retry?stopCurrentJobRuns=true").status == 200)
    }

    /// Whatever tasks leave behind is reaped by the executor, also while no server runs:
    /// no zombies, and no process outlives its task's group.
    @Test func leftoversOfTasksAreReapedEvenAcrossAServerCrash() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let release = server.dataDirectory.appendingPathComponent("release-orphans").path
        // An orphan outside the task's group that ends once released, and one in the group.
        // The task ends once the escapee is in its own session (field 6 of its stat).
        let cmd = "setsid sh -c 'while [ ! -e \(release) ]; do sleep 0.05; done' & e=$!; "
            + "while [ $(cut -d' ' -f6 /proc/$e/stat) = $$ ]; do sleep 0.01; done; sleep 30 & exit 0"
        _ = try await server.post("/v1/jobs", minimalJob("orphans", cmd: cmd))
        _ = try #require(try await server.post("/v1/jobs/orphans/runs").json["id"]?.stringValue)
        #expect(try await server.eventually {
            try await server.get("/v1/jobs/orphans?embed=history").json["history"]?["successCount"] == 1
        })
        let lock = try String(contentsOf: server.dataDirectory.appendingPathComponent("executor.lock"), encoding: .utf8)
        let executor = try #require(Int32(lock.trimmingCharacters(in: .whitespacesAndNewlines)))
        func children() -> [(pid: String, state: String)] {
            let list = (try? String(contentsOfFile: "/proc/\(executor)/task/\(executor)/children", encoding: .utf8)) ?? ""
            return list.split(separator: " ").map { pid in
                let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
                let state = stat.range(of: ") ").map { String(stat[$0.upperBound...].prefix(1)) } ?? "?"
                return (String(pid), state)
            }
        }
        // The in-group sleep died with its task; the escaped loop is now the executor's child.
        #expect(try await server.eventually { children().count == 1 })
        server.kill9()
        #expect(FileManager.default.createFile(atPath: release, contents: Data()))
        // It ends while no server runs, and the executor reaps it: no zombie is left.
        #expect(try await server.eventually { children().isEmpty }, "left: \(children())")
        try await server.start()
        #expect(try await server.get("/v1/jobs/orphans?embed=history").json["history"]?["successCount"] == 1)
    }
}

/// Every process (zombies too) whose process group is `pgid`, from /proc.
func processesInGroup(_ pgid: Int32) -> [Int32] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return names.compactMap(Int32.init).filter { pid in
        // "pid (comm) state ppid pgrp ...": comm may contain spaces, so read after its ')'.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.range(of: ")", options: .backwards)
        else { return false }
        let fields = stat[end.upperBound...].split(separator: " ")
        return fields.count > 2 && Int32(fields[2]) == pgid
    }.sorted()
}
