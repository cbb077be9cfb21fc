import Foundation
import Testing
import SundialCore

@Suite("Cron parsing")
struct CronParseTests {
    // MARK: Normalization

    @Test(arguments: [
        ("*/1 * * * *", "* * * * *"),
        ("* * * * *", "* * * * *"),
        ("  0   9  *  *  1-5  ", "0 9 * * 1-5"),
        ("0\t9 * * 1-5", "0 9 * * 1-5"),
        ("00 09 01 01 00", "0 9 1 1 0"),
        ("0 0 ? * MON", "0 0 * * MON"),
        ("0 0 1 * ?", "0 0 1 * *"),
        ("0 0 * jan-mar,Dec mon-fri", "0 0 * JAN-MAR,DEC MON-FRI"),
        ("*/15 0-23/1 1-31/2 */1 *", "*/15 0-23 1-31/2 * *"),
        ("5/15 * * * *", "5/15 * * * *"),
        ("10-40/7 * * * *", "10-40/7 * * * *"),
        ("0 0 l * *", "0 0 L * *"),
        ("0 0 L-0 * *", "0 0 L * *"),
        ("0 0 L-3 * *", "0 0 L-3 * *"),
        ("0 0 lw * *", "0 0 LW * *"),
        ("0 0 15w * *", "0 0 15W * *"),
        ("0 0 * * 5l", "0 0 * * 5L"),
        ("0 0 * * fri#3", "0 0 * * FRI#3"),
        ("0 0 * * 5#3,1L", "0 0 * * 5#3,1L"),
        ("0 0 1 1 * 2030", "0 0 1 1 * 2030"),
        ("0 0 1 1 * 2030-2040/5", "0 0 1 1 * 2030-2040/5"),
        ("0 0 1 1 * *", "0 0 1 1 *"),
        ("@daily", "@daily"),
        ("@DAILY", "@daily"),
        ("@midnight", "@midnight"),
        ("@annually", "@annually"),
        ("@yearly", "@yearly"),
        ("@monthly", "@monthly"),
        ("@weekly", "@weekly"),
        ("@hourly", "@hourly"),
        ("@every 90s", "@every 90s"),
        ("@every 1H30M", "@every 1h30m"),
    ])
    func normalization(input: String, expected: String) throws {
        let e = try CronExpression.parse(input)
        #expect(e.normalized == expected)
        #expect(e.description == expected)
        // Canonical text parses to an equal expression.
        #expect(try CronExpression.parse(e.normalized) == e)
    }

    @Test func equalityAndHashing() throws {
        #expect(try CronExpression.parse("*/1 * * * *") == CronExpression.parse("* * * * *"))
        #expect(try CronExpression.parse("0 0 ? * 1") == CronExpression.parse("0 0 * * 1"))
        #expect(try CronExpression.parse("0 0 * * *") != CronExpression.parse("0 1 * * *"))
        let set: Set<CronExpression> = [try .parse("0 0 * * *"), try .parse("00 00 * * *")]
        #expect(set.count == 1)
    }

    // MARK: Syntax features, checked through their fire times (UTC)

