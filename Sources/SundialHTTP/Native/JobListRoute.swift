import Foundation
import Hummingbird
import SundialCore
import SundialEngine

/// `GET /api/jobs`: one page of the job list the web UI shows (docs/api.md). The engine
/// filters and pages; only the page's jobs are encoded, so it stays cheap at 100,000 jobs.
enum JobListRoute {
    static let maximumLimit = 500
    static let parameters: Set<String> = ["offset", "limit", "q", "status", "label", "group", "recursive"]

    static func handle(_ request: RoutedRequest, engine: Engine) async -> Response {
        let query: JobListQuery
        switch parse(request) {
        case .success(let parsed): query = parsed
        case .failure(let problem): return badRequest(problem)
        }
        let page = await engine.listJobs(query)
        let groupPrefix = query.group.map { $0 + "." } ?? ""
        return HTTPReply.json(.ok, JSONObject([
            "total": .number(Double(page.total)),
            "offset": .number(Double(query.offset)),
            "limit": .number(Double(query.limit)),
            "group": query.group.map { .string($0) } ?? .null,
            "groups": .array(page.groups.map { group in
                .object(JSONObject(["name": .string(group.name), "id": .string(groupPrefix + group.name), "count": .number(Double(group.count))]))
            }),
            "items": .array(page.items.map(itemJSON)),
        ]))
    }

    static func itemJSON(_ item: JobListItem) -> JSONValue {
        let spec = item.spec
        var o = JSONObject()
        o["id"] = .string(spec.id.rawValue)
        o["description"] = spec.description.map { .string($0) } ?? .null
        var labels = JSONObject()
        for key in spec.labels.keys.sorted() { labels[key] = .string(spec.labels[key]!) }
        o["labels"] = .object(labels)
        o["status"] = .string(item.status.rawValue)
        o["lastRun"] = item.lastRun.map { last in
            .object(JSONObject(["status": .string(last.succeeded ? "SUCCESS" : "FAILED"), "finishedAt": .string(last.finishedAt.rfc3339)]))
        } ?? .null
        o["nextRunAt"] = item.nextRunAt.map { .string($0.rfc3339) } ?? .null
        o["activeRuns"] = .number(Double(item.activeRuns))
        o["schedule"] = spec.schedules.first.map { schedule in
            .object(JSONObject([
                "id": .string(schedule.id), "cron": .string(schedule.cron), "timezone": .string(schedule.timezone), "enabled": .bool(schedule.enabled),
            ]))
        } ?? .null
        o["cmd"] = spec.run.cmd.map { .string($0) } ?? .null
        o["image"] = (spec.run.docker?.image ?? spec.run.ucr?.imageID).map { .string($0) } ?? .null
        return .object(o)
    }

    struct Problem: Error {
        var parameter: String
        var message: String
    }

    static func badRequest(_ problem: Problem) -> Response {
        HTTPReply.json(.badRequest, JSONObject(["message": .string(problem.message), "parameter": .string(problem.parameter)]))
    }

    static func parse(_ request: RoutedRequest) -> Result<JobListQuery, Problem> {
        var query = JobListQuery()
        for (name, _) in request.query where !parameters.contains(name) {
            return .failure(Problem(parameter: name, message: "unknown query parameter '\(name)'; known: \(parameters.sorted().joined(separator: ", "))"))
        }
        func single(_ name: String) -> Result<String?, Problem> {
            let values = request.queryValues(name)
            guard values.count <= 1 else { return .failure(Problem(parameter: name, message: "'\(name)' may be given once")) }
            return .success(values.first)
        }
        func integer(_ name: String, in range: ClosedRange<Int>) -> Result<Int?, Problem> {
            switch single(name) {
            case .failure(let problem): return .failure(problem)
            case .success(nil): return .success(nil)
            case .success(let text?):
                guard let value = Int(text), range.contains(value) else {
                    return .failure(Problem(parameter: name, message: "'\(name)' must be an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'"))
                }
                return .success(value)
            }
        }
        do throws(Problem) {
            if let offset = try integer("offset", in: 0...Int(Int32.max)).get() { query.offset = offset }
            if let limit = try integer("limit", in: 1...maximumLimit).get() { query.limit = limit }
            if let text = try single("q").get()?.trimmingCharacters(in: .whitespaces), !text.isEmpty { query.text = text }
            if let group = try single("group").get(), !group.isEmpty {
                guard JobID.isValid(group) else {
                    return .failure(Problem(parameter: "group", message: "'group' must be a job id prefix such as 'prod.reports', got '\(group)'"))
                }
                query.group = group
            }
            switch try single("recursive").get() {
            case nil, "false", "0": query.recursive = false
            case "true", "1": query.recursive = true
            case let other?: return .failure(Problem(parameter: "recursive", message: "'recursive' must be true or false, got '\(other)'"))
            }
            for value in request.queryValues("status") {
                for word in value.split(separator: ",") {
                    guard let status = JobListStatus(rawValue: String(word)) else {
                        let known = JobListStatus.allCases.map(\.rawValue).joined(separator: ", ")
                        return .failure(Problem(parameter: "status", message: "unknown status '\(word)'; known: \(known)"))
                    }
                    query.statuses.insert(status)
                }
            }
            for value in request.queryValues("label") {
                let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let key = parts.first, !key.isEmpty else {
                    return .failure(Problem(parameter: "label", message: "'label' must be 'key' or 'key=value', got '\(value)'"))
                }
                query.labels.append(.init(key: String(key), value: parts.count > 1 ? String(parts[1]) : nil))
            }
        } catch {
            return .failure(error)
        }
        return .success(query)
    }
}
