import SundialCore

/// Every armed schedule by key, and how many of their next instants fall in each minute. The
/// counts tell the launcher ahead of time how many scheduled launches are coming (thousands
/// of jobs due at one instant), so it can make their sandboxes before they are due, without
/// a walk of the timer heap.
struct ArmedSchedules {
    private(set) var byKey: [ScheduleKey: ArmedSchedule] = [:]
    private var dueByMinute: [Int64: Int] = [:]
    /// Enabled schedules with no instant left (an ISO 8601 `Rn` interval used up): their
    /// jobs no longer count as scheduled.
    private(set) var exhausted: Set<ScheduleKey> = []

    subscript(key: ScheduleKey) -> ArmedSchedule? {
        get { byKey[key] }
        set {
            if let old = byKey[key]?.next { count(old, by: -1) }
            if let new = newValue?.next { count(new, by: 1) }
            byKey[key] = newValue
            if let newValue, newValue.spec.enabled, newValue.next == nil { exhausted.insert(key) } else { exhausted.remove(key) }
        }
    }

    private mutating func count(_ instant: Instant, by delta: Int) {
        let minute = Self.minute(of: instant)
        let total = dueByMinute[minute, default: 0] + delta
        dueByMinute[minute] = total == 0 ? nil : total
    }

    private static func minute(of instant: Instant) -> Int64 {
        let ms = instant.millisecondsSinceEpoch
        return ms >= 0 ? ms / 60_000 : (ms - 59_999) / 60_000
    }

    /// Next instants in `now`'s minute and in the `minutes` after it (slots that are late
    /// and not fired yet count in their own minute, so not here).
    func dueCount(from now: Instant, minutes: Int64) -> Int {
        let first = Self.minute(of: now)
        return (0...max(0, minutes)).reduce(0) { $0 + (dueByMinute[first + $1] ?? 0) }
    }

    /// The start of `instant`'s minute, moved by `offset` minutes.
    static func startOfMinute(_ instant: Instant, offset: Int64 = 0) -> Instant {
        Instant(millisecondsSinceEpoch: (minute(of: instant) + offset) * 60_000)
    }
}
