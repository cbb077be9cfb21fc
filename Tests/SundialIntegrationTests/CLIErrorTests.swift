import Foundation
import Testing
import SundialCore

/// What the CLI says when something is wrong: plainly, and with a non-zero exit status.
@Suite struct CLIErrorTests {
    @Test func unreachableServerSaysSo() async throws {
        // Port 1 on loopback: nothing listens there.
        let result = try await CLIProcess.run(["job", "list"], url: "http://127.0.0.1:1")
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot reach the Sundial server at http://127.0.0.1:1: connection refused"), "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test func serverComesFromTheEnvironmentWhenNoFlagIsGiven() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        _ = try await server.post("/v1/jobs", minimalJob("from-env"))
        let result = try await CLIProcess.run(["job", "list", "-q"], url: nil, environment: ["SUNDIAL_URL": server.url])
        #expect(result.stdout == "from-env\n", "\(result)")
        let prefixed = try await CLIProcess.run(["job", "list", "-q"], url: server.url + "/service/metronome")
        #expect(prefixed.stdout == "from-env\n", "\(prefixed)")
        let bad = try await CLIProcess.run(["job", "list"], url: nil, environment: ["SUNDIAL_URL": "ftp://example"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("ftp://example is not a server URL"), "\(bad)")
    }

    @Test func tokenIsSentAsAnAuthorizationHeader() async throws {
        let byFlag = try RecordingHTTPServer()
        let result = try await CLIProcess.run(["job", "list", "--token", "s3cret"], url: byFlag.url)
        #expect(result.status == 0, "\(result)")
        #expect(byFlag.request?.contains("\r\nAuthorization: token=s3cret\r\n") == true, "\(byFlag.request ?? "")")
        #expect(byFlag.request?.hasPrefix("GET /v1/jobs?embed=activeRuns&embed=historySummary HTTP/1.1\r\n") == true)

        let byEnvironment = try RecordingHTTPServer()
        _ = try await CLIProcess.run(["job", "list"], url: nil, environment: ["SUNDIAL_URL": byEnvironment.url, "SUNDIAL_TOKEN": "from-env"])
        #expect(byEnvironment.request?.contains("\r\nAuthorization: token=from-env\r\n") == true, "\(byEnvironment.request ?? "")")
    }

    @Test func validationErrorsArePrintedOnePathPerLineAndChangeNothing() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let file = try server.file("bad.yaml", """
            id: broken
            run:
              cmd: "true"
              cpus: 0.0001
              mem: 1
              disk: 0
            schedules:
              - id: s1
                cron: "0 * * * *"
            """)
        let result = try await server.cli("job", "add", file)
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "Error: 422 - Object is not valid", "\(result)")
        #expect(lines.contains { $0.hasPrefix("  /run/cpus: ") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix("  /run/mem: ") }, "\(result)")
        #expect(try await server.get("/v1/jobs").json == .array([]))
    }

    @Test func badFilesAndUnknownJobsGetClearMessages() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        var result = try await server.cli("job", "add", "/nonexistent/job.json")
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot read /nonexistent/job.json"), "\(result)")

        result = try await server.cli("job", "add", try server.file("broken.yaml", "id: [unclosed"))
        #expect(result.status != 0)
        #expect(result.stderr.contains("not valid YAML"), "\(result)")

        result = try await server.cli("job", "add", try server.file("broken.json", #"{"id": "x",}"#))
        #expect(result.status != 0)
        #expect(result.stderr.contains("is not valid JSON"), "\(result)")

        result = try await server.cli("job", "update", try server.file("noid.json", #"{"run":{"cmd":"true"}}"#))
        #expect(result.status != 0)
        #expect(result.stderr.contains("has no job id"), "\(result)")

        result = try await server.cli("job", "show", "ghost")
        #expect(result.status != 0)
        #expect(result.stderr.contains("404 - Job not found: ghost"), "\(result)")

        result = try await server.cli("job", "run", "Not_Valid")
        #expect(result.status != 0)
        #expect(result.stderr.contains("400 - Not a valid id: Not_Valid"), "\(result)")

        result = try await server.cli("job", "logs", "ghost")
        #expect(result.status != 0)
        #expect(result.stderr.contains("404 - Job not found: ghost"), "\(result)")

        _ = try await server.post("/v1/jobs", minimalJob("idle"))
        result = try await server.cli("job", "logs", "idle")
        #expect(result.status != 0)
        #expect(result.stderr.contains("job idle has no runs yet"), "\(result)")

        result = try await server.cli("job", "list", "--json", "--quiet")
        #expect(result.status != 0)
        #expect(result.stderr.contains("--json and --quiet cannot be used together"), "\(result)")
    }

    @Test func everyCommandHasHelpAndCompletionScriptsExist() async throws {
        let commands = [
            ["job"], ["job", "add"], ["job", "list"], ["job", "show"], ["job", "show", "runs"], ["job", "update"], ["job", "remove"],
            ["job", "run"], ["job", "kill"], ["job", "history"], ["job", "schedule"], ["job", "schedule", "add"],
            ["job", "schedule", "show"], ["job", "schedule", "update"], ["job", "schedule", "remove"], ["job", "logs"],
        ]
        for command in commands {
            let result = try await CLIProcess.run(command + ["--help"], url: nil)
            #expect(result.status == 0, "\(command): \(result)")
            #expect(result.stdout.contains("USAGE: sundial \(command.joined(separator: " "))"), "\(command): \(result)")
        }
        for shell in ["bash", "zsh", "fish"] {
            let result = try await CLIProcess.run(["--generate-completion-script", shell], url: nil)
            #expect(result.status == 0)
            #expect(result.stdout.contains("logs"), "\(shell)")
        }
    }

    @Test func anEmptyOrUnreadableJobFileIsNamedPlainly() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let empty = try await CLIProcess.run(["job", "add", "/dev/null"], url: server.url)
        #expect(empty.status != 0 && empty.stderr.contains("/dev/null is empty: expected a job or a schedule"), "\(empty)")
        let directory = try await CLIProcess.run(["job", "add", "/tmp"], url: server.url)
        #expect(directory.status != 0 && directory.stderr.contains("cannot read /tmp: it is a directory"), "\(directory)")
        let missing = try await CLIProcess.run(["job", "add", "/nonexistent/job.json"], url: server.url)
        #expect(missing.status != 0 && missing.stderr.contains("cannot read /nonexistent/job.json: no such file"), "\(missing)")
    }
}
