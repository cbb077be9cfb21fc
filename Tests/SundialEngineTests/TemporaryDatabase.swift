import Foundation

/// A database path in a directory of its own, removed when the value goes away: for tests
/// that open the SQLite store a second time to see what another process would find.
final class TemporaryDatabase {
    let directory = NSTemporaryDirectory() + "sundial-store-test-" + UUID().uuidString
    var path: String { directory + "/sundial.db" }

    init() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
}
