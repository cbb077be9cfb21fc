// Parsing of cron fields and macros into `CronFieldSet` / `@every` periods.

enum CronFieldKind: Sendable {
    case minute, hour, dayOfMonth, month, dayOfWeek, year
}

struct CronFieldSpec: Sendable {
    let kind: CronFieldKind
    let name: String
    /// Smallest and largest accepted value (day-of-week accepts 0-7).
    let min: Int
    let max: Int
    /// Largest value a `*` or an open `a/step` covers (day-of-week: 6, so Sunday is not counted twice).
    let wildcardMax: Int
    let names: [String: Int]
    let expected: String

    static let minute = CronFieldSpec(
        kind: .minute, name: "minute", min: 0, max: 59, wildcardMax: 59, names: [:],
        expected: "a number 0-59")
    static let hour = CronFieldSpec(
        kind: .hour, name: "hour", min: 0, max: 23, wildcardMax: 23, names: [:],
        expected: "a number 0-23")
    static let dayOfMonth = CronFieldSpec(
        kind: .dayOfMonth, name: "day-of-month", min: 1, max: 31, wildcardMax: 31, names: [:],
        expected: "a number 1-31, L, L-n, LW or nW")
    static let month = CronFieldSpec(
        kind: .month, name: "month", min: 1, max: 12, wildcardMax: 12,
        names: ["JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
                "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12],
        expected: "a number 1-12 or a name JAN-DEC")
    static let dayOfWeek = CronFieldSpec(
        kind: .dayOfWeek, name: "day-of-week", min: 0, max: 7, wildcardMax: 6,
        names: ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6],
        expected: "a number 0-7 or a name SUN-SAT, optionally with L or #n")
    static let year = CronFieldSpec(
        kind: .year, name: "year", min: CronYearSet.minYear, max: CronYearSet.maxYear,
        wildcardMax: CronYearSet.maxYear, names: [:],
        expected: "a year \(CronYearSet.minYear)-\(CronYearSet.maxYear)")

    static let ordered: [CronFieldSpec] = [.minute, .hour, .dayOfMonth, .month, .dayOfWeek, .year]
}

enum CronParser {
    /// Parses 5 or 6 whitespace-separated fields. Returns the compiled set and canonical text.
    static func parseFields(_ parts: [Substring]) throws(CronParseError) -> (CronFieldSet, String) {
        var set = CronFieldSet()
        var normalizedFields: [String] = []
        for (index, part) in parts.enumerated() {
            let spec = CronFieldSpec.ordered[index]
            let normalized = try parseField(String(part), spec: spec, into: &set)
            if spec.kind == .dayOfMonth { set.dayOfMonthRestricted = normalized != "*" }
            if spec.kind == .dayOfWeek { set.dayOfWeekRestricted = normalized != "*" }
            if spec.kind == .year && normalized == "*" { set.years = nil }
            normalizedFields.append(normalized)
        }
        if normalizedFields.count == 6 && normalizedFields[5] == "*" {
            normalizedFields.removeLast()  // a `*` year adds nothing
        }
        try checkFires(set, fieldTexts: parts.map(String.init))
        return (set, normalizedFields.joined(separator: " "))
    }

    // MARK: - Fields

