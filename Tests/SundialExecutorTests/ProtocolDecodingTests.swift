import Testing

@testable import SundialExecutor

/// How the server reads the executor's frames (protocol.h): the start time a launch reply
/// carries, and what a newer executor may add without breaking an older server.
@Suite("sundial-executor protocol: decoding replies")
struct ProtocolDecodingTests {
    func frame(_ type: Character, _ fields: [String]) -> [UInt8] {
        var body = [UInt8(ascii: type.unicodeScalars.first!)]
        for field in fields { body += Array(field.utf8) + [0] }
        return withUnsafeBytes(of: UInt32(body.count).littleEndian) { Array($0) } + body
    }

    @Test func aLaunchReplyCarriesTheStartTime() throws {
        var buffer = frame("l", ["t1", "42", "1795262749938069"])
        let messages = try #require(ExecutorProtocol.decode(&buffer))
        #expect(messages == [.launched(taskID: "t1", pid: 42, startedAtMicroseconds: 1_795_262_749_938_069)])
        #expect(buffer.isEmpty)
    }

    @Test func aLaunchReplyWithoutOneIsStillALaunch() throws {
        // An executor started by an older server keeps running across the upgrade.
        var buffer = frame("l", ["t1", "42"])
        #expect(ExecutorProtocol.decode(&buffer) == [.launched(taskID: "t1", pid: 42, startedAtMicroseconds: nil)])
    }

    @Test func fieldsAndFramesANewerExecutorAddsAreIgnored() throws {
        var buffer = frame("l", ["t1", "42", "7", "something new"]) + frame("z", ["whatever"])
            + frame("e", ["t1", "exited", "3", "0", "more"]) + frame("q", ["t2", "running", "9", "more"])
        #expect(ExecutorProtocol.decode(&buffer) == [
            .launched(taskID: "t1", pid: 42, startedAtMicroseconds: 7),
            .exited(taskID: "t1", .exited(3)),
            .state(taskID: "t2", .running(pid: 9)),
        ])
    }

    @Test func aMalformedKnownFrameIsAProtocolError() {
        var buffer = frame("l", ["t1", "not a pid"])
        #expect(ExecutorProtocol.decode(&buffer) == nil)
        var short = frame("e", ["t1", "exited"])
        #expect(ExecutorProtocol.decode(&short) == nil)
    }

    @Test func anIncompleteFrameWaitsForTheRest() throws {
        let whole = frame("l", ["t1", "42", "7"])
        var buffer = Array(whole.prefix(whole.count - 3))
        #expect(ExecutorProtocol.decode(&buffer) == [])
        #expect(buffer.count == whole.count - 3)
    }
}
