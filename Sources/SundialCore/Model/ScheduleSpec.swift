/// When a job fires.
public struct ScheduleSpec: Sendable, Hashable {
    public enum ConcurrencyPolicy: String, Sendable, Hashable, CaseIterable {
        /// Start another run even when one is active.
        case ALLOW
        /// Skip a scheduled trigger while any run of the job is active.
        case FORBID
        /// Stop the active runs, then start the new one.
        case REPLACE
    }

    /// Which language `expression` is written in.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Sundial's cron dialect (Metronome `cron`).
        case cron
        /// An ISO 8601 repeating interval `Rn/start/period` (Chronos `schedule`).
        case iso8601

        /// The kind an expression given in one text field is written in: an ISO 8601
        /// repeating interval starts with `R` and has a `/`; anything else is cron. Lets a
        /// Metronome client (or the UI) send back a schedule created through Chronos.
        public static func of(_ expression: String) -> Kind {
            expression.hasPrefix("R") && expression.contains("/") ? .iso8601 : .cron
        }
    }

    public var id: String
    public var kind: Kind = .cron
    /// The expression, normalized: cron in canonical form (`*/1 * * * *` becomes
    /// `* * * * *`); ISO 8601 with its start resolved (an empty start becomes the instant
    /// the schedule was created).
    public var expression: String
    /// For cron: an IANA zone name. For ISO 8601: Chronos' `scheduleTimeZone` as given
    /// (empty means the start's own offset; legacy ids such as `PST` are accepted).
    public var timezone: String = "UTC"
    public var startingDeadlineSeconds: Int = 900
    public var concurrencyPolicy: ConcurrencyPolicy = .ALLOW
    public var enabled: Bool = true

    /// The expression under Metronome's field name. Reading it from an ISO 8601 schedule
    /// gives the ISO text; setting it makes the schedule a cron schedule.
    public var cron: String {
        get { expression }
        set {
            expression = newValue
            kind = .cron
        }
    }

    public init(
        id: String, cron: String, timezone: String = "UTC", startingDeadlineSeconds: Int = 900,
        concurrencyPolicy: ConcurrencyPolicy = .ALLOW, enabled: Bool = true
    ) {
        self.init(
            id: id, kind: .cron, expression: cron, timezone: timezone, startingDeadlineSeconds: startingDeadlineSeconds,
            concurrencyPolicy: concurrencyPolicy, enabled: enabled)
    }

    public init(
        id: String, kind: Kind, expression: String, timezone: String, startingDeadlineSeconds: Int,
        concurrencyPolicy: ConcurrencyPolicy, enabled: Bool
    ) {
        self.id = id
        self.kind = kind
        self.expression = expression
        self.timezone = timezone
        self.startingDeadlineSeconds = startingDeadlineSeconds
        self.concurrencyPolicy = concurrencyPolicy
        self.enabled = enabled
    }

    /// `^[a-z0-9][a-z0-9-]*[a-z0-9]+$`: the standalone schedule schema's id rule (two
    /// characters at least, no dots).
    public static func isValidStandaloneID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2 else { return false }
        func alnum(_ b: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
        }
        return alnum(bytes.first!) && alnum(bytes.last!) && bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }
}
