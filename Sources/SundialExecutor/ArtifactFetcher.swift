import CSundialExecutor
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Fetches artifacts into sandboxes, with a cache keyed by URI.
///
/// Cache layout: `<cache>/<fnv1a64(uri) in hex>-<file name>` plus `<same>.uri` holding the URI,
/// which is compared on every hit (so a hash collision is a miss, never a wrong file). Entries
/// are written to a temporary name and renamed into place; nothing evicts them yet.
struct ArtifactFetcher: Sendable {
    let cacheDirectory: String
    let watcher: ExitWatcher

    enum Source {
        case http(URL)
        case file(String)
    }

    func fetch(_ artifact: ArtifactSpec, into sandbox: String) async throws(ExecutorError) {
        let source = try Self.parse(artifact.uri)
        let name = try Self.fileName(of: source, uri: artifact.uri)
        let destination = sandbox + "/" + name
        if artifact.cache {
            let cached = try await cachedCopy(of: source, uri: artifact.uri, name: name)
            try await offload { () throws(ExecutorError) in try Self.copy(cached, to: destination) }
        } else {
            try await download(source, uri: artifact.uri, to: destination)
        }
        if artifact.executable {
            var info = stat()
            if stat(destination, &info) == 0 {
                _ = chmod(destination, (info.st_mode & 0o7777) | 0o111)
            }
        }
        if artifact.extract, let kind = ArchiveKind(fileName: name) {
            try await extract(destination, kind: kind, into: sandbox)
        }
    }

    // MARK: - Sources

    static func parse(_ uri: String) throws(ExecutorError) -> Source {
        if uri.hasPrefix("/") { return .file(uri) }
        guard let url = URL(string: uri), let scheme = url.scheme?.lowercased() else {
            throw ExecutorError(.fetchFailed, "unsupported artifact URI '\(uri)'")
        }
        switch scheme {
        case "http", "https":
            return .http(url)
        case "file":
            guard url.host == nil || url.host == "" || url.host == "localhost" else {
                throw ExecutorError(.fetchFailed, "file URI with a remote host: '\(uri)'")
            }
            let path = url.path
            guard path.hasPrefix("/") else { throw ExecutorError(.fetchFailed, "bad file URI '\(uri)'") }
            return .file(path)
        default:
            throw ExecutorError(.fetchFailed, "unsupported URI scheme '\(scheme)' in '\(uri)'")
        }
    }

    static func fileName(of source: Source, uri: String) throws(ExecutorError) -> String {
        let name: String
        switch source {
        case .http(let url): name = url.lastPathComponent
        case .file(let path): name = (path as NSString).lastPathComponent
        }
        guard !name.isEmpty, name != "/", name != ".", name != "..",
              name != "stdout", name != "stderr"
        else {
            throw ExecutorError(.fetchFailed, "cannot derive a file name from '\(uri)'")
        }
        return name
    }

