/// How one run of a job executes: the process, its resources, environment and policies.
public struct RunSpec: Sendable, Hashable {
    public var cpus: Double = 1.0
    public var mem: Double = 128
    public var disk: Double = 0
    public var gpus: Int = 0
    /// Run through `/bin/sh -c`.
    public var cmd: String?
    /// Run without a shell (or as container arguments).
    public var args: [String]?
    public var user: String?
    public var env: [String: EnvValue] = [:]
    public var secrets: [String: SecretSource] = [:]
    public var placement = Placement()
    public var artifacts: [Artifact] = []
    public var maxLaunchDelay: Int = 3600
    public var docker: DockerSpec?
    public var ucr: UCRSpec?
    public var volumes: [Volume] = []
    public var restart = RestartPolicy()
    public var taskKillGracePeriodSeconds: Double?
    public var networks: [Network] = []

    public init() {}
}

public enum EnvValue: Sendable, Hashable {
    case value(String)
    case secret(String)
}

public struct SecretSource: Sendable, Hashable {
    public var source: String
    public init(source: String) { self.source = source }
}

public struct Placement: Sendable, Hashable {
    public var constraints: [Constraint] = []
    public init(constraints: [Constraint] = []) { self.constraints = constraints }
}

public struct Constraint: Sendable, Hashable {
    /// `EQ` is stored as `IS`, as Metronome does.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case IS, LIKE, UNLIKE
    }
    public var attribute: String
    public var op: Operator
    public var value: String?
    public init(attribute: String, op: Operator, value: String?) {
        self.attribute = attribute
        self.op = op
        self.value = value
    }
}

public struct Artifact: Sendable, Hashable {
    public var uri: String
    public var extract: Bool = true
    public var executable: Bool = false
    public var cache: Bool = false
    public init(uri: String, extract: Bool = true, executable: Bool = false, cache: Bool = false) {
        self.uri = uri
        self.extract = extract
        self.executable = executable
        self.cache = cache
    }
}

public struct DockerSpec: Sendable, Hashable {
    public var image: String
    public var forcePullImage = false
    public var privileged = false
    public var parameters: [Parameter] = []
    public struct Parameter: Sendable, Hashable {
        public var key: String
        public var value: String
        public init(key: String, value: String) { self.key = key; self.value = value }
    }
    public init(image: String) { self.image = image }
}

public struct UCRSpec: Sendable, Hashable {
    public var imageID: String
    public var imageKind: String = "docker"
    public var forcePull: Bool = false
    public var privileged: Bool = false
    public init(imageID: String) { self.imageID = imageID }
}

public enum Volume: Sendable, Hashable {
    case host(containerPath: String, hostPath: String, mode: String)
    case secret(containerPath: String, secret: String)
}

public struct RestartPolicy: Sendable, Hashable {
    public enum Policy: String, Sendable, Hashable, CaseIterable { case NEVER, ON_FAILURE }
    public var policy: Policy = .NEVER
    public var activeDeadlineSeconds: Int?
    /// At most this many relaunches per run (Chronos `retries`); nil = no limit other than
    /// the deadline (Metronome).
    public var maxRetries: Int?
    public init(policy: Policy = .NEVER, activeDeadlineSeconds: Int? = nil, maxRetries: Int? = nil) {
        self.policy = policy
        self.activeDeadlineSeconds = activeDeadlineSeconds
        self.maxRetries = maxRetries
    }
}

public struct Network: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        case host
        case containerBridge = "container/bridge"
        case container
    }
    public var mode: Mode
    public var name: String?
    public var labels: [String: String] = [:]
    public init(mode: Mode, name: String? = nil, labels: [String: String] = [:]) {
        self.mode = mode
        self.name = name
        self.labels = labels
    }
}
