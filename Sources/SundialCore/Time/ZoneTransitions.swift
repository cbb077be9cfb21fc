import Foundation
import Synchronization

/// A zone's UTC offsets and transitions between 1900 and 2200, read once from Foundation and
/// then answered by binary search. Foundation's per-call lookups (through ICU) cost a few
/// hundred nanoseconds each and a cron evaluation makes several; with the table the whole
/// evaluation stays well above a million per second per core, DST zones included. Outside
/// the table's range the answers come from Foundation, so results never differ.
struct ZoneTransitions: Sendable {
    static let firstSecond = -2_208_988_800  // 1900-01-01T00:00:00Z
    static let lastSecond = 7_258_118_400  // 2200-01-01T00:00:00Z

    let zone: TimeZone
    /// Instants (whole seconds, rounded up as the evaluator rounds them) where the offset changes.
    let transitions: [Int]
    /// `offsets[i]` holds from `transitions[i - 1]` (inclusive) to `transitions[i]`; one more
    /// entry than `transitions`.
    let offsets: [Int]

    private static let cache = Mutex<[String: ZoneTransitions]>([:])

    static func of(_ zone: TimeZone) -> ZoneTransitions {
        if let table = cache.withLock({ $0[zone.identifier] }) { return table }
        let table = ZoneTransitions(building: zone)
        cache.withLock { $0[zone.identifier] = table }
        return table
    }

    private init(building zone: TimeZone) {
        self.zone = zone
        var transitions: [Int] = []
        var offsets = [zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(Self.firstSecond)))]
        var cursor = Date(timeIntervalSince1970: Double(Self.firstSecond))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < Double(Self.lastSecond) {
            let second = Int(next.timeIntervalSince1970.rounded(.up))
            transitions.append(second)
            offsets.append(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second))))
            cursor = next
        }
        self.transitions = transitions
        self.offsets = offsets
    }

    private func inRange(_ second: Int) -> Bool { second >= Self.firstSecond && second < Self.lastSecond }

    /// Index of the first transition strictly after `second`.
    private func firstTransitionIndex(after second: Int) -> Int {
        var lo = 0
        var hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if transitions[mid] <= second { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The zone's offset from UTC at `second`.
    func offset(at second: Int) -> Int {
        guard inRange(second) else { return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second))) }
        return offsets[firstTransitionIndex(after: second)]
    }

    /// The first transition strictly after `second`, or nil when there is none.
    func transition(after second: Int) -> Int? {
        guard inRange(second) else {
            guard let d = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(second))) else { return nil }
            return Int(d.timeIntervalSince1970.rounded(.up))
        }
        let index = firstTransitionIndex(after: second)
        if index < transitions.count { return transitions[index] }
        // Past the last tabulated transition: ask Foundation (a zone may change again after 2200).
        guard let d = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(max(second, Self.lastSecond - 1)))) else { return nil }
        return Int(d.timeIntervalSince1970.rounded(.up))
    }
}
