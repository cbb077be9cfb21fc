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

    public var id: String
    /// The expression as the user wrote it, normalized (`*/1 * * * *` becomes `* * * * *`).
    public var cron: String
    /// An IANA zone name.
    public var timezone: String = "UTC"
    public var startingDeadlineSeconds: Int = 900
    public var concurrencyPolicy: ConcurrencyPolicy = .ALLOW
    public var enabled: Bool = true

    public init(
        id: String, cron: String, timezone: String = "UTC", startingDeadlineSeconds: Int = 900,
        concurrencyPolicy: ConcurrencyPolicy = .ALLOW, enabled: Bool = true
    ) {
        self.id = id
        self.cron = cron
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
