import Foundation

/// Decides whether a run may be placed on a machine with the given attributes. One
/// evaluator for both dialects: Chronos `constraints` (EQUALS, LIKE, UNLIKE) and Metronome
/// `placement.constraints` (IS/EQ, LIKE, UNLIKE). All constraints must hold.
///
/// As in Chronos: EQUALS compares text exactly; LIKE and UNLIKE are full-match regular
/// expressions; an attribute the machine does not have satisfies neither LIKE nor UNLIKE.
public struct ConstraintEvaluator: Sendable {
    public let attributes: [String: String]

    /// `hostname` is always an attribute; an explicitly given one wins.
    public init(hostname: String, attributes: [String: String]) {
        var all = attributes
        if all["hostname"] == nil { all["hostname"] = hostname }
        self.attributes = all
    }

    public func matches(_ constraints: [Constraint]) -> Bool {
        constraints.allSatisfy(matches)
    }

    public func matches(_ constraint: Constraint) -> Bool {
        // Metronome accepts a constraint without `value` and ignores it at launch.
        guard let expected = constraint.value else { return true }
        guard let actual = attributes[constraint.attribute] else { return false }
        switch constraint.op {
        case .IS: return actual == expected
        case .LIKE: return Self.fullMatch(expected, actual) ?? false
        case .UNLIKE: return Self.fullMatch(expected, actual).map { !$0 } ?? false
        }
    }

    /// Whether `pattern` matches all of `text`; nil when the pattern is not a valid regex.
    public static func fullMatch(_ pattern: String, _ text: String) -> Bool? {
        guard let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else { return nil }
        let range = NSRange(text.startIndex..., in: text)
        return regex.firstMatch(in: text, options: [], range: range) != nil
    }

    public static func isValidPattern(_ pattern: String) -> Bool {
        (try? NSRegularExpression(pattern: pattern)) != nil
    }
}
