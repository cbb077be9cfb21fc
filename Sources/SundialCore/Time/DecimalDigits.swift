/// Digit reading shared by the timestamp and duration parsers.
enum DecimalDigits {
    /// Exactly `count` ASCII digits at `i` as a number, advancing `i`; nil otherwise.
    static func fixedWidth(_ bytes: [UInt8], _ i: inout Int, count: Int) -> Int? {
        guard i + count <= bytes.count else { return nil }
        var value = 0
        for _ in 0..<count {
            guard (48...57).contains(bytes[i]) else { return nil }
            value = value * 10 + Int(bytes[i] - 48)
            i += 1
        }
        return value
    }

    /// Reads the digits after a decimal separator as milliseconds (digits beyond the third
    /// are read and dropped), advancing `i`; nil when there is no digit.
    static func fractionMilliseconds(_ bytes: [UInt8], _ i: inout Int) -> Int? {
        var millis = 0
        var scale = 100
        var digits = 0
        while i < bytes.count, (48...57).contains(bytes[i]) {
            millis += Int(bytes[i] - 48) * scale
            scale /= 10
            i += 1
            digits += 1
        }
        return digits > 0 ? millis : nil
    }
}

/// `value` in decimal, left-padded with zeros to `width` digits.
func zeroPadded(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}
