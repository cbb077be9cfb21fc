// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "sundial",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sundial", targets: ["sundial"]),
        .library(name: "SundialCore", targets: ["SundialCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // Already in the graph through Hummingbird; the CLI's HTTP client uses it directly.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // Pure domain: model, validation, cron, ports. No I/O.
        .target(name: "SundialCore", dependencies: [.product(name: "HeapModule", package: "swift-collections")]),
        // JobStore backed by an embedded SQLite database.
        .target(name: "SundialSQLite", dependencies: [
            "SundialCore",
            .product(name: "SQLiteNIO", package: "sqlite-nio"),
        ]),
        // Linux calls Glibc does not import: the engine's absolute wall-clock timer (timerfd),
        // malloc_trim.
        .target(name: "CSundialLinux"),
        // The scheduler: timers, triggering, run state machine, reconciliation.
        .target(name: "SundialEngine", dependencies: [
            "SundialCore", "CSundialLinux",
            .product(name: "HeapModule", package: "swift-collections"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The long-lived process that starts, reaps and stops every task, so tasks outlive a
        // crash of the server. Linked as a static C binary: SwiftPM links C executables with
        // swiftc, which would pull in the Swift runtime (slower to start, and it forks tasks).
        .executableTarget(name: "sundial-executor", linkerSettings: [.unsafeFlags(["-static-executable", "-nostartfiles"])]),
        // Linux system calls Swift's Glibc module does not expose (pidfd, epoll, posix_spawn extensions).
        .target(name: "CSundialExecutor"),
        // The local process launcher: sandboxes, artifacts, the executor's client.
        .target(name: "SundialExecutor", dependencies: [
            "CSundialExecutor",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        // HTTP dialects (Metronome, Chronos, Sundial's own) over the engine, and the web UI.
        .target(
            name: "SundialHTTP",
            dependencies: [
                "SundialCore", "SundialEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["WebUI/Assets", "Metronome/Public"],
            plugins: ["EmbedWebUI"]),
        // Build-time tool and plugin that compile the web UI's files into SundialHTTP.
        .executableTarget(name: "sundial-embed-assets"),
        .plugin(name: "EmbedWebUI", capability: .buildTool(), dependencies: ["sundial-embed-assets"]),
        // Composition root: configuration, services, graceful shutdown.
        .target(name: "SundialServer", dependencies: [
            "SundialCore", "SundialSQLite", "SundialEngine", "SundialHTTP", "SundialExecutor", "CSundialLinux",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Commands: the server, schedule tools, and the HTTP client commands (`Client/`).
        .target(name: "SundialCLI", dependencies: [
            "SundialServer", "SundialCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "sundial", dependencies: ["SundialCLI", "sundial-executor"]),
        // Benchmark: cron next-fire evaluations per second (BENCHMARKS.md).
        .executableTarget(name: "sundial-cron-bench", dependencies: ["SundialCore"]),
        // Manual clock and fake launcher for engine tests.
        .target(name: "SundialTestSupport", dependencies: ["SundialCore"]),
        // Resources: conformance vectors copied from shared/reference (CI has only this repo).
        .testTarget(name: "SundialCoreTests", dependencies: ["SundialCore"], resources: [.copy("Resources")]),
        .testTarget(name: "SundialExecutorTests", dependencies: [
            "SundialExecutor", "sundial-executor", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .testTarget(name: "SundialEngineTests", dependencies: ["SundialEngine", "SundialTestSupport", "SundialSQLite"]),
        // Starts the real `sundial` binary and drives it over HTTP.
        .testTarget(name: "SundialIntegrationTests", dependencies: ["SundialCore", "sundial"]),
    ],
    swiftLanguageModes: [.v6]
)
