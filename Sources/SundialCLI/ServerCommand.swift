import ArgumentParser
import Logging
import SundialCore
import SundialServer

/// `sundial server`: API, scheduler and executor in one process.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the Sundial server (API, scheduler and local executor).",
        discussion: "Each option can also be set with its SUNDIAL_* environment variable; flags win.")

    @Option(help: "Address to listen on (SUNDIAL_HOST). Default 127.0.0.1.")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (SUNDIAL_PORT). Default 9000.")
    var port: Int?

    @Option(name: .customLong("data-dir"), help: "Directory for the database, sandboxes and logs (SUNDIAL_DATA_DIR). Default ./sundial-data.")
    var dataDirectory: String?

    @Option(name: .customLong("history-limit"), help: "Finished runs kept per job and outcome (SUNDIAL_HISTORY_LIMIT). Default 1000.")
    var historyLimit: Int?

    @Option(name: .customLong("log-retention"), help: "How long a finished task's logs are kept, e.g. 12h, 7d, or off (SUNDIAL_LOG_RETENTION). Default 7d.")
    var logRetention: String?

    @Option(name: .customLong("log-max-bytes"), help: "Upper bound for all task logs and sandboxes together, e.g. 500M, 10G, or off; the oldest finished go first (SUNDIAL_LOG_MAX_BYTES). Default 10G.")
    var logMaxBytes: String?

    @Option(name: .customLong("log-sweep-interval"), help: "How often expired logs are looked for, e.g. 30s (SUNDIAL_LOG_SWEEP_INTERVAL). Default 1m, and at least twice per --log-retention.")
    var logSweepInterval: String?

    @Option(name: .customLong("attribute"), help: "A machine attribute for placement constraints, key=value; repeatable (SUNDIAL_ATTRIBUTES, comma-separated).")
    var attributes: [String] = []

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical. Default info.")
    var logLevel: String = "info"

    func run() async throws {
        var configuration = try ServerConfiguration.fromEnvironment()
        if let host { configuration.host = host }
        if let port {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
            configuration.port = port
        }
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        if let historyLimit {
            guard historyLimit >= 0 else { throw ValidationError("--history-limit must not be negative") }
            configuration.historyLimit = historyLimit
        }
        if let logRetention {
            do { configuration.logRetentionSeconds = try RetentionSetting.seconds(logRetention) } catch {
                throw ValidationError("--log-retention: \(error)")
            }
        }
        if let logMaxBytes {
            do { configuration.logMaxBytes = try RetentionSetting.bytes(logMaxBytes) } catch {
                throw ValidationError("--log-max-bytes: \(error)")
            }
        }
        if let logSweepInterval {
            guard let seconds = try? RetentionSetting.seconds(logSweepInterval) else {
                throw ValidationError("--log-sweep-interval must be a duration such as 30s or 5m")
            }
            configuration.logSweepIntervalSeconds = seconds
        }
        for attribute in attributes {
            do {
                let (key, value) = try ServerConfiguration.parseAttribute(attribute)
                configuration.attributes[key] = value
            } catch { throw ValidationError("--attribute: \(error)") }
        }
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("unknown --log-level '\(logLevel)'") }
        var logger = Logger(label: "sundial")
        logger.logLevel = level
        try await SundialServerRunner.run(configuration, logger: logger)
    }
}
