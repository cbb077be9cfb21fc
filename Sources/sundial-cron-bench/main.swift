// Next-fire evaluations per second on one core, through `CompiledSchedule.next(after:)`,
// the function the engine fires with. Usage: sundial-cron-bench [iterations-per-expression]
import Foundation
import SundialCore

@inline(never) func measure(_ expression: String, _ zoneID: String, iterations: Int) -> Double {
    let schedule = try! SchedulePreview.compile(expression: expression, timezone: zoneID)
    // Starting instants spread over 2026 (one every ~15.7 s), so DST transitions are crossed.
    let base: Int64 = 1_767_225_600_000
    var checksum: Int64 = 0
    for i in 0..<10_000 { checksum &+= schedule.next(after: Instant(millisecondsSinceEpoch: base + Int64(i) * 15_700))!.millisecondsSinceEpoch }
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 0..<iterations {
        checksum &+= schedule.next(after: Instant(millisecondsSinceEpoch: base + Int64(i) * 15_700))!.millisecondsSinceEpoch
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let perSecond = Double(iterations) / seconds
    let label = "\(expression) [\(zoneID)]".padding(toLength: 42, withPad: " ", startingAt: 0)
    print("\(label) \(String(format: "%6.0f", seconds / Double(iterations) * 1e9)) ns/eval \(String(format: "%11.0f", perSecond)) evals/s  (checksum \(checksum % 997))")
    return perSecond
}

let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
var rates: [Double] = []
for (expression, zone) in [
    ("*/5 * * * *", "UTC"), ("*/5 * * * *", "America/New_York"),
    ("0 9 * * 1-5", "UTC"), ("0 9 * * 1-5", "America/New_York"),
    ("30 2 * * *", "America/New_York"), ("30 2 * * *", "Europe/London"),
    ("0 0 L * *", "Australia/Lord_Howe"), ("0 9 1-7 * 1-5", "Asia/Kolkata"),
    ("0 12 * * 5#3", "Europe/Rome"), ("0 0 29 2 *", "America/Santiago"),
    ("@every 90s", "America/New_York"),
] {
    rates.append(measure(expression, zone, iterations: iterations))
}
let harmonic = Double(rates.count) / rates.reduce(0) { $0 + 1 / $1 }
print("overall (harmonic mean): \(String(format: "%.0f", harmonic)) evals/s on one core; slowest \(String(format: "%.0f", rates.min()!)) evals/s")
