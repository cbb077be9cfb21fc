/// A job: what to run, and when. The internal model is a superset of what the Metronome and
/// Chronos dialects can express; each HTTP dialect translates to and from it.
public struct JobSpec: Sendable, Hashable {
    public var id: JobID
    public var description: String?
    public var labels: [String: String]
    /// Parents that must succeed before this job runs (Metronome `dependencies`).
    public var dependencies: [JobID]
    /// At most one today (Metronome's limit); the engine handles any number.
    public var schedules: [ScheduleSpec]
    public var run: RunSpec
    /// Present for jobs created or last written through the Chronos API.
    public var chronos: ChronosFields? {
        get { chronosStorage?.value }
        set { chronosStorage = newValue.map(HeapBox.init) }
    }
    /// Boxed: most jobs have no Chronos fields, and a server keeps up to 100,000 specs in
    /// memory; inline they would cost ~150 bytes each, boxed one pointer.
    private var chronosStorage: HeapBox<ChronosFields>?
    /// When `dependencies` last changed (set by the engine): parents' successes before it
    /// do not trigger the job.
    public var dependenciesChangedAt: Instant?

    public init(
        id: JobID, description: String? = nil, labels: [String: String] = [:], dependencies: [JobID] = [],
        schedules: [ScheduleSpec] = [], run: RunSpec, chronos: ChronosFields? = nil
    ) {
        self.chronosStorage = chronos.map(HeapBox.init)
        self.id = id
        self.description = description
        self.labels = labels
        self.dependencies = dependencies
        self.schedules = schedules
        self.run = run
    }
}

extension JobSpec {
    /// The job's Chronos name: the one it was created with there, else its id.
    public var chronosName: String { chronos?.name ?? id.rawValue }
}

/// A dotted job path such as `prod.example.app`. Each segment is lowercase letters, digits
/// and hyphens and neither starts nor ends with a hyphen.
public struct JobID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Validates `text` against Metronome's id rule.
    public init?(_ text: String) {
        guard JobID.isValid(text) else { return nil }
        self.rawValue = text
    }

    /// For ids read back from the store, which were validated when written.
    public init(trusted text: String) { self.rawValue = text }

    public var description: String { rawValue }
    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The dotted prefix that groups jobs into folders (`prod.example` for `prod.example.app`).
    public var group: String? {
        guard let dot = rawValue.lastIndex(of: ".") else { return nil }
        return String(rawValue[..<dot])
    }

    /// The longest id: a task's sandbox directory is named after its job id plus about 36
    /// characters, and a file name has at most 255 bytes.
    public static let maximumLength = 200

    public static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isValidSegment)
    }

    /// `^[a-z0-9]+(-+[a-z0-9]+)*$`
    public static func isValidSegment(_ segment: Substring) -> Bool {
        let bytes = segment.utf8
        guard let first = bytes.first, let last = bytes.last else { return false }
        guard first != UInt8(ascii: "-"), last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { b in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
                || b == UInt8(ascii: "-")
        }
    }
}

/// An immutable value on the heap, compared and hashed by value.
final class HeapBox<Value: Sendable & Hashable>: Sendable, Hashable {
    let value: Value
    init(_ value: Value) { self.value = value }
    static func == (lhs: HeapBox, rhs: HeapBox) -> Bool { lhs.value == rhs.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
