import Foundation
import SundialExecutor
import Testing
import ZIPFoundation

#if canImport(Glibc)
import Glibc
#endif

@Suite("LocalExecutor: artifacts", .timeLimit(.minutes(1)))
struct ArtifactTests {
    @Test func fileURIIsCopied() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let source = try scratch.write("data.txt", "payload\n")
        let sandbox = scratch.sandbox()
        try await executor.prepare(spec(sandbox, .shell("cat data.txt"), artifacts: [ArtifactSpec(uri: "file://" + source)]))
        #expect(contents(sandbox + "/data.txt") == "payload\n")
        let task = try await executor.launch(spec(sandbox, .shell("cat data.txt")))
        #expect(await executor.waitForExit(task) == .exited(0))
        #expect(contents(sandbox + "/stdout") == "payload\n")
    }

    @Test func absolutePathIsCopied() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let source = try scratch.write("plain.cfg", "x=1\n")
        let sandbox = scratch.sandbox()
        try await executor.prepare(spec(sandbox, .shell("true"), artifacts: [ArtifactSpec(uri: source)]))
        #expect(contents(sandbox + "/plain.cfg") == "x=1\n")
    }

    @Test func tarGzIsExtracted() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let tree = scratch.path + "/tree"
        try FileManager.default.createDirectory(atPath: tree + "/bin", withIntermediateDirectories: true)
        try "#!/bin/sh\necho from-tarball\n".write(toFile: tree + "/bin/hello", atomically: false, encoding: .utf8)
        chmod(tree + "/bin/hello", 0o755)
        let archive = scratch.path + "/app.tar.gz"
        #expect(system("/bin/tar -czf '\(archive)' -C '\(tree)' bin") == 0)

        let sandbox = scratch.sandbox()
        try await executor.prepare(spec(sandbox, .shell("true"), artifacts: [ArtifactSpec(uri: "file://" + archive)]))
        #expect(FileManager.default.fileExists(atPath: sandbox + "/app.tar.gz"))
        let task = try await executor.launch(spec(sandbox, .argv(["./bin/hello"])))
        #expect(await executor.waitForExit(task) == .exited(0))
        #expect(contents(sandbox + "/stdout") == "from-tarball\n")
    }

    @Test func otherTarCompressionsAreExtracted() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let tree = scratch.path + "/tree"
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try "inside\n".write(toFile: tree + "/file.txt", atomically: false, encoding: .utf8)
        for (suffix, flag) in [(".tar", ""), (".tgz", "z"), (".tar.bz2", "j"), (".tar.xz", "J")] {
            let archive = scratch.path + "/a" + suffix
            #expect(system("/bin/tar -c\(flag)f '\(archive)' -C '\(tree)' file.txt") == 0)
            let sandbox = scratch.sandbox("s" + suffix)
            try await executor.prepare(spec(sandbox, .shell("true"), artifacts: [ArtifactSpec(uri: archive)]))
            #expect(contents(sandbox + "/file.txt") == "inside\n", "\(suffix)")
        }
    }

    @Test func extractCanBeTurnedOff() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let tree = scratch.path + "/tree"
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try "inside\n".write(toFile: tree + "/file.txt", atomically: false, encoding: .utf8)
        let archive = scratch.path + "/keep.tar.gz"
        #expect(system("/bin/tar -czf '\(archive)' -C '\(tree)' file.txt") == 0)
        let sandbox = scratch.sandbox()
        try await executor.prepare(
            spec(sandbox, .shell("true"), artifacts: [ArtifactSpec(uri: archive, extract: false)]))
        #expect(FileManager.default.fileExists(atPath: sandbox + "/keep.tar.gz"))
        #expect(!FileManager.default.fileExists(atPath: sandbox + "/file.txt"))
    }

    @Test func zipIsExtracted() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let tree = scratch.path + "/site"
        try FileManager.default.createDirectory(atPath: tree + "/conf", withIntermediateDirectories: true)
        try "zipped\n".write(toFile: tree + "/conf/app.conf", atomically: false, encoding: .utf8)
        try "#!/bin/sh\necho run-from-zip\n".write(toFile: tree + "/run.sh", atomically: false, encoding: .utf8)
        chmod(tree + "/run.sh", 0o755)
        let archive = scratch.path + "/bundle.zip"
        try FileManager.default.zipItem(
            at: URL(fileURLWithPath: tree), to: URL(fileURLWithPath: archive), shouldKeepParent: false)

        let sandbox = scratch.sandbox()
        try await executor.prepare(spec(sandbox, .shell("true"), artifacts: [ArtifactSpec(uri: "file://" + archive)]))
        #expect(contents(sandbox + "/conf/app.conf") == "zipped\n")
        let task = try await executor.launch(spec(sandbox, .argv(["./run.sh"])))
        #expect(await executor.waitForExit(task) == .exited(0))  // the x bit survived
        #expect(contents(sandbox + "/stdout") == "run-from-zip\n")
    }

    /// Later artifacts replace what earlier ones unpacked, as `tar -x` and the Mesos fetcher
    /// (`unzip -o`) do: here a zip over a tarball's file and over a second zip's.
    @Test func zipOverwritesFilesOfEarlierArtifacts() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        func tree(_ name: String, _ text: String) throws -> String {
            let tree = scratch.path + "/" + name
            try FileManager.default.createDirectory(atPath: tree + "/sub", withIntermediateDirectories: true)
            try text.write(toFile: tree + "/sub/f.txt", atomically: false, encoding: .utf8)
            try (name + "\n").write(toFile: tree + "/sub/" + name + ".txt", atomically: false, encoding: .utf8)
            return tree
        }
        let tarball = scratch.path + "/a.tgz"
        #expect(system("/bin/tar -czf '\(tarball)' -C '\(try tree("tar", "from tar\n"))' sub") == 0)
        let zip = scratch.path + "/a.zip"
        try FileManager.default.zipItem(
            at: URL(fileURLWithPath: try tree("zip", "from zip\n")), to: URL(fileURLWithPath: zip), shouldKeepParent: false)
        let again = scratch.path + "/b.zip"
        try FileManager.default.zipItem(
            at: URL(fileURLWithPath: try tree("again", "from the second zip\n")), to: URL(fileURLWithPath: again),
            shouldKeepParent: false)

        let sandbox = scratch.sandbox()
        try await executor.prepare(spec(sandbox, .shell("true"), artifacts: [
            ArtifactSpec(uri: "file://" + tarball), ArtifactSpec(uri: "file://" + zip),
        ]))
        #expect(contents(sandbox + "/sub/f.txt") == "from zip\n")
        #expect(contents(sandbox + "/sub/tar.txt") == "tar\n")  // directories merge
        #expect(contents(sandbox + "/sub/zip.txt") == "zip\n")

        let twice = scratch.sandbox("twice")
        try await executor.prepare(spec(twice, .shell("true"), artifacts: [
            ArtifactSpec(uri: "file://" + zip), ArtifactSpec(uri: "file://" + again),
        ]))
        #expect(contents(twice + "/sub/f.txt") == "from the second zip\n")
        #expect(contents(twice + "/sub/zip.txt") == "zip\n")
        #expect(contents(twice + "/sub/again.txt") == "again\n")
        // Nothing of the extraction is left behind in the sandbox.
        #expect(try FileManager.default.contentsOfDirectory(atPath: twice).sorted() == ["a.zip", "b.zip", "sub"])
    }

    /// An earlier artifact's symlink where a later zip has a directory is replaced, never
    /// written through (GNU tar's default, too): a zip cannot put files outside the sandbox.
    @Test func zipReplacesASymlinkRatherThanWritingThroughIt() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let outside = scratch.path + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let links = scratch.path + "/links"
        try FileManager.default.createDirectory(atPath: links, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: links + "/sub", withDestinationPath: outside)
        let tarball = scratch.path + "/links.tar"
        #expect(system("/bin/tar -cf '\(tarball)' -C '\(links)' sub") == 0)
        let tree = scratch.path + "/tree"
        try FileManager.default.createDirectory(atPath: tree + "/sub", withIntermediateDirectories: true)
        try "from zip\n".write(toFile: tree + "/sub/f.txt", atomically: false, encoding: .utf8)
        let zip = scratch.path + "/a.zip"
        try FileManager.default.zipItem(at: URL(fileURLWithPath: tree), to: URL(fileURLWithPath: zip), shouldKeepParent: false)

        let sandbox = scratch.sandbox()
        try await executor.prepare(spec(sandbox, .shell("true"), artifacts: [
            ArtifactSpec(uri: "file://" + tarball), ArtifactSpec(uri: "file://" + zip),
        ]))
        #expect(contents(sandbox + "/sub/f.txt") == "from zip\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
        var info = stat()
        #expect(lstat(sandbox + "/sub", &info) == 0 && info.st_mode & S_IFMT == S_IFDIR)
    }

    @Test func executableBitIsSet() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let script = try scratch.write("tool.sh", "#!/bin/sh\necho tool-ran \"$1\"\n")
        chmod(script, 0o644)
        let sandbox = scratch.sandbox()
        try await executor.prepare(
            spec(sandbox, .shell("true"), artifacts: [ArtifactSpec(uri: "file://" + script, executable: true)]))
        #expect(access(sandbox + "/tool.sh", X_OK) == 0)
        let task = try await executor.launch(spec(sandbox, .argv(["./tool.sh", "arg"])))
        #expect(await executor.waitForExit(task) == .exited(0))
        #expect(contents(sandbox + "/stdout") == "tool-ran arg\n")
    }

    @Test func cachedArtifactIsReusedAfterTheSourceIsGone() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let source = try scratch.write("cached.bin", "version 1\n")
        let artifact = ArtifactSpec(uri: "file://" + source, cache: true)
        try await executor.prepare(spec(scratch.sandbox("one"), .shell("true"), artifacts: [artifact]))
        #expect(contents(scratch.sandbox("one") + "/cached.bin") == "version 1\n")

        try FileManager.default.removeItem(atPath: source)
        try await executor.prepare(spec(scratch.sandbox("two"), .shell("true"), artifacts: [artifact]))
        #expect(contents(scratch.sandbox("two") + "/cached.bin") == "version 1\n")

        // A task changing its copy does not touch the cache.
        try "changed\n".write(toFile: scratch.sandbox("two") + "/cached.bin", atomically: false, encoding: .utf8)
        try await executor.prepare(spec(scratch.sandbox("three"), .shell("true"), artifacts: [artifact]))
        #expect(contents(scratch.sandbox("three") + "/cached.bin") == "version 1\n")

        // Without `cache` the missing source is an error.
        await #expect(throws: ExecutorError.self) {
            try await executor.prepare(
                spec(scratch.sandbox("four"), .shell("true"), artifacts: [ArtifactSpec(uri: "file://" + source)]))
        }
    }

    @Test func missingSourceAndBadURIsFail() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        for uri in [scratch.path + "/missing.txt", "ftp://example.invalid/x", "relative/path", "http://127.0.0.1:1/"] {
            do {
                try await executor.prepare(spec(scratch.sandbox(), .shell("true"), artifacts: [ArtifactSpec(uri: uri)]))
                Issue.record("expected \(uri) to fail")
            } catch {
                #expect(error.code == .fetchFailed, "\(uri): \(error)")
            }
        }
    }

    @Test func corruptArchiveFailsToExtract() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let bogus = try scratch.write("broken.tar.gz", "this is not gzip")
        do {
            try await executor.prepare(spec(scratch.sandbox(), .shell("true"), artifacts: [ArtifactSpec(uri: bogus)]))
            Issue.record("expected extraction to fail")
        } catch {
            #expect(error.code == .extractFailed)
        }
        let bogusZip = try scratch.write("broken.zip", "this is not a zip")
        do {
            try await executor.prepare(spec(scratch.sandbox("z"), .shell("true"), artifacts: [ArtifactSpec(uri: bogusZip)]))
            Issue.record("expected extraction to fail")
        } catch {
            #expect(error.code == .extractFailed)
        }
    }

    @Test func httpArtifactsAreDownloaded() async throws {
        let scratch = try Scratch()
        let executor = try scratch.executor()
        let served = scratch.path + "/www"
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        try "over http\n".write(toFile: served + "/remote.txt", atomically: false, encoding: .utf8)
        let tree = scratch.path + "/tree"
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try "unpacked over http\n".write(toFile: tree + "/inner.txt", atomically: false, encoding: .utf8)
        #expect(system("/bin/tar -czf '\(served)/pkg.tgz' -C '\(tree)' inner.txt") == 0)

        let server = try await HTTPTestServer.start(
            directory: served, executor: executor, sandbox: scratch.sandbox("http-server"))
        do {
            let base = "http://127.0.0.1:\(server.port)"

            let sandbox = scratch.sandbox()
            try await executor.prepare(spec(sandbox, .shell("true"), artifacts: [
                ArtifactSpec(uri: base + "/remote.txt"),
                ArtifactSpec(uri: base + "/pkg.tgz", cache: true),
            ]))
            #expect(contents(sandbox + "/remote.txt") == "over http\n")
            #expect(contents(sandbox + "/inner.txt") == "unpacked over http\n")

            do {
                try await executor.prepare(spec(scratch.sandbox("404"), .shell("true"), artifacts: [
                    ArtifactSpec(uri: base + "/missing.txt")
                ]))
                Issue.record("expected a 404 to fail")
            } catch {
                #expect(error.code == .fetchFailed)
                #expect(error.message.contains("404"))
            }
        } catch {
            Issue.record(error)
        }
        await server.stop()
    }
}

/// `python3 -m http.server` on an ephemeral loopback port, run as a task of the executor itself
/// (Foundation's `Process` spawns from a Dispatch thread and passes that thread's blocked
/// signals on, so its `terminate()` could not stop the server).
struct HTTPTestServer {
    let executor: LocalExecutor
    let task: RunningTask
    let port: Int

    static func start(directory: String, executor: LocalExecutor, sandbox: String) async throws -> HTTPTestServer {
        let task = try await executor.launch(TaskLaunchSpec(
            taskID: "http-server",
            sandbox: sandbox,
            command: .argv(["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory]),
            environment: ProcessInfo.processInfo.environment,
            killGracePeriodSeconds: 1))
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        try await waitForFile(sandbox + "/stdout", toContain: ") ...")
        let text = contents(sandbox + "/stdout")
        guard let range = text.range(of: " port "), let port = Int(text[range.upperBound...].prefix(while: \.isNumber)) else {
            executor.stop(task)
            throw ExecutorError(.fetchFailed, "python3 http.server did not start: \(text) \(contents(sandbox + "/stderr"))")
        }
        return HTTPTestServer(executor: executor, task: task, port: port)
    }

    func stop() async {
        executor.stop(task)
        _ = await executor.waitForExit(task)
    }
}
