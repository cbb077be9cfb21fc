import Foundation
import SundialCore

/// Everything `sundial server` needs, read once at start: flags first, then `SUNDIAL_*`
/// environment variables, then defaults.
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 9000
    public var dataDirectory: String = "./sundial-data"
    /// Finished runs kept per job and status (Metronome's `history.count`).
    public var historyLimit: Int = 1000
    /// `full` fsyncs every commit; `normal` survives a crash of sundial but not of the machine.
    public var synchronousCommits: Bool = true
    /// How long a finished task's sandbox (its logs) is kept; nil keeps it regardless of age.
    public var logRetentionSeconds: Int64? = 7 * 86400
    /// The most all task sandboxes together may take; the oldest finished go first. nil: no bound.
    public var logMaxBytes: Int64? = 10 << 30
    /// How often the retention sweep runs; it also runs at least twice per retention period.
    public var logSweepIntervalSeconds: Int64 = 60
    /// Where the `sundial-executor` binary lives; when nil, `$SUNDIAL_EXECUTOR` or next to `sundial`.
    public var executorPath: String?
    /// Serve the web UI's files from this directory, re-read on every request, instead of
    /// the copy built into the binary (`SUNDIAL_UI_DIR`; for working on the UI).
    public var uiDirectory: String?
    /// Machine attributes placement constraints are matched against, besides `hostname`
    /// (`--attribute rack=r1`, or `SUNDIAL_ATTRIBUTES=rack=r1,zone=a`).
    public var attributes: [String: String] = [:]

    public init() {}

    /// Parses `key=value`; the key must not be empty.
    public static func parseAttribute(_ text: String) throws -> (String, String) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ConfigurationError("an attribute must look like key=value, got '\(text)'")
        }
        return (parts[0].trimmingCharacters(in: .whitespaces), String(parts[1]))
    }

    /// Applies `SUNDIAL_*` variables to the defaults; flags are applied by the caller after.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let host = environment["SUNDIAL_HOST"], !host.isEmpty { configuration.host = host }
        if let port = environment["SUNDIAL_PORT"], !port.isEmpty {
            guard let value = Int(port), (0...65535).contains(value) else { throw ConfigurationError("SUNDIAL_PORT must be a port number, got '\(port)'") }
            configuration.port = value
        }
        if let dir = environment["SUNDIAL_DATA_DIR"], !dir.isEmpty { configuration.dataDirectory = dir }
        if let limit = environment["SUNDIAL_HISTORY_LIMIT"], !limit.isEmpty {
            guard let value = Int(limit), value >= 0 else { throw ConfigurationError("SUNDIAL_HISTORY_LIMIT must be a non-negative number, got '\(limit)'") }
            configuration.historyLimit = value
        }
        if let retention = environment["SUNDIAL_LOG_RETENTION"], !retention.isEmpty {
            do { configuration.logRetentionSeconds = try RetentionSetting.seconds(retention) } catch {
                throw ConfigurationError("SUNDIAL_LOG_RETENTION: \(error)")
            }
        }
        if let maxBytes = environment["SUNDIAL_LOG_MAX_BYTES"], !maxBytes.isEmpty {
            do { configuration.logMaxBytes = try RetentionSetting.bytes(maxBytes) } catch {
                throw ConfigurationError("SUNDIAL_LOG_MAX_BYTES: \(error)")
            }
        }
        if let interval = environment["SUNDIAL_LOG_SWEEP_INTERVAL"], !interval.isEmpty {
            guard let seconds = try? RetentionSetting.seconds(interval) else {
                throw ConfigurationError("SUNDIAL_LOG_SWEEP_INTERVAL must be a duration such as 30s or 5m, got '\(interval)'")
            }
            configuration.logSweepIntervalSeconds = seconds
        }
        if let dir = environment["SUNDIAL_UI_DIR"], !dir.isEmpty { configuration.uiDirectory = dir }
        if let attributes = environment["SUNDIAL_ATTRIBUTES"], !attributes.isEmpty {
            for item in attributes.split(separator: ",") {
                let (key, value) = try parseAttribute(String(item))
                configuration.attributes[key] = value
            }
        }
        if let sync = environment["SUNDIAL_SYNCHRONOUS_COMMITS"], !sync.isEmpty {
            configuration.synchronousCommits = !["0", "false", "no", "off"].contains(sync.lowercased())
        }
        return configuration
    }

    /// Sandboxes must be absolute paths (the executor refuses others, and tasks are told
    /// where theirs is), so a relative data directory is taken from the working directory.
    func withAbsoluteDataDirectory() -> ServerConfiguration {
        guard !dataDirectory.hasPrefix("/") else { return self }
        var copy = self
        copy.dataDirectory = FileManager.default.currentDirectoryPath + "/" + dataDirectory
        return copy
    }

    var databasePath: String { (dataDirectory as NSString).appendingPathComponent("sundial.db") }
    var sandboxDirectory: String { (dataDirectory as NSString).appendingPathComponent("sandboxes") }
    var artifactCacheDirectory: String { (dataDirectory as NSString).appendingPathComponent("artifact-cache") }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
