/// Turns a Metronome-shaped JSON job (v1 or v0) into a `JobSpec`: first the JSON schema in
/// shared/reference/metronome, then the semantic rules (`JobSpecValidator`). Fails with every
/// problem found, each at its path; nothing is partially applied.
public enum JobSpecDecoder {
    static let topLevelKeys: Set<String> = ["id", "description", "labels", "dependencies", "schedules", "run"]
    static let runKeys: Set<String> = [
        "args", "artifacts", "cmd", "cpus", "gpus", "disk", "networks", "ucr", "docker", "env", "maxLaunchDelay", "mem",
        "placement", "user", "taskKillGracePeriodSeconds", "restart", "volumes", "secrets",
    ]
    public static let idPattern = "^([a-z0-9]+(\\-+[a-z0-9]+)*)(\\.([a-z0-9]+(\\-+[a-z0-9]+)*))*$"
    public static let standaloneScheduleIDPattern = "^([a-z0-9][a-z0-9\\-]*[a-z0-9]+)$"

    public static func decode(_ json: JSONValue) throws(ValidationErrors) -> JobSpec {
        var reader = SchemaReader()
        let spec = read(json, reader: &reader)
        guard reader.errors.isEmpty, var spec else { throw reader.errors }
        let semantic = JobSpecValidator.validate(spec)
        guard semantic.isEmpty else { throw semantic }
        for index in spec.schedules.indices { spec.schedules[index] = normalized(spec.schedules[index]) }
        return spec
    }

    /// Expressions are stored in canonical form (`*/1 * * * *` becomes `* * * * *`).
    static func normalized(_ schedule: ScheduleSpec) -> ScheduleSpec {
        var schedule = schedule
        switch schedule.kind {
        case .cron:
            if let cron = try? CronExpression.parse(schedule.expression) { schedule.expression = cron.normalized }
        case .iso8601:
            // An empty start is resolved now, so the stored schedule means the same after a
            // restart (as the Chronos API does).
            if schedule.expression.hasPrefix("R") && schedule.expression.contains("//"),
                let iso = try? ISO8601Schedule.parse(schedule.expression, scheduleTimeZone: schedule.timezone, now: .now())
            {
                schedule.expression = iso.description
            }
        }
        return schedule
    }

    static func read(_ json: JSONValue, reader: inout SchemaReader, stored: Bool = false) -> JobSpec? {
        let allowed = stored ? topLevelKeys.union(["chronos", "dependenciesChangedAt"]) : topLevelKeys
        guard let object = reader.object(json, at: .root, allowed: allowed, required: ["id", "run"]) else { return nil }
        let idText = reader.string(object["id"], at: JSONPath.root.key("id"), minLength: 1)
        var id: JobID?
        if let idText {
            id = JobID(idText)
            reader.pattern(idText, at: JSONPath.root.key("id"), matches: id != nil, pattern: idPattern)
        }
        let description = reader.string(object["description"], at: JSONPath.root.key("description"))
        let labels = reader.stringMap(object["labels"], at: JSONPath.root.key("labels")) ?? [:]
        var dependencies: [JobID] = []
        if let items = reader.array(object["dependencies"], at: JSONPath.root.key("dependencies")) {
            for (i, item) in items.enumerated() {
                let path = JSONPath.root.key("dependencies").index(i)
                guard let dep = reader.object(item, at: path, required: ["id"]),
                    let text = reader.string(dep["id"], at: path.key("id"))
                else { continue }
                if let depID = JobID(text) { dependencies.append(depID) } else {
                    reader.pattern(text, at: path.key("id"), matches: false, pattern: idPattern)
                }
            }
        }
        var schedules: [ScheduleSpec] = []
        if let items = reader.array(object["schedules"], at: JSONPath.root.key("schedules")) {
            for (i, item) in items.enumerated() {
                if let schedule = readSchedule(item, at: JSONPath.root.key("schedules").index(i), standalone: false, reader: &reader, stored: stored) {
                    schedules.append(schedule)
                }
            }
        }
        var run: RunSpec?
        if let runJSON = object["run"], !runJSON.isNull {
            run = readRun(runJSON, at: JSONPath.root.key("run"), reader: &reader, stored: stored)
        }
        guard let id, let run else { return nil }
        let chronos = stored ? object["chronos"].flatMap(ChronosFieldsStorage.decode) : nil
        var spec = JobSpec(id: id, description: description, labels: labels, dependencies: dependencies, schedules: schedules, run: run, chronos: chronos)
        if stored { spec.dependenciesChangedAt = object["dependenciesChangedAt"]?.numberValue.map { Instant(millisecondsSinceEpoch: Int64($0)) } }
        return spec
    }

