/// Finds where the last N lines of a file begin by reading it backwards in blocks, so the
/// last lines of a gigabyte log cost a few blocks of memory, not the file.
public enum LogTail {
    public static let defaultBlockSize = 64 * 1024

    /// The byte offset at which the last `lines` lines of a `size`-byte file start, like
    /// `tail -n`: a newline ending the file closes the last line rather than starting an
    /// empty one. `read(offset, count)` returns the bytes at that offset.
    public static func start(
        lines: Int, size: Int64, blockSize: Int = defaultBlockSize,
        read: (_ offset: Int64, _ count: Int) throws -> [UInt8]
    ) rethrows -> Int64 {
        guard lines > 0 else { return size }
        guard size > 0 else { return 0 }
        let newline = UInt8(ascii: "\n")
        // Newlines still to pass before the answer's first line starts.
        var remaining = lines
        // Everything before `end` is still unread; the file's final byte is skipped when it
        // is a newline, because it ends the last line instead of separating two.
        var end = size
        var skipFinalNewline = true
        while end > 0 {
            let count = Int(min(Int64(max(blockSize, 1)), end))
            let blockStart = end - Int64(count)
            let block = try read(blockStart, count)
            guard block.count == count else { return end }  // The file shrank: answer from here.
            var index = count - 1
            if skipFinalNewline {
                skipFinalNewline = false
                if block[index] == newline {
                    if index == 0 {
                        end = blockStart
                        continue
                    }
                    index -= 1
                }
            }
            while index >= 0 {
                if block[index] == newline {
                    remaining -= 1
                    if remaining == 0 { return blockStart + Int64(index) + 1 }
                }
                index -= 1
            }
            end = blockStart
        }
        return 0
    }
}
