import Foundation
import SundialCore

/// Facts about this server that `/info`, `/leader` and metrics report.
public struct ServerInfo: Sendable {
    public static let sundialVersion = "0.1.0"
    /// The Metronome release whose API Sundial answers as (for clients that check `/info`).
    public static let metronomeCompatibleVersion = "0.6.44"

    public var advertisedAddress: String
    public var config: JSONObject
    public var startedAt: Instant

    public init(advertisedAddress: String, config: [String: String], startedAt: Instant = .now()) {
        self.advertisedAddress = advertisedAddress
        var object = JSONObject()
        for key in config.keys.sorted() { object[key] = .string(config[key]!) }
        self.config = object
        self.startedAt = startedAt
    }

    func uptimeSeconds() -> Double {
        Double(Instant.now().millisecondsSinceEpoch - startedAt.millisecondsSinceEpoch) / 1000
    }
}
