import Testing
@testable import SundialCore

@Suite struct LogTailTests {
    /// `tail -n` over an in-memory file, read in blocks of `blockSize` bytes.
    func tail(_ text: String, lines: Int, blockSize: Int = 4) -> String {
        let bytes = Array(text.utf8)
        let start = LogTail.start(lines: lines, size: Int64(bytes.count), blockSize: blockSize) { offset, count in
            Array(bytes[Int(offset)..<Int(offset) + count])
        }
        return String(decoding: bytes[Int(start)...], as: UTF8.self)
    }

    @Test(arguments: [1, 2, 3, 4, 7, 64])
    func lastLinesWhateverTheBlockSize(blockSize: Int) {
        let text = "one\ntwo\nthree\nfour\n"
        #expect(tail(text, lines: 1, blockSize: blockSize) == "four\n")
        #expect(tail(text, lines: 2, blockSize: blockSize) == "three\nfour\n")
        #expect(tail(text, lines: 4, blockSize: blockSize) == text)
        #expect(tail(text, lines: 10, blockSize: blockSize) == text)
    }

    @Test func anUnfinishedLastLineCountsAsALine() {
        #expect(tail("one\ntwo\nthr", lines: 1) == "thr")
        #expect(tail("one\ntwo\nthr", lines: 2) == "two\nthr")
    }

    @Test func emptyLinesAreLines() {
        #expect(tail("a\n\n\nb\n", lines: 2) == "\nb\n")
        #expect(tail("\n\n\n", lines: 2) == "\n\n")
        #expect(tail("\n", lines: 1, blockSize: 1) == "\n")
    }

    @Test func zeroLinesAndEmptyFiles() {
        #expect(tail("one\ntwo\n", lines: 0) == "")
        #expect(tail("", lines: 3) == "")
    }

    @Test func readsOnlyTheBlocksItNeeds() {
        // A 1 MiB file whose last two lines sit in the last block: one read.
        let bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20) + Array("\nlast\nline\n".utf8)
        var reads = 0
        let start = LogTail.start(lines: 2, size: Int64(bytes.count), blockSize: 4096) { offset, count in
            reads += 1
            return Array(bytes[Int(offset)..<Int(offset) + count])
        }
        #expect(String(decoding: bytes[Int(start)...], as: UTF8.self) == "last\nline\n")
        #expect(reads == 1)
    }

    @Test func aFileThatShrankAnswersFromWhereItWas() {
        let start = LogTail.start(lines: 3, size: 100, blockSize: 10) { _, _ in [] }
        #expect(start == 100)
    }
}

@Suite struct LogWindowTests {
    @Test func wholeFileByDefault() {
        #expect(LogWindow.range(offset: 0, length: nil, size: 10) == LogWindow(start: 0, end: 10))
    }

    @Test func rangesAreClampedToTheFile() {
        #expect(LogWindow.range(offset: 4, length: 3, size: 10) == LogWindow(start: 4, end: 7))
        #expect(LogWindow.range(offset: 8, length: 5, size: 10) == LogWindow(start: 8, end: 10))
        #expect(LogWindow.range(offset: 12, length: nil, size: 10) == LogWindow(start: 10, end: 10))
        #expect(LogWindow.range(offset: 3, length: Int64.max, size: 10) == LogWindow(start: 3, end: 10))
        #expect(LogWindow.range(offset: 3, length: 0, size: 10).length == 0)
    }
}

@Suite struct LogQueryTests {
    @Test func defaultsToTheWholeFileOfTheLatestTask() throws {
        #expect(try LogQuery.parse([]) == LogQuery(task: nil, selection: .range(offset: 0, length: nil), follow: false))
    }

    @Test func readsEveryParameter() throws {
        #expect(try LogQuery.parse([("task", "t1"), ("offset", "5"), ("length", "10")]) == LogQuery(task: "t1", selection: .range(offset: 5, length: 10)))
        #expect(try LogQuery.parse([("tail", "20"), ("follow", "true")]) == LogQuery(selection: .tail(lines: 20), follow: true))
        #expect(try LogQuery.parse([("offset", "7"), ("follow", "1"), ("unrelated", "x")]) == LogQuery(selection: .range(offset: 7, length: nil), follow: true))
    }

    @Test(arguments: [
        [("offset", "-1")], [("offset", "ten")], [("length", "1.5")], [("tail", "-3")], [("tail", "")],
        [("follow", "yes")], [("task", "")], [("tail", "3"), ("offset", "0")], [("tail", "3"), ("length", "9")],
        [("follow", "true"), ("length", "10")],
    ])
    func rejectsContradictionsAndNonsense(_ pairs: [(String, String)]) {
        #expect(throws: LogQueryError.self) { try LogQuery.parse(pairs) }
    }
}
