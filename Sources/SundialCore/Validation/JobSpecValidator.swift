import Foundation

/// The semantic rules Metronome applies after its JSON schema (reference/metronome.md §3–4).
/// Rules that need other jobs (unknown or cyclic dependencies) live in the engine.
public enum JobSpecValidator {
    public static let minimumStartingDeadlineSeconds = 60

    public static func validate(_ job: JobSpec) -> ValidationErrors {
        var errors = ValidationErrors()
        let run = job.run
        let root = "/"
        if job.id.rawValue.utf8.count > JobID.maximumLength {
            errors.add("/id", "must be at most \(JobID.maximumLength) characters long")
        }
        // `args` alone is a command run without a shell (args[0] is the executable).
        if run.cmd == nil && run.docker == nil && run.ucr == nil && (run.args ?? []).isEmpty {
            errors.add(root, "Cmd, Docker or UCR image must be specified")
        }
        validateLaunchInputs(run, into: &errors)
        if run.docker != nil && run.ucr != nil {
            errors.add(root, "Either Docker or UCR should be provided, but not both")
        }
        if run.docker != nil && run.gpus > 0 {
            errors.add("/run/gpus", "GPUs are not supported with Docker")
        }
        validateSecrets(run, into: &errors)
        for (i, volume) in run.volumes.enumerated() {
            if case .secret = volume, run.docker != nil {
                errors.add("/run/volumes(\(i))", "File based secrets are only supported by UCR")
            }
        }
        validateNetworks(run, into: &errors)
        if job.schedules.count > 1 {
            errors.add("/schedules", "Only one schedule supported at the moment")
        }
        for (i, schedule) in job.schedules.enumerated() {
            errors.merge(validate(schedule: schedule, at: JSONPath.root.key("schedules").index(i)))
        }
        if !job.schedules.isEmpty && !job.dependencies.isEmpty {
            errors.add(root, "Jobs may not have both dependencies and schedules specified")
        }
        if Set(job.dependencies).count != job.dependencies.count {
            errors.add("/dependencies", "Dependencies must be unique")
        }
        if job.dependencies.contains(job.id) {
            errors.add("/dependencies", "A job may not depend on itself")
        }
        return errors
    }

    public static func validate(schedule: ScheduleSpec, at path: JSONPath) -> ValidationErrors {
        var errors = ValidationErrors()
        // Chronos' `epsilon` has no such minimum, and its ISO 8601 schedules must survive a
        // round trip through this API.
        if schedule.kind == .cron, schedule.startingDeadlineSeconds < minimumStartingDeadlineSeconds {
            errors.add(path.key("startingDeadline").description, "startingDeadlineSeconds must be at least \(minimumStartingDeadlineSeconds) seconds, got \(schedule.startingDeadlineSeconds)")
        }
        switch schedule.kind {
        case .cron:
            var cron: CronExpression?
            do {
                cron = try CronExpression.parse(schedule.cron)
            } catch {
                errors.add(path.key("cron").description, "Can not read cron expression \"\(schedule.cron)\": \(error.message)")
            }
            let zone = isZoneName(schedule.timezone) ? TimeZone(identifier: schedule.timezone) : nil
            if zone == nil {
                errors.add(path.key("timezone").description, "No time zone found with this id: \"\(schedule.timezone)\"")
            }
            if let cron, let zone, CompiledSchedule(expression: .cron(cron), zone: zone).next(after: .now()) == nil {
                // Years all in the past: as useless as `0 0 31 2 *`, which the parser refuses.
                errors.add(path.key("cron").description, "Can not read cron expression \"\(schedule.cron)\": it never fires again")
            }
        case .iso8601:
            // Chronos' rules: the zone is a `scheduleTimeZone` (empty: the start's offset).
            do {
                _ = try CompiledSchedule.compile(kind: .iso8601, expression: schedule.expression, timezone: schedule.timezone)
            } catch {
                errors.add(path.key("cron").description, "Can not read ISO 8601 repeating interval \"\(schedule.cron)\": \(error.message)")
            }
        }
        return errors
    }

