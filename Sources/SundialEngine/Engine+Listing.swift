import SundialCore

/// Paged, filtered job listings for the web UI. The engine hands out a snapshot of what a
/// listing reads in one short actor turn (copy-on-write copies, plus the ids kept in
/// order); the scan runs off the actor, so a search over 100,000 jobs never delays a timer.
/// (A change made while a scan holds the copies pays for copying that dictionary once.)
extension Engine {
    public nonisolated func listJobs(_ query: JobListQuery) async -> JobListPage {
        var page = await listingSnapshot().page(query)
        let next = await nextRunAt(of: page.items.map(\.spec))
        for index in page.items.indices { page.items[index].nextRunAt = next[index] }
        return page
    }

    public func listingSnapshot() -> JobListingSnapshot {
        JobListingSnapshot(
            ids: orderedJobIDs(), jobs: jobs, activeRuns: runs.mapValues(\.count), histories: histories, exhausted: armed.exhausted)
    }

    /// Ids in order, sorted again only after the set of jobs changed.
    func orderedJobIDs() -> [JobID] {
        if let sorted = sortedJobIDs { return sorted }
        let sorted = jobs.keys.sorted()
        sortedJobIDs = sorted
        return sorted
    }

    /// The soonest instant an enabled schedule of each job fires (what its timer is armed with).
    func nextRunAt(of specs: [JobSpec]) -> [Instant?] {
        specs.map { spec in spec.schedules.filter(\.enabled).compactMap { nextRunAt(spec.id, scheduleID: $0.id) }.min() }
    }
}

/// What a job listing reads, as of one moment.
public struct JobListingSnapshot: Sendable {
    let ids: [JobID]
    let jobs: [JobID: JobSpec]
    let activeRuns: [JobID: Int]
    let histories: [JobID: JobHistory]
    let exhausted: Set<ScheduleKey>

    /// One page of `query`, with `nextRunAt` left for the engine to fill in. Costs at most
    /// one scan of the group's id range, and only binary searches when nothing is filtered.
    public func page(_ query: JobListQuery) -> JobListPage {
        let prefix = query.group.map { $0 + "." } ?? ""
        let range = idRange(withPrefix: prefix)
        let needle = query.text.map { TextNeedle($0) }
        let pageEnd = query.offset + query.limit
        let filtered = needle != nil || !query.labels.isEmpty || !query.statuses.isEmpty
        var total = 0
        var groupCounts: [(name: String, count: Int)] = []
        var items: [JobListItem] = []
        var index = range.lowerBound
        while index < range.upperBound {
            let id = ids[index]
            let rest = id.rawValue.utf8.dropFirst(prefix.utf8.count)
            let folder = rest.firstIndex(of: UInt8(ascii: ".")).map { String(Substring(rest[..<$0])) }
            // Unfiltered, a folder's count is the size of its id range: jump over it instead
            // of visiting each job, so the top level of 100,000 jobs costs a few searches.
            if let folder, !filtered, !query.recursive {
                let end = idRange(withPrefix: prefix + folder + ".").upperBound
                groupCounts.append((folder, end - index))
                index = end
                continue
            }
            index += 1
            guard !filtered || matches(id, query: query, needle: needle) else { continue }
            if let folder {
                // Ids are sorted, so one folder's jobs are adjacent.
                if groupCounts.last?.name == folder { groupCounts[groupCounts.count - 1].count += 1 } else { groupCounts.append((folder, 1)) }
                if !query.recursive { continue }
            }
            if total >= query.offset && total < pageEnd { items.append(item(for: id)) }
            total += 1
        }
        // A folder's ids are adjacent, but "prod-x." sorts before "prod.": order by name.
        groupCounts.sort { $0.name < $1.name }
        return JobListPage(total: total, groups: groupCounts, items: items)
    }

    /// The indices of ids starting with `prefix`, found by binary search: every id with the
    /// prefix sorts at or after it and before the first id that is greater but lacks it.
    func idRange(withPrefix prefix: String) -> Range<Int> {
        guard !prefix.isEmpty else { return ids.indices }
        func firstIndex(where isAfter: (String) -> Bool) -> Int {
            var low = 0, high = ids.count
            while low < high {
                let mid = (low + high) / 2
                if isAfter(ids[mid].rawValue) { high = mid } else { low = mid + 1 }
            }
            return low
        }
        let start = firstIndex { $0 >= prefix }
        let end = firstIndex { $0 >= prefix && !$0.hasPrefix(prefix) }
        return start..<max(start, end)
    }

    func matches(_ id: JobID, query: JobListQuery, needle: TextNeedle?) -> Bool {
        let needsSpec = needle != nil || !query.labels.isEmpty
        let spec = needsSpec ? jobs[id] : nil
        if let needle, !needle.found(in: id.rawValue), spec?.description.map(needle.found) != true { return false }
        for filter in query.labels {
            guard let value = spec?.labels[filter.key] else { return false }
            if let wanted = filter.value, wanted != value { return false }
        }
        if !query.statuses.isEmpty, !query.statuses.contains(status(of: id)) { return false }
        return true
    }

    func status(of id: JobID) -> JobListStatus {
        if activeRuns[id, default: 0] > 0 { return .running }
        let last = lastRun(of: id)
        if let last, !last.succeeded { return .failed }
        let scheduled = jobs[id]?.schedules.contains { $0.enabled && !exhausted.contains(ScheduleKey(jobID: id, scheduleID: $0.id)) }
        if scheduled == true { return .scheduled }
        return last == nil ? .unscheduled : .completed
    }

    func lastRun(of id: JobID) -> JobListItem.LastRun? {
        guard let history = histories[id] else { return nil }
        switch (history.lastSuccessAt, history.lastFailureAt) {
        case (nil, nil): return nil
        case (let success?, nil): return .init(succeeded: true, finishedAt: success)
        case (nil, let failure?): return .init(succeeded: false, finishedAt: failure)
        case (let success?, let failure?):
            return success >= failure ? .init(succeeded: true, finishedAt: success) : .init(succeeded: false, finishedAt: failure)
        }
    }

    func item(for id: JobID) -> JobListItem {
        JobListItem(spec: jobs[id]!, status: status(of: id), lastRun: lastRun(of: id), nextRunAt: nil, activeRuns: activeRuns[id, default: 0])
    }
}

/// A case-insensitive substring search that compares bytes, folding ASCII letters, and
/// lowercases (allocating) only text that is not ASCII: a search of 100,000 ids and
/// descriptions then costs no allocation per job.
struct TextNeedle {
    let lowercased: String
    let bytes: [UInt8]

    init(_ text: String) {
        lowercased = text.lowercased()
        bytes = Array(lowercased.utf8)
    }

    func found(in text: String) -> Bool {
        var text = text
        let answer: Bool? = text.withUTF8 { hay in
            if Self.occurs(bytes, in: hay) { return true }
            // Not found by bytes; only text with non-ASCII letters may still match.
            return hay.contains { $0 >= 0x80 } ? nil : false
        }
        return answer ?? text.lowercased().contains(lowercased)
    }

    static func occurs(_ needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>) -> Bool {
        guard needle.count <= hay.count else { return false }
        var start = 0
        while start <= hay.count - needle.count {
            var length = 0
            while length < needle.count && folded(hay[start + length]) == needle[length] { length += 1 }
            if length == needle.count { return true }
            start += 1
        }
        return false
    }

    static func folded(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
