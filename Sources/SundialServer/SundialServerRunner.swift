import CSundialLinux
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SundialCore
import SundialEngine
import SundialExecutor
import SundialHTTP
import SundialSQLite

/// Builds and runs the whole server: store, engine, executor, HTTP. Shared by `main` and the
/// tests, so what the tests start is what users run.
public enum SundialServerRunner {
    public static func run(_ given: ServerConfiguration, logger: Logger = Logger(label: "sundial")) async throws {
        let configuration = given.withAbsoluteDataDirectory()
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: configuration.sandboxDirectory, withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: configuration.artifactCacheDirectory, withIntermediateDirectories: true)

        let store = try SQLiteJobStore(path: configuration.databasePath, durability: configuration.synchronousCommits ? .full : .normal)
        let sandboxes = SandboxLayout(root: configuration.sandboxDirectory)
        let retentionPolicy = LogRetentionPolicy(maxAgeSeconds: configuration.logRetentionSeconds, maxTotalBytes: configuration.logMaxBytes)
        let tracker = SandboxTracker(layout: sandboxes, isEnabled: retentionPolicy.removesAnything)
        let launcher = try LocalTaskLauncher(
            layout: sandboxes, tracker: tracker, artifactCache: configuration.artifactCacheDirectory,
            dataDirectory: configuration.dataDirectory,
            executorPath: configuration.executorPath ?? LocalExecutor.bundledExecutorPath())
        let engine = Engine(
            store: store, launcher: launcher,
            configuration: EngineConfiguration(
                historyLimit: configuration.historyLimit, baseEnvironment: baseEnvironment(), hostname: ProcessInfo.processInfo.hostName,
                attributes: configuration.attributes),
            logger: logger)
        try await engine.start()
        // Loading decoded every stored spec through temporary JSON trees on several threads;
        // glibc keeps those freed pages in its per-thread arenas unless asked to return them.
        sundial_release_free_memory()

        let advertisedHost = configuration.host == "0.0.0.0" || configuration.host == "::" ? ProcessInfo.processInfo.hostName : configuration.host
        let server = ServerInfo(
            advertisedAddress: "\(advertisedHost):\(configuration.port)",
            config: [
                "sundial.host": configuration.host, "sundial.port": String(configuration.port),
                "sundial.data-dir": configuration.dataDirectory, "metronome.history.count": String(configuration.historyLimit),
                "sundial.log-retention": configuration.logRetentionSeconds.map { "\($0)s" } ?? "off",
                "sundial.log-max-bytes": configuration.logMaxBytes.map(String.init) ?? "off",
            ])
        let responder = SundialResponder(
            engine: engine, server: server, sandboxes: sandboxes,
            webUIAssets: configuration.uiDirectory.map { WebUIAssets.live(directory: $0) } ?? .embedded())
        let retention = LogRetentionService(
            layout: sandboxes, policy: retentionPolicy, tracker: tracker, engine: engine, sweepIntervalSeconds: configuration.logSweepIntervalSeconds, logger: logger)
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "sundial"),
            services: [EngineTimerService(engine: engine), HistoryPruningService(store: store, keep: configuration.historyLimit), retention],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                server.boundTo(host: advertisedHost, port: port)
                // Tests and scripts read this line to find an ephemeral port.
                FileHandle.standardOutput.write(Data("sundial listening on http://\(configuration.host):\(port)\n".utf8))
            },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        // Writes still queued (the engine's background ones) land before the process ends.
        await store.flush()
        // Running tasks keep the executor (and themselves) alive for the next server.
        await launcher.shutdown()
    }

    /// What every task's environment starts from: a usable PATH, and nothing else of the
    /// server's own environment.
    static func baseEnvironment() -> [String: String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        return ["PATH": path, "LANG": "C.UTF-8"]
    }
}

/// Runs the engine's timer heap for the life of the server.
struct EngineTimerService: Service {
    let engine: Engine
    func run() async throws {
        await cancelWhenGracefulShutdown { await engine.runTimers() }
    }
}

/// Trims finished runs beyond the history limit once a minute.
struct HistoryPruningService: Service {
    let store: SQLiteJobStore
    let keep: Int
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                if Task.isCancelled { return }
                try? await store.pruneFinishedRuns(keep: keep)
            }
        }
    }
}
