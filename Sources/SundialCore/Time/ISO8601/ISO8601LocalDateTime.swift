/// The start of an ISO 8601 interval as written: wall-clock fields and an optional offset.
/// Accepts what Joda's `DateTime.parse` accepts in practice: `2008-03-01`, `2008-03`,
/// `2008-03-01T13:00`, `…T13:00:00.45+01:00`, `T05:50Z` (a time alone is on 1970-01-01).
struct ISO8601LocalDateTime {
    var civilMilliseconds: Int64
    var offsetSeconds: Int?

    static func parse(_ text: String) -> ISO8601LocalDateTime? {
        let bytes = Array(text.utf8)
        var i = 0
        func number(_ digits: Int) -> Int? { DecimalDigits.fixedWidth(bytes, &i, count: digits) }
        func peek(_ c: Character) -> Bool { i < bytes.count && bytes[i] == c.asciiValue! }
        var year = 1970, month = 1, day = 1
        if !peek("T") {
            guard let y = number(4) else { return nil }
            year = y
            if peek("-") {
                i += 1
                guard let m = number(2) else { return nil }
                month = m
                if peek("-") {
                    i += 1
                    guard let d = number(2) else { return nil }
                    day = d
                }
            }
        }
        guard (1...12).contains(month), (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, millis = 0
        if peek("T") {
            i += 1
            guard let h = number(2) else { return nil }
            hour = h
            if peek(":") {
                i += 1
                guard let m = number(2) else { return nil }
                minute = m
                if peek(":") {
                    i += 1
                    guard let s = number(2) else { return nil }
                    second = s
                    if peek(".") || peek(",") {
                        i += 1
                        guard let fraction = DecimalDigits.fractionMilliseconds(bytes, &i) else { return nil }
                        millis = fraction
                    }
                }
            }
        }
        guard hour < 24, minute < 60, second < 60 else { return nil }
        var offset: Int?
        if peek("Z") {
            i += 1
            offset = 0
        } else if peek("+") || peek("-") {
            let sign = peek("-") ? -1 : 1
            i += 1
            guard let oh = number(2), oh < 24 else { return nil }
            var om = 0
            if peek(":") { i += 1 }
            if i < bytes.count {
                guard let m = number(2), m < 60 else { return nil }
                om = m
            }
            offset = sign * (oh * 3600 + om * 60)
        }
        guard i == bytes.count else { return nil }
        let days = Int64(CivilCalendar.days(year: year, month: month, day: day))
        let civil = (days * 86_400 + Int64(hour * 3600 + minute * 60 + second)) * 1000 + Int64(millis)
        return ISO8601LocalDateTime(civilMilliseconds: civil, offsetSeconds: offset)
    }
}
