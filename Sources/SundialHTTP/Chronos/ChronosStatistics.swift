import Foundation
import SundialCore

/// Run-time statistics for `job/stat` and `stats/{percentile}`, from the durations (in
/// milliseconds) of the successful runs the history keeps. Unlike Chronos' in-memory
/// histogram they survive a restart, and `mean` is the mean (Chronos reports the median).
enum ChronosStatistics {
    static let histogramKeys = ["75thPercentile", "95thPercentile", "98thPercentile", "99thPercentile", "median", "mean", "count"]

    static func successDurations(_ history: JobHistory) -> [Double] {
        history.successfulFinishedRuns.map { Double($0.finishedAt.millisecondsSinceEpoch - $0.createdAt.millisecondsSinceEpoch) }.sorted()
    }

    /// Codahale's snapshot quantile: position q·(n+1), interpolated between neighbours.
    static func quantile(_ q: Double, of sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let position = q * Double(sorted.count + 1)
        let index = Int(position)
        if index < 1 { return sorted[0] }
        if index >= sorted.count { return sorted[sorted.count - 1] }
        let lower = sorted[index - 1], upper = sorted[index]
        return lower + (position - position.rounded(.down)) * (upper - lower)
    }

    static func value(_ key: String, of sorted: [Double]) -> Double? {
        switch key {
        case "75thPercentile": quantile(0.75, of: sorted)
        case "95thPercentile": quantile(0.95, of: sorted)
        case "98thPercentile": quantile(0.98, of: sorted)
        case "99thPercentile": quantile(0.99, of: sorted)
        case "median": quantile(0.5, of: sorted)
        case "mean": sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
        case "count": Double(sorted.count)
        default: nil
        }
    }

    /// `MM/dd/yy HH:mm:ss` in UTC.
    static func statTime(_ instant: Instant) -> String {
        let text = instant.rfc3339  // yyyy-MM-ddTHH:mm:ss[.SSS]Z
        let chars = Array(text)
        let year = String(chars[2..<4]), month = String(chars[5..<7]), day = String(chars[8..<10]), time = String(chars[11..<19])
        return "\(month)/\(day)/\(year) \(time)"
    }
}