    /// Raw offsets such as `+01:00` are not zone ids, though Foundation would accept some.
    static func isZoneName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        return CharacterSet.letters.contains(first)
    }

    /// What would otherwise be accepted and then fail every run at launch.
    static func validateLaunchInputs(_ run: RunSpec, into errors: inout ValidationErrors) {
        let env = JSONPath.root.key("run").key("env")
        for name in run.env.keys.sorted() where name.isEmpty || name.contains("=") || name.contains("\0") {
            errors.add(env.key(name).description, "An environment variable name must be non-empty and contain neither '=' nor NUL")
        }
        for (name, value) in run.env.sorted(by: { $0.key < $1.key }) {
            if case .value(let text) = value, text.contains("\0") { errors.add(env.key(name).description, "A value may not contain NUL") }
        }
        if let user = run.user, user.isEmpty {
            errors.add("/run/user", "must not be empty: leave it out to run as the server's user")
        }
        for (i, artifact) in run.artifacts.enumerated() {
            let scheme = artifact.uri.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            if !artifact.uri.contains(":") || !["http", "https", "file"].contains(scheme) {
                errors.add("/run/artifacts(\(i))/uri", "Unsupported URI \"\(artifact.uri)\": use an http, https or file URI")
            }
        }
        for name in run.secrets.keys.sorted() where run.secrets[name]!.source.isEmpty {
            errors.add(JSONPath.root.key("run").key("secrets").key(name).key("source").description, "must not be empty")
        }
    }

    static func validateSecrets(_ run: RunSpec, into errors: inout ValidationErrors) {
        var referenced: [String] = []
        for key in run.env.keys.sorted() { if case .secret(let name) = run.env[key]! { referenced.append(name) } }
        for volume in run.volumes { if case .secret(_, let name) = volume { referenced.append(name) } }
        let defined = Set(run.secrets.keys)
        let undefined = referenced.filter { !defined.contains($0) }
        let unused = defined.subtracting(referenced).sorted()
        if !undefined.isEmpty {
            errors.add("/", "The following secrets are referenced, but undefined: \(uniqueInOrder(undefined).joined(separator: ", ")). Please add them to the secrets field.")
        }
        if !unused.isEmpty {
            errors.add("/", "The following secrets are defined, but not referenced: \(unused.joined(separator: ", ")). Please remove them from the secrets field.")
        }
    }

    static func uniqueInOrder(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }

    static func validateNetworks(_ run: RunSpec, into errors: inout ValidationErrors) {
        let networks = run.networks
        guard !networks.isEmpty else { return }
        for (i, network) in networks.enumerated() {
            let path = "/run/networks(\(i))"
            switch network.mode {
            case .host:
                if network.name != nil { errors.add(path + "/name", "must be empty for host network") }
                if !network.labels.isEmpty { errors.add(path + "/labels", "must be empty for host network") }
            case .containerBridge:
                if network.name != nil { errors.add(path + "/name", "must be empty for container/bridge network") }
            case .container:
                if (network.name ?? "").isEmpty { errors.add(path + "/name", "must not be empty for container networks") }
            }
        }
        if Set(networks.map(\.mode)).count > 1 {
            errors.add("/run/networks", "You may not mix host, container, or container/bridge networking. Only define one kind of network.")
        }
        let isContainer = run.docker != nil || run.ucr != nil
        if !isContainer && networks.contains(where: { $0.mode != .host }) {
            errors.add("/run/networks", "Only containers may join container or bridge networks")
        }
        if networks.filter({ $0.mode == .host || $0.mode == .containerBridge }).count > 1 {
            errors.add("/run/networks", "Only one host or container/bridge network modes are allowed")
        }
        if run.docker != nil && networks.filter({ $0.mode == .container }).count > 1 {
            errors.add("/run/networks", "Docker does not allow specification of multiple networks")
        }
        let names = networks.compactMap(\.name)
        if Set(names).count != names.count {
            errors.add("/run/networks", "network names must be unique")
        }
    }
}
