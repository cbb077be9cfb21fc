import Foundation
import SundialCore

/// Reads task sandboxes on disk (`<root>/<job>/<run>/<task>`): which exist, how large each is
/// and when its task ended. With plain `readdir` and `lstat`: a walk of 100,000 sandboxes is
/// made once per start, and Foundation's enumerators cost several times as much.
enum SandboxInventory {
    struct Entry {
        var path: String
        var measurement: RetainedSandboxes.Measurement
    }

    /// Every task sandbox under the root (names starting with a dot are the executor's pool
    /// and deleted jobs on their way out).
    static func scan(_ layout: SandboxLayout) -> [Entry] {
        var entries: [Entry] = []
        for job in children(of: layout.root) where !job.name.hasPrefix(".") && job.isDirectory {
            let jobPath = layout.root + "/" + job.name
            for run in children(of: jobPath) where run.isDirectory {
                let runPath = jobPath + "/" + run.name
                for task in children(of: runPath) where task.isDirectory {
                    let path = runPath + "/" + task.name
                    if let measurement = measure(path) { entries.append(Entry(path: path, measurement: measurement)) }
                }
            }
        }
        return entries
    }

    /// A sandbox's end time and size, or nil when it does not exist.
    static func measure(_ sandbox: String) -> RetainedSandboxes.Measurement? {
        guard let directoryChanged = modificationTime(sandbox) else { return nil }
        return RetainedSandboxes.Measurement(finishedAt: endTime(of: sandbox, directoryChanged: directoryChanged), bytes: size(of: sandbox))
    }

    /// `sundial-executor` touches the sandbox directory when the task's main process exits,
    /// so the latest modification of the directory or its logs is the task's end (for a task
    /// that was lost, its last write).
    static func endTime(of sandbox: String, directoryChanged: Instant) -> Instant {
        LogStream.allCases.compactMap { modificationTime(sandbox + "/" + $0.rawValue) }.reduce(directoryChanged, max)
    }

    /// Bytes of every file under the sandbox: logs, artifacts and what they unpacked to.
    static func size(of directory: String) -> Int64 {
        var total: Int64 = 0
        for child in children(of: directory) {
            let path = directory + "/" + child.name
            if child.isDirectory {
                total += size(of: path)
            } else {
                var info = stat()
                if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { total += Int64(info.st_size) }
            }
        }
        return total
    }

    /// Deletes leftovers of deleted jobs whose background removal did not finish (the
    /// server stopped meanwhile).
    static func removeTrash(_ layout: SandboxLayout) {
        for child in children(of: layout.root) where child.name.hasPrefix(SandboxLayout.trashPrefix) {
            try? FileManager.default.removeItem(atPath: layout.root + "/" + child.name)
        }
    }

    struct Child {
        var name: String
        /// A real directory; a symbolic link to one is not (artifacts may unpack links).
        var isDirectory: Bool
    }

    static func children(of directory: String) -> [Child] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var found: [Child] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            var isDirectory = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                // Some filesystems do not say in the directory entry.
                var info = stat()
                isDirectory = lstat(directory + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            }
            found.append(Child(name: name, isDirectory: isDirectory))
        }
        return found
    }

    static func modificationTime(_ path: String) -> Instant? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Instant(millisecondsSinceEpoch: Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000)
    }
}
