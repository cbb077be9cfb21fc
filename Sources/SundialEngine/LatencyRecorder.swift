/// The most recent latency samples of one kind (microseconds), summarized on demand. A
/// bounded ring, so a server that runs for months reports its recent behaviour in fixed
/// memory.
struct LatencyRecorder {
    static let capacity = 65_536

    private var samples: [Int64] = []
    private var nextSlot = 0
    private(set) var count = 0

    mutating func record(_ microseconds: Int64) {
        count += 1
        if samples.count < Self.capacity {
            samples.append(microseconds)
        } else {
            samples[nextSlot] = microseconds
            nextSlot = (nextSlot + 1) % Self.capacity
        }
    }

    var summary: LatencySummary {
        guard !samples.isEmpty else { return LatencySummary(count: count) }
        let sorted = samples.sorted()
        func percentile(_ p: Double) -> Int64 {
            sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
        }
        return LatencySummary(
            count: count, min: sorted.first!, max: sorted.last!,
            mean: sorted.reduce(0.0) { $0 + Double($1) } / Double(sorted.count),
            p50: percentile(0.50), p75: percentile(0.75), p95: percentile(0.95), p99: percentile(0.99), p999: percentile(0.999))
    }
}

/// Percentiles of recent samples, in microseconds.
public struct LatencySummary: Sendable {
    /// Samples recorded since start (the percentiles cover the latest 65,536).
    public var count: Int
    public var min: Int64 = 0
    public var max: Int64 = 0
    public var mean: Double = 0
    public var p50: Int64 = 0
    public var p75: Int64 = 0
    public var p95: Int64 = 0
    public var p99: Int64 = 0
    public var p999: Int64 = 0
}
