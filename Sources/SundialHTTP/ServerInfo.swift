import Foundation
import Synchronization
import SundialCore

/// Facts about this server that `/info`, `/leader` and metrics report.
public final class ServerInfo: Sendable {
    public static let sundialVersion = "0.1.0"
    /// The Metronome release whose API Sundial answers as (for clients that check `/info`).
    public static let metronomeCompatibleVersion = "0.6.44"

    private let address: Mutex<String>
    public let config: JSONObject
    public let startedAt: Instant

    /// `host:port` other machines reach this server at.
    public var advertisedAddress: String { address.withLock { $0 } }

    /// With `--port 0` the real port is known only once the socket is bound.
    public func boundTo(host: String, port: Int) {
        address.withLock { $0 = "\(host):\(port)" }
    }

    public init(advertisedAddress: String, config: [String: String], startedAt: Instant = .now()) {
        self.address = Mutex(advertisedAddress)
        var object = JSONObject()
        for key in config.keys.sorted() { object[key] = .string(config[key]!) }
        self.config = object
        self.startedAt = startedAt
    }

    func uptimeSeconds() -> Double {
        Double(Instant.now().millisecondsSinceEpoch - startedAt.millisecondsSinceEpoch) / 1000
    }
}