    @Test(arguments: [
        // (expression, after, expected next fire)
        ("*/5 * * * *", "2017-10-02T10:03:00Z", "2017-10-02T10:05:00Z"),
        ("5/15 * * * *", "2017-10-02T10:06:00Z", "2017-10-02T10:20:00Z"),
        ("5/15 * * * *", "2017-10-02T10:51:00Z", "2017-10-02T11:05:00Z"),
        ("10-40/7 * * * *", "2017-10-02T10:32:00Z", "2017-10-02T10:38:00Z"),
        ("10-40/7 * * * *", "2017-10-02T10:38:00Z", "2017-10-02T11:10:00Z"),
        ("7,3,59 * * * *", "2017-10-02T10:04:00Z", "2017-10-02T10:07:00Z"),
        ("0 22-23 * * *", "2017-10-02T10:00:00Z", "2017-10-02T22:00:00Z"),
        ("0 0 1 jan,JUL *", "2017-10-02T10:00:00Z", "2018-01-01T00:00:00Z"),
        ("0 0 1 MAR-may/2 *", "2017-10-02T10:00:00Z", "2018-03-01T00:00:00Z"),
        ("0 0 2 MAR-may/2 *", "2018-03-02T00:00:00Z", "2018-05-02T00:00:00Z"),
        ("0 0 * * 7", "2017-10-02T10:00:00Z", "2017-10-08T00:00:00Z"),
        ("0 0 * * 0", "2017-10-02T10:00:00Z", "2017-10-08T00:00:00Z"),
        ("0 0 * * SUN", "2017-10-02T10:00:00Z", "2017-10-08T00:00:00Z"),
        ("0 0 * * sat-sun", "2017-10-02T10:00:00Z", "2017-10-07T00:00:00Z"),
        ("0 0 * * FRI-SUN", "2017-10-07T00:00:00Z", "2017-10-08T00:00:00Z"),
        ("0 0 * * 5-7", "2017-10-08T00:00:00Z", "2017-10-13T00:00:00Z"),
        ("0 0 * * tue-thu", "2017-10-02T10:00:00Z", "2017-10-03T00:00:00Z"),
        // L: last day of the month (leap and non-leap February)
        ("0 0 L * *", "2024-02-10T00:00:00Z", "2024-02-29T00:00:00Z"),
        ("0 0 L * *", "2023-02-10T00:00:00Z", "2023-02-28T00:00:00Z"),
        ("0 0 L * *", "2023-04-30T00:00:00Z", "2023-05-31T00:00:00Z"),
        ("0 0 L-3 * *", "2024-02-01T00:00:00Z", "2024-02-26T00:00:00Z"),
        ("0 0 L-30 * *", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"),
        // LW: last weekday (2025-08-31 is a Sunday -> Friday 29th)
        ("0 0 LW * *", "2025-08-01T00:00:00Z", "2025-08-29T00:00:00Z"),
        // nW: 2025-02-15 is a Saturday -> Friday 14th; 2025-02-01 is a Saturday -> Monday 3rd
        ("0 0 15W * *", "2025-02-01T00:00:00Z", "2025-02-14T00:00:00Z"),
        ("0 0 1W * *", "2025-01-31T00:00:00Z", "2025-02-03T00:00:00Z"),
        // 2025-08-31 is a Sunday: 31W stays in August -> Friday 29th
        ("0 0 31W * *", "2025-08-01T00:00:00Z", "2025-08-29T00:00:00Z"),
        // 2025-06-15 is a Sunday -> Monday 16th
        ("0 0 15W * *", "2025-06-01T00:00:00Z", "2025-06-16T00:00:00Z"),
        // 31W does not fire in months without a 31st (2025-09); 2025-10-31 is a Friday
        ("0 0 31W * *", "2025-09-01T00:00:00Z", "2025-10-31T00:00:00Z"),
        // 5L: last Friday of October 2017 is the 27th; 5#3: third Friday is the 20th
        ("0 0 * * 5L", "2017-10-02T10:00:00Z", "2017-10-27T00:00:00Z"),
        ("0 0 * * FRIL", "2017-10-02T10:00:00Z", "2017-10-27T00:00:00Z"),
        ("0 0 * * 5#3", "2017-10-02T10:00:00Z", "2017-10-20T00:00:00Z"),
        ("0 0 * * fri#3", "2017-10-02T10:00:00Z", "2017-10-20T00:00:00Z"),
        ("0 0 * * 7#1", "2017-10-02T10:00:00Z", "2017-11-05T00:00:00Z"),
        // 5th Monday: October 2017 has Mondays 2, 9, 16, 23, 30
        ("0 0 * * 1#5", "2017-10-02T10:00:00Z", "2017-10-30T00:00:00Z"),
        // Feb 29 only in leap years
        ("0 0 29 2 *", "2017-10-02T10:00:00Z", "2020-02-29T00:00:00Z"),
        ("0 0 29 2 *", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"),
        ("0 0 31 2-3 *", "2017-10-02T10:00:00Z", "2018-03-31T00:00:00Z"),
        ("0 0 20-31 2 *", "2017-10-02T10:00:00Z", "2018-02-20T00:00:00Z"),
        // year field
        ("0 0 1 1 * 2030", "2017-10-02T10:00:00Z", "2030-01-01T00:00:00Z"),
        ("0 12 * * * 2025-2026", "2026-12-31T11:00:00Z", "2026-12-31T12:00:00Z"),
        ("0 0 1 1 * */50", "2017-10-02T10:00:00Z", "2020-01-01T00:00:00Z"),
        // macros
        ("@hourly", "2017-10-02T10:00:00Z", "2017-10-02T11:00:00Z"),
        ("@daily", "2017-10-02T10:00:00Z", "2017-10-03T00:00:00Z"),
        ("@midnight", "2017-10-02T10:00:00Z", "2017-10-03T00:00:00Z"),
        ("@weekly", "2017-10-02T10:00:00Z", "2017-10-08T00:00:00Z"),
        ("@monthly", "2017-10-02T10:00:00Z", "2017-11-01T00:00:00Z"),
        ("@yearly", "2017-10-02T10:00:00Z", "2018-01-01T00:00:00Z"),
        ("@annually", "2017-10-02T10:00:00Z", "2018-01-01T00:00:00Z"),
    ])
    func syntaxFeature(expression: String, after: String, expected: String) throws {
        #expect(try cronNext(expression, after: after) == expected)
    }

    @Test func everyMacroCountsFromTheEpoch() throws {
        let e = try CronExpression.parse("@every 90s")
        let utc = cronZone("UTC")
        #expect(e.nextFire(after: Date(timeIntervalSince1970: 100), in: utc) == Date(timeIntervalSince1970: 180))
        #expect(e.nextFire(after: Date(timeIntervalSince1970: 179.9), in: utc) == Date(timeIntervalSince1970: 180))
        #expect(e.nextFire(after: Date(timeIntervalSince1970: 180), in: utc) == Date(timeIntervalSince1970: 270))
        #expect(e.nextFire(after: Date(timeIntervalSince1970: -100), in: utc) == Date(timeIntervalSince1970: -90))
        // 1h30m = 5400 s; 2017-10-02T10:30:00Z = 1506940200 = 279063 * 5400
        #expect(try cronNext("@every 1h30m", after: "2017-10-02T10:00:00Z") == "2017-10-02T10:30:00Z")
        #expect(try cronNext("@every 2h", after: "2017-10-02T10:00:00Z") == "2017-10-02T12:00:00Z")
        #expect(try cronNext("@every 1d", after: "2017-10-02T10:00:00Z") == "2017-10-03T00:00:00Z")
        #expect(try cronNext("@every 5m", after: "2017-10-02T10:00:00Z") == "2017-10-02T10:05:00Z")
        #expect(try cronNext("@every 1s", after: "2017-10-02T10:00:00Z") == "2017-10-02T10:00:01Z")
        #expect(try cronNext("@every 1d2h3m4s", after: "1970-01-01T00:00:00Z") == "1970-01-02T02:03:04Z")
        // @every ignores the zone and DST: elapsed time only.
        let ny = cronZone("America/New_York")
        let t = cronInstant("2026-03-08T06:59:00Z")
        let h = try CronExpression.parse("@every 1h")
        #expect(h.nextFire(after: t, in: ny) == cronInstant("2026-03-08T07:00:00Z"))
        #expect(h.upcoming(after: t, in: ny, count: 2) == [cronInstant("2026-03-08T07:00:00Z"), cronInstant("2026-03-08T08:00:00Z")])
    }

    @Test func restrictednessOfDayFields() throws {
        // `*`, `?` and `*/1` leave a day field unrestricted; anything else restricts it.
        #expect(try cronNext("0 0 ? * 1", after: "2017-10-03T00:00:00Z") == "2017-10-09T00:00:00Z")
        #expect(try cronNext("0 0 */1 * 1", after: "2017-10-03T00:00:00Z") == "2017-10-09T00:00:00Z")
        #expect(try cronNext("0 0 1 * ?", after: "2017-10-03T00:00:00Z") == "2017-11-01T00:00:00Z")
        // 1-31 is restricted: OR with Monday means every day.
        #expect(try cronNext("0 0 1-31 * 1", after: "2017-10-03T00:00:00Z") == "2017-10-04T00:00:00Z")
        // */2 is restricted: odd days OR Mondays. 2017-10-04 is not odd... 10-05 is; 10-03 00:00 excluded.
        #expect(try cronNext("0 0 */2 * 1", after: "2017-10-03T00:00:00Z") == "2017-10-05T00:00:00Z")
        #expect(try cronNext("0 0 */2 * 1", after: "2017-10-07T00:00:00Z") == "2017-10-09T00:00:00Z")
    }

    // MARK: Errors

    @Test(arguments: [
        // (expression, field, message)
        ("", nil, "empty cron expression (expected 5 or 6 fields or a macro such as @daily)"),
        ("   ", nil, "empty cron expression (expected 5 or 6 fields or a macro such as @daily)"),
        ("* *", nil, "expected 5 or 6 fields, got 2"),
        ("wrong cron", nil, "expected 5 or 6 fields, got 2"),
        ("* * * *", nil, "expected 5 or 6 fields, got 4"),
        ("* * * * * * *", nil, "expected 5 or 6 fields, got 7"),
        ("60 * * * *", "minute", "minute field '60': value 60 out of range 0-59"),
        ("1,2,99 * * * *", "minute", "minute field '1,2,99': value 99 out of range 0-59"),
        ("* 24 * * *", "hour", "hour field '24': value 24 out of range 0-23"),
        ("0 0 32 * *", "day-of-month", "day-of-month field '32': value 32 out of range 1-31"),
        ("0 0 0 * *", "day-of-month", "day-of-month field '0': value 0 out of range 1-31"),
        ("0 0 * 13 *", "month", "month field '13': value 13 out of range 1-12"),
        ("0 0 * 0 *", "month", "month field '0': value 0 out of range 1-12"),
        ("0 0 * * 8", "day-of-week", "day-of-week field '8': value 8 out of range 0-7"),
        ("0 0 * * * 1969", "year", "year field '1969': value 1969 out of range 1970-2199"),
        ("0 0 * * * 2200", "year", "year field '2200': value 2200 out of range 1970-2199"),
        ("0 0 * * * ?", "year", "year field '?': '?' is only allowed in day-of-month and day-of-week"),
        ("0 0 * foo *", "month", "month field 'foo': invalid value 'foo' (expected a number 1-12 or a name JAN-DEC)"),
        ("0 0 * * Mon-Xyz", "day-of-week", "day-of-week field 'Mon-Xyz': invalid value 'Xyz' (expected a number 0-7 or a name SUN-SAT, optionally with L or #n)"),
        ("0 0 * * MONDAY", "day-of-week", "day-of-week field 'MONDAY': invalid value 'MONDAY' (expected a number 0-7 or a name SUN-SAT, optionally with L or #n)"),
        ("0 JAN * * *", "hour", "hour field 'JAN': invalid value 'JAN' (expected a number 0-23)"),
        ("a * * * *", "minute", "minute field 'a': invalid value 'a' (expected a number 0-59)"),
        ("-5 * * * *", "minute", "minute field '-5': missing value (expected a number 0-59)"),
        ("5- * * * *", "minute", "minute field '5-': missing value (expected a number 0-59)"),
        ("1-2-3 * * * *", "minute", "minute field '1-2-3': invalid value '2-3' (expected a number 0-59)"),
        ("*/0 * * * *", "minute", "minute field '*/0': step 0 in '*/0' must be at least 1"),
        ("*/61 * * * *", "minute", "minute field '*/61': step 61 in '*/61' out of range 1-60"),
        ("0 */25 * * *", "hour", "hour field '*/25': step 25 in '*/25' out of range 1-24"),
        ("*/x * * * *", "minute", "minute field '*/x': invalid step 'x' in '*/x' (expected a positive number)"),
        ("*/ * * * *", "minute", "minute field '*/': invalid step '' in '*/' (expected a positive number)"),
        ("/5 * * * *", "minute", "minute field '/5': missing value before '/' in '/5'"),
        ("1,,2 * * * *", "minute", "minute field '1,,2': empty list element"),
        ("1, * * * *", "minute", "minute field '1,': empty list element"),
        ("0 5-2 * * *", "hour", "hour field '5-2': range '5-2' goes backwards (5 is after 2)"),
        ("0 22-2 * * *", "hour", "hour field '22-2': range '22-2' goes backwards (22 is after 2)"),
        ("0 0 * DEC-jan *", "month", "month field 'DEC-jan': range 'DEC-jan' goes backwards (DEC is after JAN)"),
        ("? * * * *", "minute", "minute field '?': '?' is only allowed in day-of-month and day-of-week"),
        ("0 ? * * *", "hour", "hour field '?': '?' is only allowed in day-of-month and day-of-week"),
        ("0 0 * ? *", "month", "month field '?': '?' is only allowed in day-of-month and day-of-week"),
        ("L * * * *", "minute", "minute field 'L': 'L' uses L/W/# syntax, which is only allowed in day-of-month and day-of-week"),
        ("0 5W * * *", "hour", "hour field '5W': '5W' uses L/W/# syntax, which is only allowed in day-of-month and day-of-week"),
        ("0 0 * 1#2 *", "month", "month field '1#2': '1#2' uses L/W/# syntax, which is only allowed in day-of-month and day-of-week"),
        ("0 0 L-31 * *", "day-of-month", "day-of-month field 'L-31': offset 31 in 'L-31' out of range 0-30"),
        ("0 0 L-x * *", "day-of-month", "day-of-month field 'L-x': invalid offset in 'L-x' (expected L-n with n 0-30)"),
        ("0 0 0W * *", "day-of-month", "day-of-month field '0W': value 0 in '0W' out of range 1-31"),
        ("0 0 32W * *", "day-of-month", "day-of-month field '32W': value 32 in '32W' out of range 1-31"),
        ("0 0 1-5W * *", "day-of-month", "day-of-month field '1-5W': invalid value '1-5W' (expected nW with n 1-31, or LW)"),
        ("0 0 5#2 * *", "day-of-month", "day-of-month field '5#2': '5#2' is day-of-week syntax ('#' and 'nL' are only allowed in day-of-week)"),
        ("0 0 5L * *", "day-of-month", "day-of-month field '5L': '5L' is day-of-week syntax ('#' and 'nL' are only allowed in day-of-week)"),
        ("0 0 * * 5#6", "day-of-week", "day-of-week field '5#6': occurrence 6 in '5#6' out of range 1-5"),
        ("0 0 * * 5#0", "day-of-week", "day-of-week field '5#0': occurrence 0 in '5#0' out of range 1-5"),
        ("0 0 * * 5#", "day-of-week", "day-of-week field '5#': invalid occurrence in '5#' (expected w#n with n 1-5)"),
        ("0 0 * * 8#1", "day-of-week", "day-of-week field '8#1': value 8 out of range 0-7"),
        ("0 0 * * 8L", "day-of-week", "day-of-week field '8L': value 8 out of range 0-7"),
        ("0 0 * * L", "day-of-week", "day-of-week field 'L': 'L' needs a weekday in day-of-week, e.g. '5L' for the last Friday of the month"),
        ("0 0 * * 15W", "day-of-week", "day-of-week field '15W': '15W' is day-of-month syntax ('L-n', 'LW' and 'W' are only allowed in day-of-month)"),
        ("0 0 * * LW", "day-of-week", "day-of-week field 'LW': 'LW' is day-of-month syntax ('L-n', 'LW' and 'W' are only allowed in day-of-month)"),
        ("99999999999999999999 * * * *", "minute", "minute field '99999999999999999999': value 99999999999999999999 out of range 0-59"),
        // macros
        ("@reboot", nil, "unknown macro '@reboot' (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>)"),
        ("@Foo", nil, "unknown macro '@Foo' (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>)"),
        ("@daily 5", nil, "macro '@daily' takes no arguments"),
        ("@every", nil, "@every needs a duration, e.g. '@every 90s' or '@every 1h30m'"),
        ("@every 0s", nil, "@every duration '0s': must be at least 1s"),
        ("@every 500ms", nil, "@every duration '500ms': sub-second units are not supported; the minimum is 1s"),
        ("@every 5x", nil, "@every duration '5x': unknown unit 'x' (expected d, h, m or s)"),
        ("@every 10", nil, "@every duration '10': missing unit after '10' (expected d, h, m or s)"),
        ("@every h", nil, "@every duration 'h': missing number before 'h'"),
        ("@every 30m1h", nil, "@every duration '30m1h': units must appear once each, in the order d, h, m, s"),
        ("@every 1h 30m", nil, "@every takes one duration, got 2 words"),
    ] as [(String, String?, String)])
    func parseError(expression: String, field: String?, message: String) throws {
        let error = try #require(cronParseError(expression))
        #expect(error.message == message)
        #expect(error.field == field)
        #expect(error.description == message)
    }

    // MARK: Expressions that can never fire

    @Test(arguments: [
        ("0 0 31 2 *", "day-of-month", "day-of-month field '31': never matches an existing day in month field '2', so the expression never fires"),
        ("0 0 30 2 *", "day-of-month", "day-of-month field '30': never matches an existing day in month field '2', so the expression never fires"),
        ("0 0 30-31 2 *", "day-of-month", "day-of-month field '30-31': never matches an existing day in month field '2', so the expression never fires"),
        ("0 0 31 4,6,9,11 *", "day-of-month", "day-of-month field '31': never matches an existing day in month field '4,6,9,11', so the expression never fires"),
        ("0 0 31 feb *", "day-of-month", "day-of-month field '31': never matches an existing day in month field 'feb', so the expression never fires"),
        ("0 0 30 2 ?", "day-of-month", "day-of-month field '30': never matches an existing day in month field '2', so the expression never fires"),
        ("0 0 30W 2 *", "day-of-month", "day-of-month field '30W': never matches an existing day in month field '2', so the expression never fires"),
        ("0 0 29 2 * 2019", "day-of-month", "day-of-month field '29': never matches an existing day in month field '2' of year field '2019', so the expression never fires"),
        // a fifth Monday in February needs a leap year whose February starts on a Monday
        ("0 0 * 2 1#5 2025-2027", "day-of-week", "day-of-week field '1#5': never matches an existing day in month field '2' of year field '2025-2027', so the expression never fires"),
        ("0 0 30 2 1#5 2027", nil, "expression never fires: neither day-of-month field '30' nor day-of-week field '1#5' matches a day in month field '2' of year field '2027'"),
    ] as [(String, String?, String)])
    func neverFiresIsRejected(expression: String, field: String?, message: String) throws {
        let error = try #require(cronParseError(expression))
        #expect(error.message == message)
        #expect(error.field == field)
    }

    @Test(arguments: [
        "0 0 29 2 *", "0 0 31 2-3 *", "0 0 20-31 2 *", "0 0 L 2 *", "0 0 LW 2 *", "0 0 L-27 2 *",
        "0 0 * 2 1#5", "0 0 * 2 1#4", "0 0 31 2 1", "0 0 29 2 * 2028",
    ])
    func possibleDatesAreAccepted(expression: String) {
        #expect(cronParseError(expression) == nil)
    }

    @Test func fifthMondayOfFebruary() throws {
        // 2016-02-01 is a Monday in a leap year -> 2016-02-29 is the fifth Monday.
        #expect(try cronNext("0 0 * 2 1#5", after: "2015-03-01T00:00:00Z") == "2016-02-29T00:00:00Z")
        // OR semantics: Feb 31 never exists, Mondays do.
        #expect(try cronNext("0 0 31 2 1", after: "2017-10-02T10:00:00Z") == "2018-02-05T00:00:00Z")
    }
}
