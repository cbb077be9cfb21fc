import Foundation
import ZIPFoundation

#if canImport(Glibc)
import Glibc
#endif

/// Unpacks a zip into a sandbox that may already hold what earlier artifacts put there.
///
/// Later artifacts replace files of earlier ones, as `tar -x` and the Mesos fetcher
/// (`unzip -o`) do, but ZIPFoundation refuses to write over an existing file. So the archive
/// is unpacked into an empty directory inside the sandbox first, where ZIPFoundation's own
/// checks (no entry and no symlink pointing outside) hold as they are, and its tree is then
/// renamed into place: same filesystem, so nothing is copied.
enum ZipExtraction {
    static func unzip(_ archive: String, into directory: String) throws(ExecutorError) {
        // Hidden: the sandbox inventory and the log API ignore names starting with a dot.
        let staging = directory + "/.sundial-unzip-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: staging) }
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
            try FileManager.default.unzipItem(at: URL(fileURLWithPath: archive), to: URL(fileURLWithPath: staging))
            try merge(staging, into: directory)
        } catch {
            throw ExecutorError(.extractFailed, "cannot unzip \(archive): \(error)")
        }
    }

    /// Moves every entry of `source` into `destination`. A directory that exists on both sides
    /// is merged; anything else already at the destination is replaced. A symlink at the
    /// destination is never followed: an earlier artifact's link where this archive has a
    /// directory is replaced by the directory (GNU tar's default too), so nothing lands outside
    /// the sandbox.
    static func merge(_ source: String, into destination: String) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            let from = source + "/" + name
            let to = destination + "/" + name
            var existing = stat()
            if lstat(to, &existing) == 0 {
                var incoming = stat()
                let bothDirectories = isDirectory(existing) && lstat(from, &incoming) == 0 && isDirectory(incoming)
                if bothDirectories {
                    try merge(from, into: to)
                    continue
                }
                if isDirectory(existing) {
                    try FileManager.default.removeItem(atPath: to)
                } else if unlink(to) != 0 {
                    throw ExecutorError(.extractFailed, "cannot replace \(to): \(errnoString())")
                }
            }
            guard rename(from, to) == 0 else {
                throw ExecutorError(.extractFailed, "cannot move \(name) into \(destination): \(errnoString())")
            }
        }
    }

    /// From lstat, so a symlink to a directory is not one.
    private static func isDirectory(_ info: stat) -> Bool {
        info.st_mode & S_IFMT == S_IFDIR
    }
}