    /// Puts the artifact at `destination` (replacing what is there).
    private func download(_ source: Source, uri: String, to destination: String) async throws(ExecutorError) {
        switch source {
        case .file(let path):
            try await offload { () throws(ExecutorError) in try Self.copy(path, to: destination) }
        case .http(let url):
            let temporary: URL
            let response: URLResponse
            do {
                (temporary, response) = try await URLSession.shared.download(from: url)
            } catch {
                throw ExecutorError(.fetchFailed, "GET \(uri): \(error.localizedDescription)")
            }
            if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
                try? FileManager.default.removeItem(at: temporary)
                throw ExecutorError(.fetchFailed, "GET \(uri): HTTP \(http.statusCode)")
            }
            do {
                try? FileManager.default.removeItem(atPath: destination)
                try FileManager.default.moveItem(atPath: temporary.path, toPath: destination)
            } catch {
                try? FileManager.default.removeItem(at: temporary)
                throw ExecutorError(.fetchFailed, "GET \(uri): cannot store at \(destination): \(error)")
            }
        }
    }

    private func cachedCopy(of source: Source, uri: String, name: String) async throws(ExecutorError) -> String {
        let key = String(Self.fnv1a64(uri), radix: 16)
        let entry = cacheDirectory + "/" + key + "-" + name
        let uriFile = entry + ".uri"
        if SandboxFiles.readSmallFile(uriFile) == uri, access(entry, F_OK) == 0 {
            return entry
        }
        let unique = ".tmp-\(getpid())-\(UUID().uuidString)"
        let temporary = cacheDirectory + "/" + unique + "-" + name
        try await download(source, uri: uri, to: temporary)
        do {
            try uri.write(toFile: temporary + ".uri", atomically: false, encoding: .utf8)
        } catch {
            throw ExecutorError(.fetchFailed, "cannot write the artifact cache: \(error)")
        }
        // Data first, then the URI that vouches for it.
        guard rename(temporary, entry) == 0, rename(temporary + ".uri", uriFile) == 0 else {
            let message = errnoString()
            unlink(temporary)
            unlink(temporary + ".uri")
            throw ExecutorError(.fetchFailed, "cannot fill the artifact cache: \(message)")
        }
        return entry
    }

    static func copy(_ source: String, to destination: String) throws(ExecutorError) {
        do {
            if FileManager.default.fileExists(atPath: destination) {
                try FileManager.default.removeItem(atPath: destination)
            }
            try FileManager.default.copyItem(atPath: source, toPath: destination)
        } catch {
            throw ExecutorError(.fetchFailed, "cannot copy \(source): \(error)")
        }
    }

    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    // MARK: - Extraction

    enum ArchiveKind {
        case tar, zip

        init?(fileName: String) {
            let lower = fileName.lowercased()
            if [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"].contains(where: { lower.hasSuffix($0) }) {
                self = .tar
            } else if lower.hasSuffix(".zip") {
                self = .zip
            } else {
                return nil
            }
        }
    }

    private func extract(_ archive: String, kind: ArchiveKind, into directory: String) async throws(ExecutorError) {
        switch kind {
        case .zip:
            // Over what earlier artifacts unpacked, as tar does (ZipExtraction).
            try await offload { () throws(ExecutorError) in try ZipExtraction.unzip(archive, into: directory) }
        case .tar:
            // GNU tar detects gzip/bzip2/xz by itself; as root it would keep the archive's owners.
            let log = directory + "/.sundial-extract.log"
            let exit = try await runHelper(
                ["/bin/tar", "--no-same-owner", "-x", "-f", archive, "-C", directory], output: log)
            guard exit == .exited(0) else {
                let output = SandboxFiles.readSmallFile(log)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                throw ExecutorError(.extractFailed, "tar -xf \(archive): \(exit): \(output)")
            }
            unlink(log)
        }
    }

    /// Spawns a helper and awaits it on the executor's epoll thread.
    private func runHelper(_ argv: [String], output: String) async throws(ExecutorError) -> TaskExit {
        var pid: pid_t = 0
        let rc = withCStringArray(argv) { argvPointer in
            withCStringArray(["PATH=/usr/bin:/bin", "LC_ALL=C"]) { envp in
                sundial_spawn_helper(&pid, argv[0], argvPointer, envp, output)
            }
        }
        guard rc == 0 else { throw ExecutorError(.extractFailed, "cannot run \(argv[0]): \(errnoString(rc))") }
        let pidfd = sundial_pidfd_open(pid)
        guard pidfd >= 0 else {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            throw ExecutorError(.extractFailed, "pidfd_open: \(errnoString())")
        }
        watcher.watch(pid, pidfd: pidfd)
        return await watcher.wait(pid) ?? .lost
    }
}

/// Runs blocking file work off the cooperative thread pool.
func offload<R: Sendable>(_ work: @escaping @Sendable () throws(ExecutorError) -> R) async throws(ExecutorError) -> R {
    let result: Result<R, ExecutorError> = await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            do throws(ExecutorError) {
                continuation.resume(returning: .success(try work()))
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
    }
    return try result.get()
}
