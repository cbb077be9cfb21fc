import Foundation
import SundialCore

/// Reads what task sandboxes exist on disk (`<root>/<job>/<run>/<task>`), how large each is
/// and when its task ended, for the retention sweep.
enum SandboxInventory {
    struct Entry {
        var job: String
        var run: String
        var path: String
        var finishedAt: Instant
        var bytes: Int64
    }

    static func scan(_ layout: SandboxLayout) -> [Entry] {
        var entries: [Entry] = []
        for job in children(of: layout.root) where !job.hasPrefix(".") {
            let jobPath = layout.root + "/" + job
            for run in children(of: jobPath) {
                let runPath = jobPath + "/" + run
                for task in children(of: runPath) {
                    let path = runPath + "/" + task
                    guard isDirectory(path) else { continue }
                    entries.append(Entry(job: job, run: run, path: path, finishedAt: endTime(of: path), bytes: size(of: path)))
                }
            }
        }
        return entries
    }

    /// `sundial-executor` touches the sandbox directory when the task's main process exits,
    /// so the latest modification of the directory or its logs is the task's end (for a task
    /// that was lost, its last write).
    static func endTime(of sandbox: String) -> Instant {
        let candidates = [sandbox] + LogStream.allCases.map { sandbox + "/" + $0.rawValue }
        return candidates.compactMap(modificationTime).max() ?? Instant(millisecondsSinceEpoch: 0)
    }

    /// Bytes allocated to everything under the sandbox: logs, artifacts and what they
    /// unpacked to.
    static func size(of directory: String) -> Int64 {
        var total: Int64 = 0
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return 0 }
        while let relative = enumerator.nextObject() as? String {
            var info = stat()
            if lstat(directory + "/" + relative, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                total += Int64(info.st_size)
            }
        }
        return total
    }

    /// Deletes leftovers of deleted jobs whose background removal did not finish (the
    /// server stopped meanwhile).
    static func removeTrash(_ layout: SandboxLayout) {
        for name in children(of: layout.root) where name.hasPrefix(SandboxLayout.trashPrefix) {
            try? FileManager.default.removeItem(atPath: layout.root + "/" + name)
        }
    }

    static func children(of directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func modificationTime(_ path: String) -> Instant? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Instant(millisecondsSinceEpoch: Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000)
    }
}
