import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import SundialCore

/// The web UI's page and assets as the binary serves them, and the `/api/jobs` listing the
/// UI pages through (docs/api.md).
@Suite struct WebUITests {
    @Test func pageAndAssetsAreServedFromTheBinary() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let page = try await server.get("/")
        #expect(page.status == 200)
        #expect(page.contentType == "text/html; charset=utf-8")
        #expect(page.headers["cache-control"] == "no-cache")
        #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)
        let script = try #require(page.text.firstMatch(of: /src="(\/ui\/[0-9a-f]{12}\/app\.js)"/)?.1)
        let etag = try #require(page.headers["etag"])
        // URLSession may answer a 304 from its own cache as 200; the header is what matters.
        let again = try await server.request("GET", "/", headers: ["If-None-Match": etag])
        #expect(again.status == 304 || again.headers["etag"] == etag)

        let app = try await server.get(String(script))
        #expect(app.status == 200)
        #expect(app.contentType == "text/javascript; charset=utf-8")
        #expect(app.headers["cache-control"] == "public, max-age=31536000, immutable")
        #expect(app.text.contains("import "))
        let css = try await server.get(String(script).replacingOccurrences(of: "app.js", with: "styles.css"))
        #expect(css.contentType == "text/css; charset=utf-8")
        let nested = try await server.get(String(script).replacingOccurrences(of: "app.js", with: "views/job-list.js"))
        #expect(nested.status == 200)

        #expect(try await server.get(String(script).replacingOccurrences(of: "app.js", with: "missing.js")).status == 404)
        #expect(try await server.get("/ui/x/../../etc/passwd").status == 404)
        // The Metronome API is untouched by the UI's routes.
        #expect(try await server.get("/v1/jobs").json == [])
        #expect(try await server.post("/").status == 404)
    }

    @Test func jobListPagesFiltersAndGroups() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        for id in ["prod.api.deploy", "prod.api.rollback", "prod.web", "solo", "staging.web"] {
            #expect(try await server.post("/v1/jobs", minimalJob(id, cmd: "true")).status == 201)
        }
        _ = try await server.post("/v1/jobs", #"{"id":"labelled","labels":{"team":"data"},"run":{"cmd":"true","cpus":0.01,"mem":32,"disk":0}}"#)

        let root = try await server.get("/api/jobs")
        #expect(root.status == 200)
        #expect(root.json["total"] == 2)
        #expect(root.json["items"]?.arrayValue?.map { $0["id"] } == ["labelled", "solo"])
        #expect(root.json["groups"] == [["name": "prod", "id": "prod", "count": 3], ["name": "staging", "id": "staging", "count": 1]])
        let solo = try #require(root.json["items"]?.arrayValue?.last)
        #expect(solo["status"] == "unscheduled")
        #expect(solo["lastRun"] == .null)
        #expect(solo["nextRunAt"] == .null)
        #expect(solo["activeRuns"] == 0)

        let prod = try await server.get("/api/jobs?group=prod&recursive=true&limit=2&offset=1")
        #expect(prod.json["total"] == 3)
        #expect(prod.json["items"]?.arrayValue?.map { $0["id"] } == ["prod.api.rollback", "prod.web"])
        #expect(try await server.get("/api/jobs?q=WEB&recursive=true").json["total"] == 2)
        #expect(try await server.get("/api/jobs?label=team%3Ddata").json["items"]?.arrayValue?.map { $0["id"] } == ["labelled"])
        #expect(try await server.get("/api/jobs?status=running,failed&recursive=true").json["total"] == 0)
    }

    @Test(arguments: [
        ("offset=-1", "offset"), ("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"), ("status=sleeping", "status"),
        ("group=Not%20Valid", "group"), ("label=%3Dvalue", "label"), ("recursive=maybe", "recursive"), ("sort=id", "sort"),
        ("limit=1&limit=2", "limit"),
    ])
    func badListParametersAre400(_ query: String, _ parameter: String) async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let reply = try await server.get("/api/jobs?\(query)")
        #expect(reply.status == 400)
        #expect(reply.json["parameter"]?.stringValue == parameter)
        #expect(reply.json["message"]?.stringValue?.isEmpty == false)
    }

    @Test func dependencyGraphOfAJob() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        _ = try await server.post("/v1/jobs", minimalJob("parent"))
        _ = try await server.post("/v1/jobs", #"{"id":"child","dependencies":[{"id":"parent"}],"run":{"cmd":"true","cpus":0.01,"mem":32,"disk":0}}"#)
        let graph = try await server.get("/api/jobs/child/dependencies")
        #expect(graph.status == 200)
        #expect(graph.json["nodes"] == ["child", "parent"])
        #expect(graph.json["edges"] == [["parent": "parent", "child": "child"]])
        #expect(try await server.get("/api/jobs/missing/dependencies").status == 404)
        #expect(try await server.get("/api/jobs/Bad_Id/dependencies").status == 400)
    }
}

/// The UI travels inside the binary: a copy of `sundial` in another directory (with the
/// `sundial-executor` it needs beside it, as an install has) serves the same files, byte for byte
/// as they are in the source tree.
@Suite struct WebUIEmbeddingTests {
    static let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/SundialHTTP/WebUI/Assets").standardizedFileURL

    @Test func aCopiedBinaryServesTheFilesOfTheSourceTree() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sundial-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("sundial")
        try FileManager.default.copyItem(at: SundialServerProcess.sundialBinary, to: copy)
        try FileManager.default.copyItem(
            at: SundialServerProcess.binaryDirectory.appendingPathComponent("sundial-executor"),
            to: directory.appendingPathComponent("sundial-executor"))

        // A child forked by a parallel test at the moment of the copy can still hold the new
        // file open for writing, and exec then fails with ETXTBSY until it has exec'd itself.
        var started: (Process, Pipe)?
        for attempt in 0..<50 where started == nil {
            let candidate = Process()
            candidate.executableURL = copy
            candidate.arguments = ["server", "--port", "0", "--data-dir", directory.appendingPathComponent("data").path, "--log-level", "warning"]
            candidate.currentDirectoryURL = directory
            let output = Pipe()
            candidate.standardOutput = output
            do {
                try candidate.run()
                started = (candidate, output)
            } catch let error as NSError where attempt < 49 && "\(error)".contains("Text file busy") {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let (process, pipe) = try #require(started)
        defer { process.terminate(); process.waitUntilExit() }
        var seen = ""
        let deadline = Date().addingTimeInterval(20)
        while !seen.contains("\n"), Date() < deadline { seen += String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self) }
        let port = try #require(seen.firstMatch(of: /listening on http:\/\/[^:]+:(\d+)/)?.1)

        let page = try await fetch("http://127.0.0.1:\(port)/")
        let base = try #require(page.firstMatch(of: /src="(\/ui\/[0-9a-f]{12})\/app\.js"/)?.1)
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.assets.path).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: Self.assets.appendingPathComponent($0).path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        #expect(files.contains("app.js") && files.contains("views/job-list.js"))
        for file in files where file != "index.html" {
            let onDisk = try String(contentsOf: Self.assets.appendingPathComponent(file), encoding: .utf8)
            #expect(try await fetch("http://127.0.0.1:\(port)\(base)/\(file)") == onDisk, "\(file) differs from the source tree")
        }
    }

    func fetch(_ url: String) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url)!)
        return String(decoding: data, as: UTF8.self)
    }
}