    /// Decodes a schedule. Standalone schedules (`POST …/schedules`) use the stricter id rule.
    public static func decodeSchedule(_ json: JSONValue, standalone: Bool) throws(ValidationErrors) -> ScheduleSpec {
        var reader = SchemaReader()
        let schedule = readSchedule(json, at: .root, standalone: standalone, reader: &reader)
        guard reader.errors.isEmpty, let schedule else { throw reader.errors }
        let semantic = JobSpecValidator.validate(schedule: schedule, at: .root)
        guard semantic.isEmpty else { throw semantic }
        return normalized(schedule)
    }

    static func readSchedule(_ json: JSONValue, at path: JSONPath, standalone: Bool, reader: inout SchemaReader, stored: Bool = false) -> ScheduleSpec? {
        // The schedule schema allows additional properties (so `nextRunAt` can be sent back).
        guard let object = reader.object(json, at: path, required: ["id", "cron"]) else { return nil }
        var id: String?
        if let text = reader.string(object["id"], at: path.key("id"), minLength: 1) {
            let valid = standalone ? ScheduleSpec.isValidStandaloneID(text) : JobID.isValid(text)
            reader.pattern(text, at: path.key("id"), matches: valid, pattern: standalone ? standaloneScheduleIDPattern : idPattern)
            if valid { id = text }
        }
        let cron = reader.string(object["cron"], at: path.key("cron"))
        let timezone = reader.string(object["timezone"], at: path.key("timezone"))
        let deadline = reader.integer(object["startingDeadlineSeconds"], at: path.key("startingDeadlineSeconds"), minimum: 1)
        let policy = reader.enumeration(object["concurrencyPolicy"], at: path.key("concurrencyPolicy"), ScheduleSpec.ConcurrencyPolicy.self)
        let enabled = reader.bool(object["enabled"], at: path.key("enabled"))
        guard let id, let cron else { return nil }
        let kind = stored ? (object["kind"]?.stringValue.flatMap(ScheduleSpec.Kind.init(rawValue:)) ?? .cron) : ScheduleSpec.Kind.of(cron)
        // An ISO 8601 interval without a zone keeps its start's own offset, as in Chronos.
        let defaultZone = kind == .iso8601 ? "" : "UTC"
        return ScheduleSpec(
            id: id, kind: kind, expression: cron, timezone: timezone ?? defaultZone, startingDeadlineSeconds: deadline ?? 900,
            concurrencyPolicy: policy.flatMap(ScheduleSpec.ConcurrencyPolicy.init(rawValue:)) ?? .ALLOW, enabled: enabled ?? true)
    }

