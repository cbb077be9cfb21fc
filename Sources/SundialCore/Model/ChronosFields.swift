/// What a job created through the Chronos API carries beyond the shared model. Everything
/// Chronos and Metronome both express lives in `JobSpec`/`RunSpec` (command, resources,
/// environment, fetch, constraints, retries, schedule); this keeps the rest so a Chronos
/// client reads back what it wrote.
public struct ChronosFields: Sendable, Hashable {
    /// The Chronos name, which may use characters a Metronome id cannot (see
    /// docs/compatibility.md, "Names and ids").
    public var name: String
    /// The job's `arguments` as posted: kept even when `shell` is true (where they are
    /// ignored) so they read back unchanged.
    public var arguments: [String] = []
    public var executor = ""
    public var executorFlags = ""
    public var taskInfoData = ""
    public var owner = ""
    public var ownerName = ""
    public var softError = false
    public var dataProcessingJobType = false
    public var highPriority = false
    public var maxCompletionTime: Int64 = 0
    /// Deprecated `uris`, fetched like `fetch` entries (also kept in `run.artifacts`).
    public var uris: [String] = []
    /// `container` as posted: stored and returned; the run spec's docker/ucr image makes a
    /// launch fail clearly until container execution lands.
    public var container: JSONValue?
    public var async = false
    /// Chronos' job-level `disabled`: no scheduled, dependency or manual run starts.
    public var disabled = false
    /// For dependency jobs, which have no schedule to carry a concurrency policy.
    public var concurrent = false
    /// A job posted to `/dependency` with `parents: []` stays a dependency job.
    public var isDependencyJob = false

    public init(name: String) { self.name = name }
}
