import Foundation
import Testing
import SundialCore

/// The `sundial job` commands against a real server: everything `dcos job` does, from a
/// YAML file to a removed job.
@Suite struct CLILifecycleTests {
    /// Metronome's run id: 14 digits of time and 5 random alphanumerics.
    static func isRunID(_ text: String) -> Bool {
        text.count == 19 && text.prefix(14).allSatisfy(\.isNumber) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    @Test func wholeJobLifecycle() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let jobFile = try server.file("hello.yaml", """
            # A job with an embedded schedule, as `dcos job add` takes it.
            id: hello
            description: prints three lines
            run:
              cmd: "for i in 1 2 3; do echo line $i; sleep 1; done; echo done >&2"
              cpus: 0.1
              mem: 32
              disk: 0
            schedules:
              - id: nightly
                cron: "30 2 * * *"
                timezone: Europe/Berlin
                enabled: true
            """)
        var result = try await server.cli("job", "add", jobFile)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "Created job hello\n")

        result = try await server.cli("job", "list")
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(lines.first == ["ID", "STATUS", "LAST", "RUN", "NEXT", "RUN"])
        #expect(lines.dropFirst().first?.prefix(3) == ["hello", "Scheduled", "N/A"])
        #expect(lines.dropFirst().first?.last?.hasSuffix(":30:00Z") == true)
        #expect(try await server.cli("job", "list", "--quiet").stdout == "hello\n")
        let listed = try JSONParser.parse(try await server.cli("job", "list", "--json").stdout)
        #expect(listed.arrayValue?.first?["id"] == "hello")

        let shown = try JSONParser.parse(try await server.cli("job", "show", "hello").stdout)
        #expect(shown["description"] == "prints three lines")
        #expect(shown["run"]?["cpus"] == 0.1)
        #expect(shown["schedules"]?.arrayValue?.first?["timezone"] == "Europe/Berlin")

