import Foundation
import Testing
import SundialCore

/// The API-side Chronos vectors that are pure functions: constraints, graph export, task ids,
/// names, last outcome and job parsing. Engine and HTTP vectors are covered by the engine
/// and integration tests.
@Suite struct ChronosVectorTests {
    @Test func constraints() {
        for vector in ChronosVectors.group("constraints")["cases"]!.arrayValue! {
            let constraintsJSON: [JSONValue] = vector["constraint"].map { [$0] } ?? vector["constraints"]!.arrayValue!
            // An invalid regex is refused when the job is read.
            if vector["error"] != nil {
                #expect(throws: ChronosRequestError.self) {
                    _ = try ChronosJobDecoder.decode(["name": "x", "constraints": .array(constraintsJSON)], now: .now())
                }
                continue
            }
            var attributes: [String: String] = [:]
            var hostname = "unused.example"
            for attribute in (vector["offer"]?["attributes"] ?? vector["attributes"])?.arrayValue ?? [] {
                let name = attribute["name"]!.stringValue!
                if let text = attribute["text"]?.stringValue { attributes[name] = text }
                // Sundial's attributes are text; a scalar is written the way Java prints it.
                if let scalar = attribute["scalar"]?.numberValue { attributes[name] = String(format: "%.1f", scalar) }
                if let set = attribute["set"]?.arrayValue, set.count == 1 { attributes[name] = set[0].stringValue! }
            }
            if let host = vector["offer"]?["hostname"]?.stringValue { hostname = host }
            let job = try! ChronosJobDecoder.decode(["name": "x", "constraints": .array(constraintsJSON)], now: .now())
            let evaluator = ConstraintEvaluator(hostname: hostname, attributes: attributes)
            #expect(evaluator.matches(job.spec.run.placement.constraints) == vector["match"]!.boolValue!, "\(vector)")
        }
    }

    @Test func graphDot() {
        for vector in ChronosVectors.group("graph_export")["dot"]!.arrayValue! {
            let vertices = vector["vertices_in_insertion_order"]!.arrayValue!.map { $0.stringValue! }
            let edges = vector["edges"]!.arrayValue!.map { (parent: $0.arrayValue![0].stringValue!, child: $0.arrayValue![1].stringValue!) }
            #expect(ChronosGraphExport.dot(vertices: vertices, edges: edges) == vector["expect"]!.stringValue!)
        }
    }

    @Test func graphCSV() {
        for vector in ChronosVectors.group("graph_export")["csv"]!.arrayValue! {
            let nodes = vector["jobs"]!.arrayValue!.map { job in
                ChronosGraphExport.Node(
                    name: job["name"]!.stringValue!,
                    lastOutcome: ChronosJobEncoder.lastOutcome(lastSuccess: Instant.parse(job["lastSuccess"]!.stringValue!), lastError: Instant.parse(job["lastError"]!.stringValue!)),
                    runState: job["run_state"]!.stringValue!)
            }
            let edges = vector["edges"]!.arrayValue!.map { (parent: $0.arrayValue![0].stringValue!, child: $0.arrayValue![1].stringValue!) }
            let lines = ChronosGraphExport.csv(nodes: nodes, edges: edges).split(separator: "\n").map(String.init)
            let expectedNodes = vector["expect_lines_node_order_unspecified"]!.arrayValue!.map { $0.stringValue! }
            let expectedLinks = vector["expect_lines_after_nodes"]!.arrayValue!.map { $0.stringValue! }
            #expect(Set(lines.prefix(expectedNodes.count)) == Set(expectedNodes))
            #expect(Array(lines.dropFirst(expectedNodes.count)) == expectedLinks)
        }
    }

    @Test func lastOutcome() {
        for vector in ChronosVectors.group("last_outcome")["cases"]!.arrayValue! {
            let outcome = ChronosJobEncoder.lastOutcome(
                lastSuccess: Instant.parse(vector["lastSuccess"]!.stringValue!), lastError: Instant.parse(vector["lastError"]!.stringValue!))
            #expect(outcome == vector["expect"]!.stringValue!, "\(vector)")
        }
    }

    @Test func jobNames() {
        for vector in ChronosVectors.group("job_name_validation")["cases"]!.arrayValue! {
            guard let valid = vector["valid_v3"]?.boolValue else { continue }
            #expect(ChronosDefaults.isValidName(vector["name"]!.stringValue!) == valid, "\(vector)")
        }
    }

    @Test func taskIDs() {
        for vector in ChronosVectors.group("task_id")["build"]!.arrayValue! {
            let job = vector["job"]!
            let arguments = vector["override_args"]?.stringValue ?? job["arguments"]!.arrayValue!.map { $0.stringValue! }.joined(separator: " ")
            let id = ChronosTaskID(
                dueMilliseconds: Int64(vector["due_ms"]!.numberValue!), attempt: Int(vector["attempt"]!.numberValue!),
                jobName: job["name"]!.stringValue!, arguments: arguments)
            #expect(id.description == vector["expect"]!.stringValue!)
            #expect(ChronosTaskID.parse(id.description)?.jobName == job["name"]!.stringValue!)
        }
        #expect(ChronosTaskID.parse("garbage") == nil)
    }

    @Test func extremeNumbersAreClampedOrRefusedNotTrapped() throws {
        let huge = try ChronosJobDecoder.decode(
            ["name": "x", "schedule": "R/2030-01-01T00:00:00Z/PT1H", "retries": 1e300, "maxCompletionTime": -1e300, "cpus": "inf", "mem": 1e300], now: .now())
        #expect(huge.spec.run.restart.maxRetries == 1000)
        #expect(huge.spec.chronos?.maxCompletionTime == 0)
        #expect(huge.spec.run.cpus == 0.1 && huge.spec.run.mem == 128)
        #expect(throws: ChronosRequestError.self) {
            _ = try ChronosJobDecoder.decode(["name": "x", "schedule": "R/2030-01-01T00:00:00Z/P999999999Y"], now: .now())
        }
        #expect(throws: ChronosRequestError.self) {
            _ = try ChronosJobDecoder.decode(["name": "x", "schedule": "R/2030-01-01T00:00:00Z/PT1H", "epsilon": "P1M"], now: .now())
        }
    }

    @Test func namesBecomeMetronomeIDs() {
        #expect(ChronosNames.metronomeID(for: "sample.name", isTaken: { _ in false }).rawValue == "sample.name")
        #expect(ChronosNames.metronomeID(for: "SAMPLE_JOB1", isTaken: { _ in false }).rawValue == "sample-job1")
        #expect(ChronosNames.metronomeID(for: "SAMPLE_JOB1", isTaken: { $0.rawValue == "sample-job1" }).rawValue == "sample-job1-2")
        #expect(ChronosNames.metronomeID(for: "_.-", isTaken: { _ in false }).rawValue == "job")
        #expect(JobID(ChronosNames.metronomeID(for: "-A..b_-", isTaken: { _ in false }).rawValue) != nil)
    }

    @Test func jobParsingDefaults() throws {
        let vectors = ChronosVectors.group("job_json_parse")
        let now = ChronosVectors.fixedNow
        let minimal = try ChronosJobDecoder.decode(vectors["cases"]!.arrayValue![0]["input"]!, now: now)
        let encoded = ChronosJobEncoder.encode(minimal.spec, history: JobHistory(), parentNames: [])
        for (key, value) in vectors["cases"]!.arrayValue![0]["expect"]!.objectValue! where key != "type" {
            #expect(encoded[key] == value, "\(key)")
        }
        let zero = try ChronosJobDecoder.decode(["name": "x", "schedule": "R/2030-01-01T00:00:00Z/PT1H", "cpus": 0, "mem": 0], now: now)
        #expect(zero.spec.run.cpus == 0.1 && zero.spec.run.mem == 128 && zero.spec.run.disk == 256)
        let strings = try ChronosJobDecoder.decode(["name": "x", "schedule": "R/2030-01-01T00:00:00Z/PT1H", "cpus": "0.5", "mem": "512"], now: now)
        #expect(strings.spec.run.cpus == 0.5 && strings.spec.run.mem == 512)
        let nulls = try ChronosJobDecoder.decode(["name": "x", "schedule": "R/2030-01-01T00:00:00Z/PT1H", "retries": nil, "owner": nil, "shell": nil], now: now)
        let nullsJSON = ChronosJobEncoder.encode(nulls.spec, history: JobHistory(), parentNames: [])
        #expect(nullsJSON["retries"] == 0 && nullsJSON["owner"] == "null" && nullsJSON["shell"] == false)
        let dependency = try ChronosJobDecoder.decode(["name": "child", "command": "c", "parents": ["a", "b"]], now: now)
        #expect(dependency.parents == ["a", "b"] && dependency.spec.schedules.isEmpty)
        let runOnce = try ChronosJobDecoder.decode(["name": "x", "command": "c"], now: now)
        #expect(runOnce.spec.schedules.first?.expression == "R1/\(ISO8601Schedule.format(now.adding(milliseconds: -1000), in: TimeZone(identifier: "UTC")!))/PT24H")
        let constraints = try ChronosJobDecoder.decode(
            ["name": "x", "constraints": [["rack", "EQUALS", "rack-1"], ["zone", "GROUP_BY", "a"], ["rack", "LIKE", "rack-[1-3]"], ["host", "UNLIKE", "foo"]]], now: now)
        #expect(ChronosJobEncoder.encode(constraints.spec, history: JobHistory(), parentNames: [])["constraints"]
            == [["rack", "EQUALS", "rack-1"], ["rack", "LIKE", "rack-[1-3]"], ["host", "UNLIKE", "foo"]])
        #expect(throws: ChronosRequestError("Tried to add both uri (deprecated) and fetch parameters on x")) {
            _ = try ChronosJobDecoder.decode(["name": "x", "uris": ["http://a/b"], "fetch": [["uri": "http://a/c"]]], now: now)
        }
        #expect(throws: ChronosRequestError("Scheduled start date '1969-12-31T00:00:00.000Z' is before 1970!")) {
            _ = try ChronosJobDecoder.decode(["name": "x", "schedule": "R/1969-12-31T00:00:00Z/P1D"], now: now)
        }
    }

    /// `parse-container-*`: defaults filled in, `type` and volume modes upper-cased,
    /// `network` case-sensitive, no container without an image.
    @Test func containerParsing() throws {
        let now = ChronosVectors.fixedNow
        for case let vector in ChronosVectors.group("job_json_parse")["cases"]!.arrayValue! {
            guard let id = vector["id"]?.stringValue, id.hasPrefix("parse-container"), let input = vector["input"] else { continue }
            let expected = try #require(vector["expect"]?.objectValue)
            if expected["error"] != nil {
                #expect(throws: ChronosRequestError.self, "\(id)") { _ = try ChronosJobDecoder.decode(input, now: now) }
                continue
            }
            let decoded = try ChronosJobDecoder.decode(input, now: now)
            let encoded = ChronosJobEncoder.encode(decoded.spec, history: JobHistory(), parentNames: [])
            #expect((encoded["container"] ?? .null) == expected["container"], "\(id)")
        }
    }
}
