import Testing
@testable import SundialCore

/// Metronome's schema and semantic rules (reference/metronome.md §3–4), at the unit level.
@Suite struct JobSpecValidationTests {
    func decode(_ text: String) throws -> JobSpec { try JobSpecDecoder.decode(try JSONParser.parse(text)) }

    func errors(_ text: String) throws -> ValidationErrors {
        do {
            _ = try decode(text)
            return ValidationErrors()
        } catch let error as ValidationErrors {
            return error
        }
    }

    func paths(_ text: String) throws -> [String] { try errors(text).entries.map(\.path) }

    @Test(arguments: ["a", "a-a", "a--a", "a-a.a-a", "a.a.a", "a1a.a1.a1"])
    func validJobIDs(_ id: String) { #expect(JobID(id) != nil) }

    @Test(arguments: ["a-", "a.", "a1.a-", "a1.a1.", "-a", ".a", "-a1.a", "a1-.a", ".a1.a1", "a?.a", "A", "a_b", "a/b", ""])
    func invalidJobIDs(_ id: String) { #expect(JobID(id) == nil) }

    @Test func defaultsAreFilledIn() throws {
        let spec = try decode(#"{"id":"a","run":{"cmd":"x","cpus":0.5,"mem":64,"disk":0}}"#)
        #expect(spec.run.gpus == 0)
        #expect(spec.run.maxLaunchDelay == 3600)
        #expect(spec.run.restart == RestartPolicy(policy: .NEVER))
        #expect(spec.labels.isEmpty && spec.schedules.isEmpty && spec.dependencies.isEmpty)
    }

    @Test func requiredAndTypeErrorsCarryPaths() throws {
        #expect(try paths(#"{"run":{"cmd":"x","cpus":1,"mem":32,"disk":0}}"#) == ["/id"])
        #expect(try paths(#"{"id":"a","run":{"cmd":"x","cpus":1,"disk":0}}"#) == ["/run/mem"])
        #expect(try paths(#"{"id":"a","run":{"cmd":"x","cpus":"1","mem":32,"disk":0}}"#) == ["/run/cpus"])
        #expect(try paths(#"{"id":"a","run":{"cmd":"x","cpus":1,"mem":31,"disk":0}}"#) == ["/run/mem"])
        #expect(try errors(#"{"id":"a","run":{"cmd":"x","cpus":1,"mem":31,"disk":0}}"#).entries[0].errors == ["31 is smaller than required minimum value of 32."])
        #expect(try paths(#"{"id":"a","extra":1,"run":{"cmd":"x","cpus":1,"mem":32,"disk":0}}"#) == ["/"])
        #expect(try paths(#"{"id":"a","run":{"cmd":"","cpus":1,"mem":32,"disk":0}}"#) == ["/run/cmd"])
        #expect(try paths(#"{"id":"a","labels":{"k":1},"run":{"cmd":"x","cpus":1,"mem":32,"disk":0}}"#) == ["/labels/k"])
        #expect(try paths(#"{"id":"a","run":{"cmd":"x","cpus":1,"mem":32,"disk":0,"restart":{"policy":"SOMETIMES"}}}"#) == ["/run/restart/policy"])
        #expect(try paths(#"[]"#) == ["/"])
    }

    @Test func everyProblemIsReportedNotJustTheFirst() throws {
        let found = try paths(#"{"id":"A","run":{"cpus":0,"mem":1,"disk":-1}}"#)
        #expect(Set(found) == ["/id", "/run/cpus", "/run/mem", "/run/disk"])
    }

    @Test func scheduleRules() throws {
        let base = #"{"id":"a","run":{"cmd":"x","cpus":1,"mem":32,"disk":0},"schedules":[%@]}"#
        func with(_ schedules: String) -> String { base.replacingOccurrences(of: "%@", with: schedules) }
        let ok = try decode(with(#"{"id":"s","cron":"*/1 * * * *"}"#))
        #expect(ok.schedules[0].cron == "* * * * *")
        #expect(ok.schedules[0].timezone == "UTC" && ok.schedules[0].startingDeadlineSeconds == 900)
        #expect(try paths(with(#"{"id":"s","cron":"* * * *"}"#)) == ["/schedules(0)/cron"])
        #expect(try paths(with(#"{"id":"s","cron":"* * * * *","timezone":"+01:00"}"#)) == ["/schedules(0)/timezone"])
        #expect(try paths(with(#"{"id":"s","cron":"* * * * *","startingDeadlineSeconds":30}"#)) == ["/schedules(0)/startingDeadline"])
        #expect(try paths(with(#"{"id":"s","cron":"* * * * *"},{"id":"t","cron":"* * * * *"}"#)) == ["/schedules"])
        let both = #"{"id":"b","dependencies":[{"id":"a"}],"run":{"cmd":"x","cpus":1,"mem":32,"disk":0},"schedules":[{"id":"s","cron":"* * * * *"}]}"#
        #expect(try errors(both).entries.first?.errors == ["Jobs may not have both dependencies and schedules specified"])
    }

    @Test func standaloneScheduleIDsNeedTwoCharactersAndNoDots() throws {
        #expect(throws: ValidationErrors.self) { try JobSpecDecoder.decodeSchedule(try JSONParser.parse(#"{"id":"a","cron":"* * * * *"}"#), standalone: true) }
        #expect(throws: ValidationErrors.self) { try JobSpecDecoder.decodeSchedule(try JSONParser.parse(#"{"id":"a.b","cron":"* * * * *"}"#), standalone: true) }
        let ok = try JobSpecDecoder.decodeSchedule(try JSONParser.parse(#"{"id":"ab","cron":"0 0 * * *","nextRunAt":"ignored"}"#), standalone: true)
        #expect(ok.id == "ab")
    }

    @Test func networkMatrix() throws {
        func job(_ networks: String, container: Bool = true) -> String {
            #"{"id":"a","run":{"cpus":1,"mem":32,"disk":0,\#(container ? #""docker":{"image":"i"}"# : #""cmd":"x""#),"networks":\#(networks)}}"#
        }
        #expect(try errors(job(#"[{"mode":"host","name":"n"}]"#)).entries.first?.errors == ["must be empty for host network"])
        #expect(try errors(job(#"[{"mode":"container"}]"#)).entries.first?.errors == ["must not be empty for container networks"])
        #expect(try errors(job(#"[{"mode":"host"},{"mode":"container","name":"x"}]"#)).entries.contains { $0.errors.contains("You may not mix host, container, or container/bridge networking. Only define one kind of network.") })
        #expect(try errors(job(#"[{"mode":"container","name":"x"},{"mode":"container","name":"y"}]"#)).entries.contains { $0.errors.contains("Docker does not allow specification of multiple networks") })
        #expect(try errors(job(#"[{"mode":"container/bridge"}]"#, container: false)).entries.contains { $0.errors.contains("Only containers may join container or bridge networks") })
        #expect(try errors(job(#"[{"mode":"host"}]"#, container: false)).isEmpty)
    }

    @Test func storageRoundTripKeepsEverything() throws {
        let text = #"""
            {"id":"x.y","description":"d","labels":{"a":"b"},"run":{"cpus":0.5,"mem":64,"disk":10,"gpus":1,"cmd":"c","args":["a"],
             "user":"u","env":{"A":"1","S":{"secret":"s"}},"secrets":{"s":{"source":"src"}},
             "placement":{"constraints":[{"attribute":"host","operator":"LIKE","value":"a.*"}]},
             "artifacts":[{"uri":"http://x/y.tgz","extract":false,"executable":true,"cache":true}],"maxLaunchDelay":10,
             "ucr":{"image":{"id":"img","kind":"appc","forcePull":true},"privileged":true},
             "volumes":[{"containerPath":"/a","hostPath":"/b","mode":"RO"}],"restart":{"policy":"ON_FAILURE","activeDeadlineSeconds":5},
             "taskKillGracePeriodSeconds":2.5,"networks":[{"mode":"host"}]},
             "schedules":[{"id":"s1","cron":"0 3 * * *","timezone":"Europe/Rome","startingDeadlineSeconds":120,"concurrencyPolicy":"REPLACE","enabled":false}]}
            """#
        let spec = try decode(text)
        let stored = JSONWriter.string(.object(JobSpecEncoder.encode(spec, options: .storage)))
        #expect(try JobSpecDecoder.decodeStored(try JSONParser.parse(stored)) == spec)
    }

    @Test func timestampsFormatAndParse() {
        let instant = Instant(millisecondsSinceEpoch: 1_468_587_779_735)
        #expect(instant.metronomeFormat == "2016-07-15T13:02:59.735+0000")
        #expect(Instant.parse("2016-07-15T13:02:59.735+0000") == instant)
        #expect(Instant.parse("2016-07-15T15:02:59.735+02:00") == instant)
        #expect(Instant(millisecondsSinceEpoch: 1_772_953_200_000).rfc3339 == "2026-03-08T07:00:00Z")
        #expect(Instant.parse("2026-02-30T00:00:00Z") == nil)
        #expect(Instant(millisecondsSinceEpoch: -1).metronomeFormat == "1969-12-31T23:59:59.999+0000")
    }

    @Test func runIDsHaveMetronomeShape() {
        let id = RunID.generate(at: Instant.parse("2016-07-25T21:25:07Z")!)
        #expect(id.rawValue.hasPrefix("20160725212507"))
        #expect(id.rawValue.count == 19)
        // Each of the five random letters varies on its own (they come from one draw).
        let suffixes = (0..<1000).map { _ in Array(RunID.generate(at: Instant(millisecondsSinceEpoch: 0)).rawValue.utf8.suffix(5)) }
        #expect(Set(suffixes).count > 990)
        for position in 0..<5 {
            let letters = Set(suffixes.map { $0[position] })
            #expect(letters.count > 40)
            #expect(letters.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) })
        }
    }

    @Test func historyListsAreCapped() {
        var history = JobHistory()
        for i in 0..<5 {
            let run = JobRun(
                id: RunID(trusted: "r\(i)"), jobID: JobID("a")!, status: i % 2 == 0 ? .SUCCESS : .FAILED,
                createdAt: Instant(millisecondsSinceEpoch: Int64(i)), completedAt: Instant(millisecondsSinceEpoch: Int64(i + 1)),
                trigger: .manual, spec: RunSpec())
            history.record(run, limit: 2)
        }
        #expect(history.successCount == 3 && history.failureCount == 2)
        #expect(history.successfulFinishedRuns.map(\.id.rawValue) == ["r4", "r2"])
        #expect(history.lastSuccessAt == Instant(millisecondsSinceEpoch: 5))
    }

    /// Inputs Metronome's schema lets through but that would fail every run at launch are
    /// refused when the job is written, at their own path.
    @Test func inputsThatCouldNeverLaunchAreRefusedAtTheirPaths() throws {
        func job(_ run: String, id: String = "a") -> String { #"{"id":"\#(id)","run":{"cpus":0.1,"mem":32,"disk":0,\#(run)}}"# }
        #expect(try paths(job(#""cmd":"x","env":{"":"v"}"#)) == ["/run/env/"])
        #expect(try paths(job(#""cmd":"x","env":{"A=B":"v","OK":"v"}"#)) == ["/run/env/A=B"])
        #expect(try paths(job(#""cmd":"x","user":"""#)) == ["/run/user"])
        #expect(try paths(job(#""cmd":"x","artifacts":[{"uri":"https://a/b"},{"uri":""},{"uri":"ftp://a/b"},{"uri":"FILE:///tmp/x"}]"#))
            == ["/run/artifacts(1)/uri", "/run/artifacts(2)/uri"])
        #expect(try paths(job(#""cmd":"x","env":{"S":{"secret":"s"}},"secrets":{"s":{"source":""}}"#)) == ["/run/secrets/s/source"])
        let long = String(repeating: "a", count: JobID.maximumLength + 1)
        #expect(try paths(job(#""cmd":"x""#, id: long)) == ["/id"])
        #expect(try paths(job(#""cmd":"x""#, id: String(repeating: "a", count: JobID.maximumLength))) == [])
    }

    /// The issue's "args without a shell": `args` alone is something to run.
    @Test func argsAloneAreSomethingToRun() throws {
        let spec = try decode(#"{"id":"a","run":{"args":["/bin/echo","hi"],"cpus":0.1,"mem":32,"disk":0}}"#)
        #expect(spec.run.cmd == nil && spec.run.args == ["/bin/echo", "hi"])
        #expect(try errors(#"{"id":"a","run":{"args":[],"cpus":0.1,"mem":32,"disk":0}}"#).entries.first?.errors == ["Cmd, Docker or UCR image must be specified"])
    }

    /// A cron whose years are all past can never fire, like `0 0 31 2 *`: refused at /cron.
    @Test func aCronWhoseYearsArePastIsRefused() throws {
        func schedule(_ cron: String) throws -> ScheduleSpec {
            try JobSpecDecoder.decodeSchedule(try JSONParser.parse(#"{"id":"ab","cron":"\#(cron)"}"#), standalone: true)
        }
        do {
            _ = try schedule("0 0 * * * 2020")
            Issue.record("accepted")
        } catch let error as ValidationErrors {
            #expect(error.entries.map(\.path) == ["/cron"])
            #expect(error.entries.first?.errors == ["Can not read cron expression \"0 0 * * * 2020\": it never fires again"])
        }
        #expect(try schedule("0 0 * * * 2020-2199").cron == "0 0 * * * 2020-2199")
    }
}
