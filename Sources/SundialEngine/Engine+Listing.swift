import SundialCore

/// Paged, filtered job listings for the web UI, computed in one actor turn from the ids
/// kept in order: a page costs one scan of the group's id range, and only the jobs on the
/// page are turned into items.
extension Engine {
    public func listJobs(_ query: JobListQuery) -> JobListPage {
        let ids = orderedJobIDs()
        let prefix = query.group.map { $0 + "." } ?? ""
        let range = idRange(ids, withPrefix: prefix)
        let needle = query.text?.lowercased()
        let pageEnd = query.offset + query.limit
        var total = 0
        var groupCounts: [(name: String, count: Int)] = []
        var items: [JobListItem] = []
        for index in range {
            let id = ids[index]
            guard matches(id, query: query, needle: needle) else { continue }
            let rest = id.rawValue.utf8.dropFirst(prefix.utf8.count)
            let folder = rest.firstIndex(of: UInt8(ascii: ".")).map { String(Substring(rest[..<$0])) }
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

    /// Ids in order, sorted again only after the set of jobs changed.
    func orderedJobIDs() -> [JobID] {
        if let sorted = sortedJobIDs { return sorted }
        let sorted = jobs.keys.sorted()
        sortedJobIDs = sorted
        return sorted
    }

    /// The indices of ids starting with `prefix`, found by binary search: every id with the
    /// prefix sorts at or after it and before the first id that is greater but lacks it.
    func idRange(_ ids: [JobID], withPrefix prefix: String) -> Range<Int> {
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

    func matches(_ id: JobID, query: JobListQuery, needle: String?) -> Bool {
        let needsSpec = needle != nil || !query.labels.isEmpty
        let spec = needsSpec ? jobs[id] : nil
        if let needle, !id.rawValue.contains(needle), spec?.description?.lowercased().contains(needle) != true { return false }
        for filter in query.labels {
            guard let value = spec?.labels[filter.key] else { return false }
            if let wanted = filter.value, wanted != value { return false }
        }
        if !query.statuses.isEmpty, !query.statuses.contains(status(of: id)) { return false }
        return true
    }

    func status(of id: JobID) -> JobListStatus {
        if let active = runs[id], !active.isEmpty { return .running }
        if let last = lastRun(of: id), !last.succeeded { return .failed }
        if jobs[id]?.schedules.contains(where: \.enabled) == true { return .scheduled }
        return lastRun(of: id) == nil ? .unscheduled : .completed
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
        let spec = jobs[id]!
        let next = spec.schedules.filter(\.enabled).compactMap { nextRunAt(id, scheduleID: $0.id) }.min()
        return JobListItem(spec: spec, status: status(of: id), lastRun: lastRun(of: id), nextRunAt: next, activeRuns: runs[id]?.count ?? 0)
    }
}
