import SundialCore

/// The slots of one schedule that are due at `now`, and what to do with them. Shared by
/// start-up catch-up and by a timer that fires late (an overloaded or suspended process, a
/// clock set forward): the latest due slot runs once if it is within its starting deadline;
/// every earlier one, and the latest when too late, is recorded as missed. Nothing is
/// replayed one by one.
struct DueSlots {
    /// The slot to start a run for, if any.
    var toRun: Instant?
    /// The most recent missed slots, at most `keptMissed` of them (oldest first).
    var missed: [Instant] = []
    /// How many slots were missed in all.
    var missedCount = 0
    /// The first slot after `now`.
    var next: Instant?

    static let keptMissed = 1000

    init(_ compiled: CompiledSchedule, first: Instant, now: Instant, startingDeadlineSeconds: Int) {
        var latest = first
        var probe = compiled.next(after: first)
        while let candidate = probe, candidate <= now {
            appendMissed(latest)
            latest = candidate
            probe = compiled.next(after: candidate)
        }
        if now <= latest.adding(seconds: startingDeadlineSeconds) {
            toRun = latest
        } else {
            appendMissed(latest)
        }
        next = probe
    }

    private mutating func appendMissed(_ slot: Instant) {
        missedCount += 1
        missed.append(slot)
        if missed.count > 2 * Self.keptMissed { missed.removeFirst(missed.count - Self.keptMissed) }
    }

    var keptMissedSlots: ArraySlice<Instant> { missed.suffix(Self.keptMissed) }
}
