import Foundation

/// Turns a Chronos job body (`POST /iso8601` or `/dependency`) into the shared model, with
/// Chronos' defaults and checks (reference/chronos.md §2.4, §3). Nothing is stored here.
public enum ChronosJobDecoder {
    public static func decode(_ json: JSONValue, now: Instant) throws(ChronosRequestError) -> ChronosJobRequest {
        guard let object = json.objectValue else { throw ChronosRequestError("Can not read a job from \(json.typeName)") }
        let r = ChronosLenientReader(object: object)
        guard let nameValue = object["name"], let name = nameValue.stringValue else {
            throw .requirement("the job's name is missing")
        }
        guard ChronosDefaults.isValidName(name) else {
            throw .requirement("the job's name is invalid. Allowed names: '([\\w\\.-]+)'")
        }
        guard name.utf8.count <= JobID.maximumLength else {
            throw .requirement("the job's name is longer than \(JobID.maximumLength) characters")
        }
        var fields = ChronosFields(name: name)
        fields.arguments = r.strings("arguments")
        fields.executor = r.string("executor")
        fields.executorFlags = r.string("executorFlags")
        fields.taskInfoData = r.string("taskInfoData")
        fields.owner = r.string("owner")
        fields.ownerName = r.string("ownerName")
        fields.softError = r.bool("softError")
        // The server reads `dataProcessingJobType`; the docs call it `dataJob`: accept both.
        fields.dataProcessingJobType = r.bool("dataProcessingJobType") || r.bool("dataJob")
        fields.highPriority = r.bool("highPriority")
        fields.maxCompletionTime = Int64(max(0, r.integer("maxCompletionTime")))
        fields.uris = r.strings("uris")
        fields.async = r.bool("async")
        fields.disabled = r.bool("disabled")
        fields.concurrent = r.bool("concurrent")
        let fetch = try readFetch(object["fetch"])
        if !fields.uris.isEmpty && !fetch.isEmpty {
            throw ChronosRequestError("Tried to add both uri (deprecated) and fetch parameters on \(name)")
        }
        var run = RunSpec()
        run.cpus = positiveOr(r.number("cpus"), ChronosDefaults.cpus)
        run.mem = positiveOr(r.number("mem"), ChronosDefaults.mem)
        run.disk = positiveOr(r.number("disk"), ChronosDefaults.disk)
        let command = r.string("command")
        let shell = r.bool("shell", default: true)
        // The seed: with `shell` the command runs through /bin/sh -c and `arguments` are
        // ignored; without it the command is the executable and `arguments` its argv.
        if shell {
            run.cmd = command.isEmpty ? nil : command
        } else if !command.isEmpty {
            run.args = [command] + fields.arguments
        }
        let user = object["runAsUser"] == nil ? ChronosDefaults.runAsUser : r.string("runAsUser")
        run.user = user.isEmpty ? nil : user
        for item in object["environmentVariables"]?.arrayValue ?? [] {
            guard let variable = item["name"]?.stringValue else { continue }
            run.env[variable] = .value(item["value"]?.stringValue ?? "")
        }
        run.artifacts = fetch + fields.uris.map { Artifact(uri: $0, extract: true, executable: false, cache: false) }
        run.placement.constraints = try readConstraints(object["constraints"])
        let retries = object["retries"] == nil ? ChronosDefaults.retries : min(1000, max(0, r.integer("retries")))
        run.restart = retries > 0 ? RestartPolicy(policy: .ON_FAILURE, maxRetries: retries) : RestartPolicy(policy: .NEVER, maxRetries: 0)
        if let given = object["container"], let container = try ChronosContainer.normalized(given), let image = container["image"]?.stringValue {
            fields.container = .object(container)
            if container["type"]?.stringValue == "MESOS" {
                var ucr = UCRSpec(imageID: image)
                ucr.forcePull = container["forcePullImage"] == .bool(true)
                run.ucr = ucr
            } else {
                var docker = DockerSpec(image: image)
                docker.forcePullImage = container["forcePullImage"] == .bool(true)
                for parameter in container["parameters"]?.arrayValue ?? [] {
                    if let key = parameter["key"]?.stringValue { docker.parameters.append(.init(key: key, value: parameter["value"]?.stringValue ?? "")) }
                }
                run.docker = docker
            }
        }
        let epsilonSeconds = try readEpsilon(object["epsilon"])
        let description = r.string("description")
        var spec = JobSpec(id: JobID(trusted: name), description: description.isEmpty ? nil : description, run: run, chronos: fields)
        var parents: [String]?
        if let parentsJSON = object["parents"] {
            parents = parentsJSON.arrayValue?.compactMap(\.stringValue) ?? []
            spec.chronos?.isDependencyJob = true
        } else {
            let text = object["schedule"].map { _ in r.string("schedule") } ?? "R1//PT24H"
            spec.schedules = [try schedule(
                text, zone: r.string("scheduleTimeZone"), now: now, epsilonSeconds: epsilonSeconds, concurrent: fields.concurrent,
                disabled: fields.disabled)]
        }
        return ChronosJobRequest(name: name, parents: parents, spec: spec)
    }

