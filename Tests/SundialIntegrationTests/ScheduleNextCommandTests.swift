import Foundation
import Testing

/// `sundial schedule next` prints what the engine would fire, as RFC 3339 UTC instants.
@Suite struct ScheduleNextCommandTests {
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = SundialServerProcess.sundialBinary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func printsDSTAwareInstants() throws {
        let gap = try run(["schedule", "next", "30 2 * * *", "--timezone", "America/New_York", "--from", "2026-03-07T12:00:00Z", "--count", "2"])
        #expect(gap.status == 0)
        #expect(gap.output == "2026-03-08T07:00:00Z\n2026-03-09T06:30:00Z\n")
        let fold = try run(["schedule", "next", "30 * * * *", "--timezone", "America/New_York", "--from", "2026-11-01T05:00:00Z", "--count", "2"])
        #expect(fold.output == "2026-11-01T05:30:00Z\n2026-11-01T06:30:00Z\n")
    }

    @Test func rejectsBadInputWithAMessage() throws {
        let bad = try run(["schedule", "next", "0 0 31 2 *"])
        #expect(bad.status != 0)
        #expect(bad.output.contains("day-of-month") || bad.output.contains("never"))
        let zone = try run(["schedule", "next", "* * * * *", "--timezone", "Mars/Base"])
        #expect(zone.status != 0)
        #expect(zone.output.contains("Mars/Base"))
    }
}
