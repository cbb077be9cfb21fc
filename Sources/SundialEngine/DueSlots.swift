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
        if case .iso8601(let iso) = compiled.expression {
            self.init(iso, first: first, now: now, startingDeadlineSeconds: startingDeadlineSeconds)
        } else {
            self.init(walking: compiled, first: first, now: now, startingDeadlineSeconds: startingDeadlineSeconds)
        }
    }

    /// Cron: slot by slot (`next(after:)` is fast; `@every 1s` after a month down is ~70 ms).
    init(walking compiled: CompiledSchedule, first: Instant, now: Instant, startingDeadlineSeconds: Int) {
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

    /// ISO 8601 intervals have indexed slots: no walk, however many slots passed.
    init(_ iso: ISO8601Schedule, first: Instant, now: Instant, startingDeadlineSeconds: Int) {
        let range = iso.slots(from: first, through: now, keep: Self.keptMissed + 1)
        next = range.next
        guard let latest = range.kept.last else { return }
        missed = Array(range.kept.dropLast())
        missedCount = Int(range.count) - 1
        if now <= latest.adding(seconds: startingDeadlineSeconds) {
            toRun = latest
        } else {
            missed.append(latest)
            missedCount += 1
        }
    }

    private mutating func appendMissed(_ slot: Instant) {
        missedCount += 1
        missed.append(slot)
        if missed.count > 2 * Self.keptMissed { missed.removeFirst(missed.count - Self.keptMissed) }
    }

    var keptMissedSlots: ArraySlice<Instant> { missed.suffix(Self.keptMissed) }
}