    static func positiveOr(_ value: Double, _ fallback: Double) -> Double { value > 0 && value < 1e12 ? value : fallback }

    /// An ISO 8601 interval, or (a Sundial extension) a cron expression.
    static func schedule(
        _ text: String, zone: String, now: Instant, epsilonSeconds: Int, concurrent: Bool, disabled: Bool
    ) throws(ChronosRequestError) -> ScheduleSpec {
        let policy: ScheduleSpec.ConcurrencyPolicy = concurrent ? .ALLOW : .FORBID
        if let iso = try? ISO8601Schedule.parse(text, scheduleTimeZone: zone, now: now) {
            if iso.start < Instant(millisecondsSinceEpoch: 1000) {
                throw ChronosRequestError("Scheduled start date '\(ISO8601Schedule.format(iso.start, in: iso.zone))' is before 1970!")
            }
            // An empty start is resolved now, so the stored schedule means the same after a restart.
            let startIsEmpty = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().first?.isEmpty ?? false
            return ScheduleSpec(
                id: ChronosDefaults.scheduleID, kind: .iso8601, expression: startIsEmpty ? iso.description : text, timezone: zone,
                startingDeadlineSeconds: epsilonSeconds, concurrencyPolicy: policy, enabled: !disabled)
        }
        if let cron = try? CronExpression.parse(text) {
            let cronZone = zone.isEmpty ? "UTC" : zone
            guard TimeZone(identifier: cronZone) != nil else { throw ChronosRequestError("Unknown scheduleTimeZone '\(zone)' for a cron schedule") }
            return ScheduleSpec(
                id: ChronosDefaults.scheduleID, kind: .cron, expression: cron.normalized, timezone: cronZone,
                startingDeadlineSeconds: epsilonSeconds, concurrencyPolicy: policy, enabled: !disabled)
        }
        throw ChronosRequestError("Cannot parse schedule '\(text)' (wtf bro)")
    }

    static func readEpsilon(_ value: JSONValue?) throws(ChronosRequestError) -> Int {
        guard let value, !value.isNull else { return ChronosDefaults.epsilonSeconds }
        guard let text = value.stringValue, let period = ISO8601Period.parse(text), let ms = period.standardMilliseconds else {
            throw ChronosRequestError("Cannot parse epsilon '\(value.stringValue ?? JSONWriter.string(value))': expected an ISO 8601 duration without years or months, e.g. PT15M")
        }
        return max(1, Int(ms / 1000))
    }

    static func readFetch(_ value: JSONValue?) throws(ChronosRequestError) -> [Artifact] {
        var artifacts: [Artifact] = []
        for item in value?.arrayValue ?? [] {
            guard let object = item.objectValue, let uri = object["uri"]?.stringValue else {
                throw ChronosRequestError("Each fetch entry needs a uri")
            }
            let r = ChronosLenientReader(object: object)
            artifacts.append(Artifact(uri: uri, extract: r.bool("extract", default: true), executable: r.bool("executable"), cache: r.bool("cache")))
        }
        return artifacts
    }

    /// `[[attribute, op, value]]`; ops other than EQUALS, LIKE and UNLIKE are dropped, as
    /// Chronos does; an invalid regular expression is refused.
    static func readConstraints(_ value: JSONValue?) throws(ChronosRequestError) -> [Constraint] {
        var constraints: [Constraint] = []
        for item in value?.arrayValue ?? [] {
            let parts = item.arrayValue?.compactMap(\.stringValue) ?? []
            guard parts.count == 3 else { continue }
            let op: Constraint.Operator
            switch parts[1] {
            case "EQUALS": op = .IS
            case "LIKE": op = .LIKE
            case "UNLIKE": op = .UNLIKE
            default: continue
            }
            if op != .IS, !ConstraintEvaluator.isValidPattern(parts[2]) {
                throw .requirement("Invalid regular expression '\(parts[2])' in constraint on '\(parts[0])'")
            }
            constraints.append(Constraint(attribute: parts[0], op: op, value: parts[2]))
        }
        return constraints
    }
}