        // The schedule in a file of its own.
        result = try await server.cli("job", "schedule", "show", "hello")
        #expect(result.stdout.contains("nightly  30 2 * * *  Europe/Berlin  True"), "\(result)")
        let scheduleFile = try server.file("every-hour.json", #"{"id":"nightly","cron":"0 * * * *","timezone":"UTC","concurrencyPolicy":"FORBID"}"#)
        #expect(try await server.cli("job", "schedule", "update", "hello", scheduleFile).stdout == "Updated schedule nightly of job hello\n")
        let schedules = try JSONParser.parse(try await server.cli("job", "schedule", "show", "hello", "--json").stdout)
        #expect(schedules.arrayValue?.first?["cron"] == "0 * * * *")
        #expect(schedules.arrayValue?.first?["concurrencyPolicy"] == "FORBID")
        result = try await server.cli("job", "schedule", "add", "hello", scheduleFile)
        #expect(result.status != 0)
        #expect(result.stderr.contains("409 - requirement failed: A schedule with id nightly already exists"), "\(result)")
        #expect(try await server.cli("job", "schedule", "remove", "hello", "nightly").status == 0)
        #expect(try await server.cli("job", "schedule", "show", "hello", "--json").stdout.filter { !$0.isWhitespace } == "[]")
        #expect(try await server.cli("job", "schedule", "add", "hello", scheduleFile).stdout == "Added schedule nightly to job hello\n")

        // An update without `schedules` keeps the schedule.
        let updateFile = try server.file("hello.json", """
            {"id":"hello","description":"updated","run":{"cmd":"for i in 1 2 3; do echo line $i; sleep 1; done; echo done >&2","cpus":0.1,"mem":32,"disk":0}}
            """)
        #expect(try await server.cli("job", "update", updateFile).stdout == "Updated job hello\n")
        let updated = try JSONParser.parse(try await server.cli("job", "show", "hello").stdout)
        #expect(updated["description"] == "updated")
        #expect(updated["schedules"]?.arrayValue?.count == 1)

        // A run, its log followed from the start to the task's end.
        result = try await server.cli("job", "run", "hello")
        let run = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Self.isRunID(run), "\(result)")
        result = try await server.cli("job", "logs", "hello", "--follow")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "line 1\nline 2\nline 3\n")
        _ = try await server.eventually(timeout: 15) {
            try await server.cli("job", "history", "hello", "--quiet").stdout == run + "\n"
        }
        result = try await server.cli("job", "history", "hello")
        #expect(result.stdout.contains("\(run)  SUCCESS"), "\(result)")
        #expect(try await server.cli("job", "history", "hello", "--last", "-q").stdout == run + "\n")
        #expect(try await server.cli("job", "history", "hello", "--failures", "-q").stdout == "")
        #expect(try await server.cli("job", "logs", "hello", run).stdout == "line 1\nline 2\nline 3\n")
        #expect(try await server.cli("job", "logs", "hello", run, "--lines", "2").stdout == "line 2\nline 3\n")
        #expect(try await server.cli("job", "logs", "hello", "--stderr").stdout == "done\n")
        let runs = try JSONParser.parse(try await server.cli("job", "show", "runs", "hello", "--run-id", run, "--json").stdout)
        #expect(runs["status"] == "SUCCESS")
        let task = try #require(runs["tasks"]?.arrayValue?.first?["id"]?.stringValue)
        #expect(try await server.cli("job", "logs", "hello", run, "--task", task, "--lines", "1").stdout == "line 3\n")
        result = try await server.cli("job", "logs", "hello", run, "--task", "no-such-task")
        #expect(result.stderr.contains("404 - Task not found: no-such-task"), "\(result)")
        result = try await server.cli("job", "list")
        #expect(result.stdout.contains("Success 20"), "\(result)")

        // Removing the job removes its logs.
        #expect(try await server.cli("job", "remove", "hello").stdout == "Removed job hello\n")
        #expect(try await server.cli("job", "list", "-q").stdout == "")
        let sandboxes = server.dataDirectory.appendingPathComponent("sandboxes/hello").path
        #expect(try await server.eventually { !FileManager.default.fileExists(atPath: sandboxes) })
        result = try await server.cli("job", "logs", "hello", run)
        #expect(result.status != 0)
        #expect(result.stderr.contains("404 - Job not found: hello"))
    }

    @Test func followsALogWhileTheTaskPrints() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        // The task prints two lines, then waits for the test's word before the third.
        let gate = server.dataDirectory.deletingLastPathComponent().appendingPathComponent("gate-\(UUID().uuidString)").path
        let job = #"{"id":"talker","run":{"cmd":"echo line 1; echo line 2; while [ ! -e \#(gate) ]; do sleep 0.05; done; echo line 3","cpus":0.1,"mem":32,"disk":0}}"#
        #expect(try await server.cli("job", "add", "-", stdin: job).status == 0)
        let run = try await server.cli("job", "run", "talker").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let follow = try CLIProcess(["job", "logs", "talker", run, "--follow"], url: server.url)
        #expect(try await server.eventually(timeout: 20) { follow.stdout == "line 1\nline 2\n" }, "\(follow.stdout)")
        // Those lines arrived while the task was still running, waiting at the gate.
        #expect(try await server.get("/v1/jobs/talker/runs/\(run)").json["status"] == "ACTIVE")
        #expect(FileManager.default.createFile(atPath: gate, contents: Data()))
        #expect(await follow.waitForExit() == 0, "\(follow.stderr)")
        #expect(follow.stdout == "line 1\nline 2\nline 3\n")
    }

    @Test func killAndRemoveWithActiveRuns() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        #expect(try await server.cli("job", "add", "-", stdin: minimalJob("sleepy", cmd: "sleep 60")).status == 0)
        let first = try await server.cli("job", "run", "sleepy").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let second = try await server.cli("job", "run", "sleepy").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let active = try await server.cli("job", "show", "runs", "sleepy", "--quiet").stdout.split(separator: "\n").map(String.init)
        #expect(Set(active) == [first, second])

        var result = try await server.cli("job", "remove", "sleepy")
        #expect(result.status != 0)
        #expect(result.stderr.contains("job sleepy has active runs: add --stop-current-job-runs to stop them and remove it"), "\(result)")

        result = try await server.cli("job", "kill", "sleepy", first)
        #expect(result.stdout == "Stopped run \(first)\n", "\(result)")
        #expect(try await server.cli("job", "show", "runs", "sleepy", "-q").stdout == second + "\n")
        result = try await server.cli("job", "kill", "sleepy", "--all")
        #expect(result.stdout == "Stopped run \(second)\n", "\(result)")
        #expect(try await server.cli("job", "kill", "sleepy", "--all").stdout == "No active runs of sleepy\n")
        #expect(try await server.cli("job", "history", "sleepy", "--failures", "-q").stdout.split(separator: "\n").count == 2)

        result = try await server.cli("job", "kill", "sleepy")
        #expect(result.status != 0)
        #expect(result.stderr.contains("give either a run id or --all"))

        _ = try await server.cli("job", "run", "sleepy")
        result = try await server.cli("job", "remove", "sleepy", "--stop-current-job-runs")
        #expect(result.status == 0, "\(result)")
        #expect(try await server.cli("job", "list", "-q").stdout == "")
    }
}
