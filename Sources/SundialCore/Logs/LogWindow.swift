/// The bytes `[start, end)` of a log file an answer covers, resolved against the file's size
/// when the answer starts. A range past the end is clamped to the end (an empty answer), so a
/// client polling with "the offset I have read up to" simply gets nothing new.
public struct LogWindow: Sendable, Hashable {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    public var length: Int64 { end - start }

    /// The window for an `offset`/`length` range in a file of `size` bytes.
    public static func range(offset: Int64, length: Int64?, size: Int64) -> LogWindow {
        let start = min(max(offset, 0), size)
        guard let length else { return LogWindow(start: start, end: size) }
        let (sum, overflow) = start.addingReportingOverflow(max(length, 0))
        return LogWindow(start: start, end: overflow ? size : min(sum, size))
    }
}
