import Foundation
import SundialCore

/// How client commands print: aligned tables for people, the server's JSON (indented) for
/// scripts, and instants as RFC 3339 UTC like `sundial schedule next`.
enum Output {
    /// Columns padded to their widest cell, two spaces apart, headers in capitals.
    static func table(_ headers: [String], _ rows: [[String]]) -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (i, cell) in cells.enumerated() {
                let isLast = i == cells.count - 1
                text += isLast ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
            }
            return text
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }

    static func json(_ value: JSONValue) -> String { JSONPrettyWriter.string(value) }

    /// A server timestamp (`2016-07-15T13:02:59.735+0000`) as RFC 3339 UTC, or `N/A`.
    static func instant(_ value: JSONValue?) -> String {
        guard let text = value?.stringValue, let instant = Instant.parse(text) else { return "N/A" }
        return instant.rfc3339
    }

    /// Writes at once, unbuffered: follow output must appear as it arrives.
    static func write(_ bytes: some Sequence<UInt8>) {
        FileHandle.standardOutput.write(Data(bytes))
    }
}
