/// Writes a `JobSpec` as Metronome JSON.
public enum JobSpecEncoder {
    public struct Options: Sendable {
        /// Write fields Metronome added after 0.3 (`gpus`, `secrets`, `networks`,
        /// `dependencies`) even when they hold their default, as storage needs.
        public var writeLaterFieldDefaults: Bool
        /// Always write `schedules`, even when empty (asked for with `embed=schedules`).
        public var alwaysWriteSchedules: Bool
        /// Add `nextRunAt` to each schedule.
        public var nextRunAt: (@Sendable (ScheduleSpec) -> Instant?)?
        /// Write what only the store keeps: Chronos fields, schedule kinds, retry limits.
        public var storageExtensions: Bool

        public init(
            writeLaterFieldDefaults: Bool = false, alwaysWriteSchedules: Bool = false, nextRunAt: (@Sendable (ScheduleSpec) -> Instant?)? = nil,
            storageExtensions: Bool = false
        ) {
            self.writeLaterFieldDefaults = writeLaterFieldDefaults
            self.alwaysWriteSchedules = alwaysWriteSchedules
            self.nextRunAt = nextRunAt
            self.storageExtensions = storageExtensions
        }

        public static let storage = Options(writeLaterFieldDefaults: true, alwaysWriteSchedules: true, storageExtensions: true)
    }

    public static func encode(_ job: JobSpec, options: Options = Options()) -> JSONObject {
        var o = JSONObject()
        o["id"] = .string(job.id.rawValue)
        if let description = job.description { o["description"] = .string(description) }
        if options.writeLaterFieldDefaults || !job.dependencies.isEmpty {
            o["dependencies"] = .array(job.dependencies.map { .object(JSONObject(["id": .string($0.rawValue)])) })
        }
        o["labels"] = stringMap(job.labels)
        o["run"] = .object(encode(job.run, options: options))
        if options.alwaysWriteSchedules || !job.schedules.isEmpty {
            o["schedules"] = .array(job.schedules.map { schedule in
                var so = encode(schedule, nextRunAt: options.nextRunAt?(schedule))
                if options.storageExtensions, schedule.kind != .cron { so["kind"] = .string(schedule.kind.rawValue) }
                return .object(so)
            })
        }
        if options.storageExtensions, let chronos = job.chronos { o["chronos"] = ChronosFieldsStorage.encode(chronos) }
        if options.storageExtensions, let changed = job.dependenciesChangedAt {
            o["dependenciesChangedAt"] = .number(Double(changed.millisecondsSinceEpoch))
        }
        return o
    }

    public static func encode(_ schedule: ScheduleSpec, nextRunAt: Instant?) -> JSONObject {
        var o = JSONObject()
        o["id"] = .string(schedule.id)
        o["cron"] = .string(schedule.cron)
        o["timezone"] = .string(schedule.timezone)
        o["startingDeadlineSeconds"] = .number(Double(schedule.startingDeadlineSeconds))
        o["concurrencyPolicy"] = .string(schedule.concurrencyPolicy.rawValue)
        o["enabled"] = .bool(schedule.enabled)
        if let nextRunAt { o["nextRunAt"] = .string(nextRunAt.metronomeFormat) }
        return o
    }

    static func stringMap(_ map: [String: String]) -> JSONValue {
        var o = JSONObject()
        for key in map.keys.sorted() { o[key] = .string(map[key]!) }
        return .object(o)
    }

    public static func encode(_ run: RunSpec, options: Options) -> JSONObject {
        let later = options.writeLaterFieldDefaults
        var o = JSONObject()
        o["cpus"] = .number(run.cpus)
        o["mem"] = .number(run.mem)
        o["disk"] = .number(run.disk)
        if later || run.gpus != 0 { o["gpus"] = .number(Double(run.gpus)) }
        if let cmd = run.cmd { o["cmd"] = .string(cmd) }
        if let args = run.args { o["args"] = .array(args.map { .string($0) }) }
        if let user = run.user { o["user"] = .string(user) }
        var env = JSONObject()
        for key in run.env.keys.sorted() {
            switch run.env[key]! {
            case .value(let v): env[key] = .string(v)
            case .secret(let s): env[key] = .object(JSONObject(["secret": .string(s)]))
            }
        }
        o["env"] = .object(env)
        o["placement"] = .object(JSONObject(["constraints": .array(run.placement.constraints.map { c in
            var co = JSONObject()
            co["attribute"] = .string(c.attribute)
            co["operator"] = .string(c.op.rawValue)
            if let value = c.value { co["value"] = .string(value) }
            return .object(co)
        })]))
        o["artifacts"] = .array(run.artifacts.map { a in
            .object(JSONObject(["uri": .string(a.uri), "extract": .bool(a.extract), "executable": .bool(a.executable), "cache": .bool(a.cache)]))
        })
        o["maxLaunchDelay"] = .number(Double(run.maxLaunchDelay))
        if let docker = run.docker {
            o["docker"] = .object(JSONObject([
                "image": .string(docker.image), "forcePullImage": .bool(docker.forcePullImage), "privileged": .bool(docker.privileged),
                "parameters": .array(docker.parameters.map { .object(JSONObject(["key": .string($0.key), "value": .string($0.value)])) }),
            ]))
        }
        if let ucr = run.ucr {
            o["ucr"] = .object(JSONObject([
                "image": .object(JSONObject(["id": .string(ucr.imageID), "kind": .string(ucr.imageKind), "forcePull": .bool(ucr.forcePull)])),
                "privileged": .bool(ucr.privileged),
            ]))
        }
        o["volumes"] = .array(run.volumes.map { volume in
            switch volume {
            case .host(let containerPath, let hostPath, let mode):
                .object(JSONObject(["containerPath": .string(containerPath), "hostPath": .string(hostPath), "mode": .string(mode)]))
            case .secret(let containerPath, let secret):
                .object(JSONObject(["containerPath": .string(containerPath), "secret": .string(secret)]))
            }
        })
        var restart = JSONObject(["policy": .string(run.restart.policy.rawValue)])
        if let deadline = run.restart.activeDeadlineSeconds { restart["activeDeadlineSeconds"] = .number(Double(deadline)) }
        if options.storageExtensions, let retries = run.restart.maxRetries { restart["maxRetries"] = .number(Double(retries)) }
        o["restart"] = .object(restart)
        if let grace = run.taskKillGracePeriodSeconds { o["taskKillGracePeriodSeconds"] = .number(grace) }
        if later || !run.secrets.isEmpty {
            var secrets = JSONObject()
            for key in run.secrets.keys.sorted() { secrets[key] = .object(JSONObject(["source": .string(run.secrets[key]!.source)])) }
            o["secrets"] = .object(secrets)
        }
        if later || !run.networks.isEmpty {
            o["networks"] = .array(run.networks.map { n in
                var no = JSONObject(["mode": .string(n.mode.rawValue)])
                if let name = n.name { no["name"] = .string(name) }
                if !n.labels.isEmpty { no["labels"] = stringMap(n.labels) }
                return .object(no)
            })
        }
        return o
    }
}