    private static func parseField(
        _ text: String, spec: CronFieldSpec, into set: inout CronFieldSet
    ) throws(CronParseError) -> String {
        if spec.kind == .year && set.years == nil { set.years = CronYearSet() }
        var out: [String] = []
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !element.isEmpty else {
                throw fieldError(spec, text, "empty list element")
            }
            out.append(try parseElement(String(element), spec: spec, fieldText: text, into: &set))
        }
        return out.joined(separator: ",")
    }

    private static func fieldError(_ spec: CronFieldSpec, _ fieldText: String, _ detail: String) -> CronParseError {
        CronParseError(message: "\(spec.name) field '\(fieldText)': \(detail)", field: spec.name)
    }

    private static func number(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.count <= 18, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(s)
    }

    private static func isDigits(_ s: Substring) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// A number or a name, range-checked. Returns the value and its canonical spelling.
    private static func atom(
        _ s: Substring, spec: CronFieldSpec, fieldText: String, show: (Substring) -> String
    ) throws(CronParseError) -> (value: Int, text: String) {
        if isDigits(s) {
            guard let n = number(s), n >= spec.min, n <= spec.max else {
                let shown = s.count <= 18 ? String(Int(s)!) : String(s)
                throw fieldError(spec, fieldText, "value \(shown) out of range \(spec.min)-\(spec.max)")
            }
            return (n, String(n))
        }
        if let v = spec.names[String(s)] { return (v, String(s)) }
        if s.isEmpty {
            throw fieldError(spec, fieldText, "missing value (expected \(spec.expected))")
        }
        throw fieldError(spec, fieldText, "invalid value '\(show(s))' (expected \(spec.expected))")
    }

    private static func insert(_ value: Int, spec: CronFieldSpec, into set: inout CronFieldSet) {
        switch spec.kind {
        case .minute: set.minutes |= UInt64(1) << UInt64(value)
        case .hour: set.hours |= UInt32(1) << UInt32(value)
        case .dayOfMonth: set.days |= UInt32(1) << UInt32(value)
        case .month: set.months |= UInt16(1) << UInt16(value)
        case .dayOfWeek: set.weekdays |= UInt8(1) << UInt8(value % 7)
        case .year: set.years!.insert(value)
        }
    }

    /// Upper-cases ASCII letters only, so the UTF-8 layout (and offsets) stay the same.
    private static func asciiUppercased(_ s: String) -> String {
        String(decoding: s.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
    }

    private static func parseElement(
        _ original: String, spec: CronFieldSpec, fieldText: String, into set: inout CronFieldSet
    ) throws(CronParseError) -> String {
        let upper = asciiUppercased(original)
        let e = Substring(upper)
        // The original spelling of a token of `e`, for error messages.
        let show = { (token: Substring) -> String in
            let a = upper.utf8.distance(from: upper.startIndex, to: token.startIndex)
            let b = upper.utf8.distance(from: upper.startIndex, to: token.endIndex)
            let u = original.utf8
            return String(decoding: u[u.index(u.startIndex, offsetBy: a)..<u.index(u.startIndex, offsetBy: b)], as: UTF8.self)
        }
        let o = original
        let looksSpecial = e.utf8.contains(UInt8(ascii: "#")) || e == "L" || e == "LW" || e.hasPrefix("L-")
            || (e.count > 1 && (e.hasSuffix("W") || e.hasSuffix("L"))
                && (isDigits(e.dropLast()) || spec.names[String(e.dropLast())] != nil))

        switch spec.kind {
        case .dayOfMonth:
            if e == "L" { set.lastDayOffsets |= 1; return "L" }
            if e == "LW" { set.lastWeekdayOfMonth = true; return "LW" }
            if e.hasPrefix("L-") {
                let rest = e.dropFirst(2)
                guard isDigits(rest) else {
                    throw fieldError(spec, fieldText, "invalid offset in '\(o)' (expected L-n with n 0-30)")
                }
                guard let n = number(rest), n <= 30 else {
                    throw fieldError(spec, fieldText, "offset \(rest) in '\(o)' out of range 0-30")
                }
                set.lastDayOffsets |= UInt32(1) << UInt32(n)
                return n == 0 ? "L" : "L-\(n)"
            }
            if e.count > 1 && e.hasSuffix("W") {
                let body = e.dropLast()
                guard isDigits(body) else {
                    throw fieldError(spec, fieldText, "invalid value '\(o)' (expected nW with n 1-31, or LW)")
                }
                guard let n = number(body), n >= 1, n <= 31 else {
                    throw fieldError(spec, fieldText, "value \(body) in '\(o)' out of range 1-31")
                }
                set.nearestWeekday |= UInt32(1) << UInt32(n)
                return "\(n)W"
            }
            if e.utf8.contains(UInt8(ascii: "#")) || (e.count > 1 && e.hasSuffix("L")) {
                throw fieldError(spec, fieldText, "'\(o)' is day-of-week syntax ('#' and 'nL' are only allowed in day-of-week)")
            }
        case .dayOfWeek:
            if let hash = e.firstIndex(of: "#") {
                let (w, wText) = try atom(e[..<hash], spec: spec, fieldText: fieldText, show: show)
                let rest = e[e.index(after: hash)...]
                guard isDigits(rest), let k = number(rest) else {
                    throw fieldError(spec, fieldText, "invalid occurrence in '\(o)' (expected w#n with n 1-5)")
                }
                guard k >= 1 && k <= 5 else {
                    throw fieldError(spec, fieldText, "occurrence \(k) in '\(o)' out of range 1-5")
                }
                set.nthWeekdays |= UInt64(1) << UInt64((k - 1) * 7 + w % 7)
                return "\(wText)#\(k)"
            }
            if e == "L" {
                throw fieldError(spec, fieldText, "'L' needs a weekday in day-of-week, e.g. '5L' for the last Friday of the month")
            }
            if e.count > 1 && e.hasSuffix("L") {
                let (w, wText) = try atom(e.dropLast(), spec: spec, fieldText: fieldText, show: show)
                set.lastWeekdays |= UInt8(1) << UInt8(w % 7)
                return "\(wText)L"
            }
            if e == "LW" || e.hasPrefix("L-") || (e.count > 1 && e.hasSuffix("W") && isDigits(e.dropLast())) {
                throw fieldError(spec, fieldText, "'\(o)' is day-of-month syntax ('L-n', 'LW' and 'W' are only allowed in day-of-month)")
            }
        default:
            if looksSpecial {
                throw fieldError(spec, fieldText, "'\(o)' uses L/W/# syntax, which is only allowed in day-of-month and day-of-week")
            }
        }

        var base = e
        var step = 1
        var hasStep = false
        if let slash = e.firstIndex(of: "/") {
            base = e[..<slash]
            let stepText = e[e.index(after: slash)...]
            guard isDigits(stepText) else {
                throw fieldError(spec, fieldText, "invalid step '\(show(stepText))' in '\(o)' (expected a positive number)")
            }
            let maxStep = spec.wildcardMax - spec.min + 1
            guard let n = number(stepText), n >= 1, n <= maxStep else {
                let shown = stepText.count <= 18 ? String(Int(stepText)!) : String(stepText)
                if shown == "0" {
                    throw fieldError(spec, fieldText, "step 0 in '\(o)' must be at least 1")
                }
                throw fieldError(spec, fieldText, "step \(shown) in '\(o)' out of range 1-\(maxStep)")
            }
            step = n
            hasStep = true
        }

        if base == "*" || base == "?" {
            if base == "?" && spec.kind != .dayOfMonth && spec.kind != .dayOfWeek {
                throw fieldError(spec, fieldText, "'?' is only allowed in day-of-month and day-of-week")
            }
            for v in stride(from: spec.min, through: spec.wildcardMax, by: step) {
                insert(v, spec: spec, into: &set)
            }
            return step == 1 ? "*" : "*/\(step)"
        }
        if base.isEmpty {
            throw fieldError(spec, fieldText, "missing value before '/' in '\(o)'")
        }
        if let dash = base.firstIndex(of: "-") {
            let (lo, loText) = try atom(base[..<dash], spec: spec, fieldText: fieldText, show: show)
            let (hi0, hiText) = try atom(base[base.index(after: dash)...], spec: spec, fieldText: fieldText, show: show)
            var hi = hi0
            if spec.kind == .dayOfWeek && hi == 0 && lo > 0 { hi = 7 }  // FRI-SUN
            guard lo <= hi else {
                throw fieldError(spec, fieldText, "range '\(show(base))' goes backwards (\(loText) is after \(hiText))")
            }
            for v in stride(from: lo, through: hi, by: step) { insert(v, spec: spec, into: &set) }
            return "\(loText)-\(hiText)" + (step == 1 ? "" : "/\(step)")
        }
        let (v, vText) = try atom(base, spec: spec, fieldText: fieldText, show: show)
        if hasStep {
            for x in stride(from: v, through: Swift.max(v, spec.wildcardMax), by: step) {
                insert(x, spec: spec, into: &set)
            }
            return "\(vText)/\(step)"
        }
        insert(v, spec: spec, into: &set)
        return vText
    }

    // MARK: - Never-fires check

    private static func checkFires(_ set: CronFieldSet, fieldTexts: [String]) throws(CronParseError) {
        guard set.dayOfMonthRestricted || set.dayOfWeekRestricted else { return }
        let candidateYears: [Int]
        if let years = set.years {
            candidateYears = years.all
        } else {
            // 2000-2027 holds every (leap, weekday of January 1st) combination.
            candidateYears = Array(2000..<2028)
        }
        for y in candidateYears {
            for m in 1...12 where set.months & (UInt16(1) << UInt16(m)) != 0 {
                if set.dayMask(year: y, month: m) != 0 { return }
            }
        }
        let inYears = set.years == nil ? "" : " of year field '\(fieldTexts[5])'"
        if set.dayOfMonthRestricted && set.dayOfWeekRestricted {
            throw CronParseError(
                message: "expression never fires: neither day-of-month field '\(fieldTexts[2])' nor day-of-week field '\(fieldTexts[4])' matches a day in month field '\(fieldTexts[3])'\(inYears)",
                field: nil)
        }
        let spec: CronFieldSpec = set.dayOfMonthRestricted ? .dayOfMonth : .dayOfWeek
        let text = set.dayOfMonthRestricted ? fieldTexts[2] : fieldTexts[4]
        throw CronParseError(
            message: "\(spec.name) field '\(text)': never matches an existing day in month field '\(fieldTexts[3])'\(inYears), so the expression never fires",
            field: spec.name)
    }

    // MARK: - @every durations

    /// Parses `90s`, `5m`, `1h30m`, `2h`, `1d` … into whole seconds (at least 1).
    static func parseDuration(_ text: String) throws(CronParseError) -> Int {
        func fail(_ detail: String) -> CronParseError {
            CronParseError(message: "@every duration '\(text)': \(detail)", field: nil)
        }
        guard !text.isEmpty else {
            throw CronParseError(message: "@every needs a duration, e.g. '@every 90s' or '@every 1h30m'", field: nil)
        }
        let units: [(Character, Int)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        var total = 0
        var nextUnit = 0  // units must appear in the order d, h, m, s, each at most once
        var digits = ""
        var iterator = Array(text).makeIterator()
        var pending = iterator.next()
        while let ch = pending {
            pending = iterator.next()
            if ch.isASCII && ch.isNumber { digits.append(ch); continue }
            if ch == "m" && pending == "s" {
                throw fail("sub-second units are not supported; the minimum is 1s")
            }
            guard let idx = units.firstIndex(where: { $0.0 == ch }) else {
                throw fail("unknown unit '\(ch)' (expected d, h, m or s)")
            }
            guard !digits.isEmpty else { throw fail("missing number before '\(ch)'") }
            guard idx >= nextUnit else { throw fail("units must appear once each, in the order d, h, m, s") }
            guard digits.count <= 12, let n = Int(digits) else { throw fail("value \(digits)\(ch) is too large") }
            total += n * units[idx].1
            guard total <= 1_000_000 * 86_400 else { throw fail("duration is too large") }
            nextUnit = idx + 1
            digits = ""
        }
        guard digits.isEmpty else { throw fail("missing unit after '\(digits)' (expected d, h, m or s)") }
        guard total >= 1 else { throw fail("must be at least 1s") }
        return total
    }
}
