import ArgumentParser
import Logging
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
