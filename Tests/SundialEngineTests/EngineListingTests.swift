import Foundation
import Testing
import SundialCore
import SundialEngine
import SundialTestSupport

/// The paged job list behind the web UI: folders from dotted ids, filters, statuses and
/// paging, and the dependency neighbourhood of a job.
@Suite struct EngineListingTests {
    let now = Instant.parse("2026-03-07T12:00:30Z")!

    func spec(_ id: String, description: String? = nil, labels: [String: String] = [:], cron: String? = nil, enabled: Bool = true,
              dependencies: [String] = []) -> JobSpec {
        var run = RunSpec()
        run.cmd = "true"
        let schedules = cron.map { [ScheduleSpec(id: "s1", cron: $0, enabled: enabled)] } ?? []
        return JobSpec(id: JobID(id)!, description: description, labels: labels, dependencies: dependencies.map { JobID($0)! },
                       schedules: schedules, run: run)
    }

    func engine(_ specs: [JobSpec]) async throws -> (Engine, FakeLauncher) {
        let launcher = FakeLauncher()
        let engine = Engine(store: InMemoryJobStore(), launcher: launcher, clock: ManualClock(now: now))
        try await engine.start()
        for spec in specs { _ = try await engine.createJob(spec) }
        return (engine, launcher)
    }

    func query(group: String? = nil, recursive: Bool = false, text: String? = nil, statuses: Set<JobListStatus> = [],
               labels: [JobListQuery.LabelFilter] = [], offset: Int = 0, limit: Int = 50) -> JobListQuery {
        var q = JobListQuery()
        q.group = group
        q.recursive = recursive
        q.text = text
        q.statuses = statuses
        q.labels = labels
        q.offset = offset
        q.limit = limit
        return q
    }

    @Test func foldersAndDirectJobsOfAGroup() async throws {
        let (engine, _) = try await engine([
            spec("top"), spec("prod.a"), spec("prod.b"), spec("prod.reports.x"), spec("prod.reports.y"), spec("prod.reports.deep.z"),
            spec("prod-other.q"), spec("staging.c"),
        ])
        let root = await engine.listJobs(query())
        #expect(root.items.map(\.spec.id.rawValue) == ["top"])
        #expect(root.total == 1)
        #expect(root.groups.map(\.name) == ["prod", "prod-other", "staging"])
        #expect(root.groups.map(\.count) == [5, 1, 1])

        let prod = await engine.listJobs(query(group: "prod"))
        #expect(prod.items.map(\.spec.id.rawValue) == ["prod.a", "prod.b"])
        #expect(prod.groups.map(\.name) == ["reports"])
        #expect(prod.groups.map(\.count) == [3])

        let everything = await engine.listJobs(query(group: "prod", recursive: true))
        #expect(everything.total == 5)
        // Plain id order: "prod.reports.deep.z" sorts before "prod.reports.x".
        #expect(everything.items.map(\.spec.id.rawValue) == ["prod.a", "prod.b", "prod.reports.deep.z", "prod.reports.x", "prod.reports.y"])

        let unknown = await engine.listJobs(query(group: "nope"))
        #expect(unknown.total == 0 && unknown.items.isEmpty && unknown.groups.isEmpty)
    }

    @Test func pagesAreSortedSlicesAndTotalCountsAllMatches() async throws {
        let (engine, _) = try await engine((0..<25).map { spec(String(format: "job-%02d", $0)) })
        let second = await engine.listJobs(query(offset: 10, limit: 10))
        #expect(second.total == 25)
        #expect(second.items.map(\.spec.id.rawValue) == (10..<20).map { String(format: "job-%02d", $0) })
        let past = await engine.listJobs(query(offset: 40, limit: 10))
        #expect(past.total == 25 && past.items.isEmpty)
        // A delete (and a create) re-sorts the index.
        _ = try await engine.deleteJob(JobID("job-10")!, stopCurrentRuns: false)
        _ = try await engine.createJob(spec("job-105"))
        let after = await engine.listJobs(query(offset: 10, limit: 2))
        #expect(after.items.map(\.spec.id.rawValue) == ["job-105", "job-11"])
    }

