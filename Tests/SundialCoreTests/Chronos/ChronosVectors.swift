import Foundation
import SundialCore

/// reference/chronos/vectors.json, copied into this target's resources (a clean clone of the
/// repository has no shared/ directory).
enum ChronosVectors {
    static let all: JSONValue = {
        let url = Bundle.module.url(forResource: "Resources/chronos-vectors", withExtension: "json")!
        return try! JSONParser.parse(Array(try! Data(contentsOf: url)))
    }()

    static var fixedNow: Instant { Instant.parse(all["meta"]!["conventions"]!["fixed_now"]!.stringValue!)! }

    static func group(_ name: String) -> JSONValue { all[name]! }
}