    static func readRun(_ json: JSONValue, at path: JSONPath, reader: inout SchemaReader, stored: Bool = false) -> RunSpec? {
        guard let object = reader.object(json, at: path, allowed: runKeys, required: ["cpus", "mem", "disk"]) else { return nil }
        var run = RunSpec()
        // Stored specs may come from Chronos, which has no resource minimums.
        if let cpus = reader.number(object["cpus"], at: path.key("cpus"), minimum: stored ? 0 : 0.01) { run.cpus = cpus }
        if let mem = reader.number(object["mem"], at: path.key("mem"), minimum: stored ? 0 : 32) { run.mem = mem }
        if let disk = reader.number(object["disk"], at: path.key("disk"), minimum: 0) { run.disk = disk }
        if let gpus = reader.integer(object["gpus"], at: path.key("gpus"), minimum: 0) { run.gpus = gpus }
        run.cmd = reader.string(object["cmd"], at: path.key("cmd"), minLength: 1)
        run.args = reader.stringArray(object["args"], at: path.key("args"))
        run.user = reader.string(object["user"], at: path.key("user"))
        if let delay = reader.integer(object["maxLaunchDelay"], at: path.key("maxLaunchDelay"), minimum: 1) { run.maxLaunchDelay = delay }
        if let grace = reader.number(object["taskKillGracePeriodSeconds"], at: path.key("taskKillGracePeriodSeconds")) {
            if grace < 0 {
                reader.fail(path.key("taskKillGracePeriodSeconds"), "\(JSONWriter.string(.number(grace))) is smaller than required minimum value of 0.")
            } else {
                run.taskKillGracePeriodSeconds = grace
            }
        }
        if let env = object["env"], !env.isNull, let envObject = reader.object(env, at: path.key("env")) {
            for (name, value) in envObject {
                let p = path.key("env").key(name)
                switch value {
                case .string(let s): run.env[name] = .value(s)
                case .object(let ref):
                    if let secret = reader.string(ref["secret"], at: p.key("secret")) {
                        run.env[name] = .secret(secret)
                    } else if ref["secret"] == nil {
                        reader.fail(p, "Property secret missing.")
                    }
                default: reader.fail(p, "Wrong type. Expected string or object with a secret, was \(value.typeName).")
                }
            }
        }
        if let secrets = object["secrets"], !secrets.isNull, let secretsObject = reader.object(secrets, at: path.key("secrets")) {
            for (name, value) in secretsObject {
                let p = path.key("secrets").key(name)
                guard let ref = reader.object(value, at: p) else { continue }
                if let source = reader.string(ref["source"], at: p.key("source")) {
                    run.secrets[name] = SecretSource(source: source)
                } else {
                    reader.fail(p.key("source"), "Property source missing.")
                }
            }
        }
        if let placement = object["placement"], !placement.isNull,
            let placementObject = reader.object(placement, at: path.key("placement"), allowed: ["constraints"])
        {
            for (i, item) in (reader.array(placementObject["constraints"], at: path.key("placement").key("constraints")) ?? []).enumerated() {
                let p = path.key("placement").key("constraints").index(i)
                guard let c = reader.object(item, at: p, allowed: ["attribute", "operator", "value"], required: ["attribute", "operator"]) else { continue }
                let attribute = reader.string(c["attribute"], at: p.key("attribute"))
                let op = reader.enumeration(c["operator"], at: p.key("operator"), Constraint.Operator.self, extra: ["EQ"])
                let value = reader.string(c["value"], at: p.key("value"))
                if let attribute, let op {
                    run.placement.constraints.append(Constraint(attribute: attribute, op: op == "EQ" ? .IS : Constraint.Operator(rawValue: op)!, value: value))
                }
            }
        }
        for (i, item) in (reader.array(object["artifacts"], at: path.key("artifacts")) ?? []).enumerated() {
            let p = path.key("artifacts").index(i)
            guard let a = reader.object(item, at: p, allowed: ["uri", "executable", "extract", "cache"], required: ["uri"]) else { continue }
            guard let uri = reader.string(a["uri"], at: p.key("uri")) else { continue }
            run.artifacts.append(Artifact(
                uri: uri, extract: reader.bool(a["extract"], at: p.key("extract")) ?? true,
                executable: reader.bool(a["executable"], at: p.key("executable")) ?? false,
                cache: reader.bool(a["cache"], at: p.key("cache")) ?? false))
        }
        if let docker = object["docker"], !docker.isNull,
            let d = reader.object(docker, at: path.key("docker"), allowed: ["image", "forcePullImage", "privileged", "parameters"], required: ["image"])
        {
            let p = path.key("docker")
            if let image = reader.string(d["image"], at: p.key("image")) {
                var spec = DockerSpec(image: image)
                spec.forcePullImage = reader.bool(d["forcePullImage"], at: p.key("forcePullImage")) ?? false
                spec.privileged = reader.bool(d["privileged"], at: p.key("privileged")) ?? false
                for (i, item) in (reader.array(d["parameters"], at: p.key("parameters")) ?? []).enumerated() {
                    let pp = p.key("parameters").index(i)
                    guard let kv = reader.object(item, at: pp, allowed: ["key", "value"], required: ["key", "value"]),
                        let key = reader.string(kv["key"], at: pp.key("key")), let value = reader.string(kv["value"], at: pp.key("value"))
                    else { continue }
                    spec.parameters.append(.init(key: key, value: value))
                }
                run.docker = spec
            }
        }
        if let ucr = object["ucr"], !ucr.isNull,
            let u = reader.object(ucr, at: path.key("ucr"), allowed: ["image", "privileged"], required: ["image"])
        {
            let p = path.key("ucr")
            if let imageJSON = u["image"], !imageJSON.isNull,
                let image = reader.object(imageJSON, at: p.key("image"), allowed: ["id", "kind", "forcePull"], required: ["id"]),
                let imageID = reader.string(image["id"], at: p.key("image").key("id"))
            {
                var spec = UCRSpec(imageID: imageID)
                if let kind = reader.string(image["kind"], at: p.key("image").key("kind")) {
                    if kind == "docker" || kind == "appc" { spec.imageKind = kind } else {
                        reader.fail(p.key("image").key("kind"), "Invalid enum value '\(kind)'. Valid values are: docker, appc.")
                    }
                }
                spec.forcePull = reader.bool(image["forcePull"], at: p.key("image").key("forcePull")) ?? false
                spec.privileged = reader.bool(u["privileged"], at: p.key("privileged")) ?? false
                run.ucr = spec
            }
        }
        for (i, item) in (reader.array(object["volumes"], at: path.key("volumes")) ?? []).enumerated() {
            let p = path.key("volumes").index(i)
            guard let v = reader.object(item, at: p, allowed: ["containerPath", "hostPath", "mode", "secret"], required: ["containerPath"]) else { continue }
            let containerPath = reader.string(v["containerPath"], at: p.key("containerPath"), minLength: 1)
            let hostPath = reader.string(v["hostPath"], at: p.key("hostPath"), minLength: 1)
            let mode = reader.string(v["mode"], at: p.key("mode"))
            let secret = reader.string(v["secret"], at: p.key("secret"), minLength: 1)
            if let mode, mode != "RO", mode != "RW" {
                reader.fail(p.key("mode"), "Invalid enum value '\(mode)'. Valid values are: RO, RW.")
                continue
            }
            guard let containerPath else { continue }
            // Metronome accepts exactly two key sets; anything else is neither kind of volume.
            let keys = Set(v.keys)
            if keys == ["containerPath", "hostPath", "mode"], let hostPath, let mode {
                run.volumes.append(.host(containerPath: containerPath, hostPath: hostPath, mode: mode))
            } else if keys == ["containerPath", "secret"], let secret {
                run.volumes.append(.secret(containerPath: containerPath, secret: secret))
            } else {
                reader.fail(p, "expected HostVolume or SecretVolume object but got \(JSONWriter.string(item))")
            }
        }
        if let restart = object["restart"], !restart.isNull,
            let r = reader.object(
                restart, at: path.key("restart"), allowed: stored ? ["policy", "activeDeadlineSeconds", "maxRetries"] : ["policy", "activeDeadlineSeconds"],
                required: ["policy"])
        {
            let p = path.key("restart")
            if let policy = reader.enumeration(r["policy"], at: p.key("policy"), RestartPolicy.Policy.self) {
                run.restart.policy = RestartPolicy.Policy(rawValue: policy)!
            }
            run.restart.activeDeadlineSeconds = reader.integer(r["activeDeadlineSeconds"], at: p.key("activeDeadlineSeconds"), minimum: 0)
            if stored { run.restart.maxRetries = reader.integer(r["maxRetries"], at: p.key("maxRetries"), minimum: 0) }
        }
        for (i, item) in (reader.array(object["networks"], at: path.key("networks")) ?? []).enumerated() {
            let p = path.key("networks").index(i)
            guard let n = reader.object(item, at: p, allowed: ["name", "mode", "labels"], required: ["mode"]) else { continue }
            let mode = reader.enumeration(n["mode"], at: p.key("mode"), Network.Mode.self)
            let name = reader.string(n["name"], at: p.key("name"))
            let labels = reader.stringMap(n["labels"], at: p.key("labels")) ?? [:]
            if let mode { run.networks.append(Network(mode: Network.Mode(rawValue: mode)!, name: name, labels: labels)) }
        }
        return run
    }
}

extension JobSpecDecoder {
    /// Decodes a job written by `JobSpecEncoder` with storage options. Only the schema is
    /// checked: the semantic rules held when it was stored, and a rule added later must not
    /// make a stored job unreadable.
    public static func decodeStored(_ json: JSONValue) throws(ValidationErrors) -> JobSpec {
        var reader = SchemaReader()
        let spec = read(json, reader: &reader, stored: true)
        guard reader.errors.isEmpty, let spec else { throw reader.errors }
        return spec
    }

    public static func decodeStoredRun(_ json: JSONValue) throws(ValidationErrors) -> RunSpec {
        var reader = SchemaReader()
        let run = readRun(json, at: .root, reader: &reader, stored: true)
        guard reader.errors.isEmpty, let run else { throw reader.errors }
        return run
    }
}
