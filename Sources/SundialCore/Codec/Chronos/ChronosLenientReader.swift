import Foundation

/// Reads Chronos job fields the way its Jackson deserializer does: numbers may come as
/// strings, and an explicit `null` counts as present (a string becomes `"null"`, a boolean
/// false, a number 0). Wrong types fall back to the default instead of failing, as there.
struct ChronosLenientReader {
    let object: JSONObject

    func string(_ key: String, default value: String = "") -> String {
        switch object[key] {
        case .string(let s): return s
        case .null: return "null"
        case .number(let n): return JSONWriter.string(.number(n))
        case .bool(let b): return b ? "true" : "false"
        default: return value
        }
    }

    func bool(_ key: String, default value: Bool = false) -> Bool {
        switch object[key] {
        case .bool(let b): return b
        case .string(let s): return s.lowercased() == "true"
        case .null: return false
        case nil: return value
        default: return value
        }
    }

    func number(_ key: String, default value: Double = 0) -> Double {
        switch object[key] {
        case .number(let n): return n
        case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil } ?? value
        case .null: return 0
        default: return value
        }
    }

    /// A whole number, clamped to ±10^15 so no client value can overflow.
    func integer(_ key: String, default value: Int = 0) -> Int {
        let number = self.number(key, default: Double(value))
        guard number.isFinite else { return value }
        return Int(max(-1e15, min(1e15, number)).rounded(.towardZero))
    }

    func strings(_ key: String) -> [String] {
        object[key]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    func has(_ key: String) -> Bool { object[key] != nil }
}