    @Test func searchMatchesIdOrDescriptionIgnoringCase() async throws {
        let (engine, _) = try await engine([
            spec("billing.invoices", description: "Sends the Monthly invoices"), spec("billing.refunds", description: "Refunds for Émile"), spec("ops.monthly-cleanup"),
        ])
        let monthly = await engine.listJobs(query(recursive: true, text: "MONTHLY"))
        #expect(monthly.items.map(\.spec.id.rawValue) == ["billing.invoices", "ops.monthly-cleanup"])
        // Letters outside ASCII fold too.
        #expect(await engine.listJobs(query(recursive: true, text: "ÉMILE")).items.map(\.spec.id.rawValue) == ["billing.refunds"])
        #expect(await engine.listJobs(query(recursive: true, text: "refunds for")).items.map(\.spec.id.rawValue) == ["billing.refunds"])
        #expect(await engine.listJobs(query(recursive: true, text: "no such words")).total == 0)
        // Without recursion the matches below the group are counted in their folders.
        let folded = await engine.listJobs(query(text: "monthly"))
        #expect(folded.items.isEmpty)
        #expect(folded.groups.map(\.name) == ["billing", "ops"])
        #expect(folded.groups.map(\.count) == [1, 1])
    }

    @Test func labelFiltersNeedEveryPair() async throws {
        let (engine, _) = try await engine([
            spec("a", labels: ["team": "data", "tier": "gold"]), spec("b", labels: ["team": "data"]), spec("c", labels: ["team": "web"]),
        ])
        let data = await engine.listJobs(query(labels: [.init(key: "team", value: "data")]))
        #expect(data.items.map(\.spec.id.rawValue) == ["a", "b"])
        let gold = await engine.listJobs(query(labels: [.init(key: "team", value: "data"), .init(key: "tier", value: nil)]))
        #expect(gold.items.map(\.spec.id.rawValue) == ["a"])
    }

    @Test func statusesFollowRunsHistoryAndSchedules() async throws {
        let (engine, launcher) = try await engine([
            spec("fails"), spec("idle"), spec("runs"), spec("scheduled", cron: "0 3 * * *"), spec("disabled", cron: "0 3 * * *", enabled: false),
            spec("succeeds"),
        ])
        let failing = try await engine.startRun(JobID("fails")!)
        let succeeding = try await engine.startRun(JobID("succeeds")!)
        _ = try await engine.startRun(JobID("runs")!)
        #expect(await eventually { await engine.activeRuns(of: JobID("fails")!).first?.tasks.isEmpty == false })
        #expect(await eventually { await engine.activeRuns(of: JobID("succeeds")!).first?.tasks.isEmpty == false })
        launcher.finish(try #require(await engine.activeRuns(of: JobID("fails")!).first?.tasks.first?.id), .exited(1))
        launcher.finish(try #require(await engine.activeRuns(of: JobID("succeeds")!).first?.tasks.first?.id), .exited(0))
        #expect(await eventually { await engine.run(JobID("fails")!, failing.id)?.status == .FAILED })
        #expect(await eventually { await engine.run(JobID("succeeds")!, succeeding.id)?.status == .SUCCESS })

        let page = await engine.listJobs(query())
        let statuses = Dictionary(uniqueKeysWithValues: page.items.map { ($0.spec.id.rawValue, $0.status) })
        #expect(statuses == [
            "disabled": .unscheduled, "fails": .failed, "idle": .unscheduled, "runs": .running, "scheduled": .scheduled, "succeeds": .completed,
        ])
        let items = Dictionary(uniqueKeysWithValues: page.items.map { ($0.spec.id.rawValue, $0) })
        #expect(items["fails"]?.lastRun?.succeeded == false)
        #expect(items["succeeds"]?.lastRun?.succeeded == true)
        #expect(items["runs"]?.activeRuns == 1)
        #expect(items["scheduled"]?.nextRunAt == Instant.parse("2026-03-08T03:00:00Z"))
        #expect(items["disabled"]?.nextRunAt == nil)

        let failedOrRunning = await engine.listJobs(query(statuses: [.failed, .running]))
        #expect(failedOrRunning.items.map(\.spec.id.rawValue) == ["fails", "runs"])
    }

    @Test func dependencyGraphHoldsAncestorsAndDescendants() async throws {
        let (engine, _) = try await engine([
            spec("extract"), spec("other"), spec("transform", dependencies: ["extract"]), spec("load", dependencies: ["transform"]),
            spec("report", dependencies: ["transform", "other"]),
        ])
        let graph = try #require(await engine.dependencyGraph(of: JobID("transform")!))
        #expect(Set(graph.nodes.map(\.rawValue)) == ["transform", "extract", "load", "report"])
        #expect(Set(graph.edges.map { "\($0.parent)->\($0.child)" }) == ["extract->transform", "transform->load", "transform->report"])
        #expect(!graph.truncated)
        let capped = try #require(await engine.dependencyGraph(of: JobID("transform")!, limit: 2))
        #expect(capped.nodes.count == 2 && capped.truncated)
        #expect(capped.edges.allSatisfy { capped.nodes.contains($0.parent) && capped.nodes.contains($0.child) })
        #expect(await engine.dependencyGraph(of: JobID("missing")!) == nil)
    }
}
