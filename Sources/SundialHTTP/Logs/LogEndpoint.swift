import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import ServiceLifecycle
import SundialCore
import SundialEngine

/// `GET /v1/jobs/{job}/runs/{run}/logs/{stdout|stderr}`: a task's output by byte range, as
/// its last N lines, or followed while the task writes (docs/api.md). Bodies are streamed
/// in chunks from the file, so a gigabyte log never sits in memory.
struct LogEndpoint: Sendable {
    let engine: Engine
    /// Where sandboxes live; nil when this server keeps no logs of its own.
    let layout: SandboxLayout?
    /// How often a follow looks for new bytes and for the task's end.
    var pollInterval: Duration = .milliseconds(200)

    func respond(_ request: RoutedRequest, job: JobID, runID: String, stream: LogStream) async -> Response {
        guard await engine.job(job) != nil else { return MetronomeErrors.response(for: .jobNotFound(job)) }
        guard let run = await engine.run(job, RunID(trusted: runID)) else { return MetronomeErrors.response(for: .runNotFound(job, runID)) }
        let query: LogQuery
        do { query = try LogQuery.parse(request.query) } catch {
            return MetronomeErrors.framework(.badRequest, error.message, path: request.path)
        }
        guard let taskID = query.task ?? run.tasks.last?.id, let layout else { return Self.logNotFound() }
        guard let task = run.tasks.first(where: { $0.id == taskID }) else {
            return HTTPReply.json(.notFound, JSONObject(["id": .string(taskID), "message": "Task not found"]))
        }
        let path = layout.logFile(job, run.id, task: taskID, stream: stream)
        let file = LogFile(path: path)
        // A task still being staged has no file yet: that is an empty log, not a missing one.
        if file == nil, run.status.isTerminal || task.status.isTerminal { return Self.logNotFound() }

        let size = file?.size() ?? 0
        let window: LogWindow
        switch query.selection {
        case .range(let offset, let length):
            window = LogWindow.range(offset: offset, length: length, size: size)
        case .tail(let lines):
            do {
                let start = try await NIOThreadPool.singleton.runIfActive {
                    try LogTail.start(lines: lines, size: size) { offset, count in try file?.read(at: offset, count: count) ?? [] }
                }
                window = LogWindow(start: start, end: size)
            } catch {
                return MetronomeErrors.message(.internalServerError, "\(error)")
            }
        }

        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentTypeOptions] = "nosniff"
        headers[.sundialLogSize] = String(size)
        headers[.sundialLogOffset] = String(window.start)
        headers[.sundialTaskID] = taskID
        let body: ResponseBody
        if query.follow {
            let follower = LogFollower(engine: engine, job: job, run: run.id, task: taskID, path: path, pollInterval: pollInterval)
            let channel = request.channel
            body = ResponseBody { writer in
                try await PeerClosureWatcher.watching(channel) { clientIsGone in
                    try await follower.stream(from: window.start, file: file, into: &writer, until: clientIsGone)
                }
                try await writer.finish(nil)
            }
        } else {
            body = ResponseBody(contentLength: Int(window.length)) { writer in
                if let file { try await Self.copy(file, window, into: &writer) }
                try await writer.finish(nil)
            }
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func logNotFound() -> Response { MetronomeErrors.message(.notFound, "Log not found") }

    /// Sends the window's bytes in chunks.
    static func copy(_ file: LogFile, _ window: LogWindow, into writer: inout any ResponseBodyWriter) async throws {
        var position = window.start
        while position < window.end {
            let count = Int(min(Int64(LogFile.chunkSize), window.end - position))
            let bytes = try await file.readOffThread(at: position, count: count)
            // The length was promised in Content-Length; a file that shrank breaks that
            // promise, and the only honest answer left is to abort the response.
            guard bytes.count == count else { throw LogReadError(errno: EIO) }
            try await writer.write(ByteBuffer(bytes: bytes))
            position += Int64(count)
        }
    }
}

extension HTTPFields.Element.Name {
    static let sundialLogSize = Self("X-Sundial-Log-Size")!
    static let sundialLogOffset = Self("X-Sundial-Log-Offset")!
    static let sundialTaskID = Self("X-Sundial-Task-Id")!
    static let contentTypeOptions = Self("X-Content-Type-Options")!
}

/// Streams a log from an offset, then whatever the task appends, until the task has ended
/// and the file is drained (or the server shuts down, or the client goes away).
struct LogFollower: Sendable {
    let engine: Engine
    let job: JobID
    let run: RunID
    let task: String
    let path: String
    let pollInterval: Duration

    /// `clientIsGone` is asked between polls: a silent task gives no write that could fail.
    func stream(
        from start: Int64, file: LogFile?, into writer: inout any ResponseBodyWriter, until clientIsGone: @Sendable () -> Bool
    ) async throws {
        var file = file
        var position = start
        while true {
            // Asked before reading, so that every byte written before the end is sent.
            let ended = await taskEnded()
            if file == nil { file = LogFile(path: path) }
            if let file {
                let size = file.size()
                while position < size {
                    let bytes = try await file.readOffThread(at: position, count: Int(min(Int64(LogFile.chunkSize), size - position)))
                    if bytes.isEmpty { break }
                    try await writer.write(ByteBuffer(bytes: bytes))
                    position += Int64(bytes.count)
                }
            }
            if ended || Task.isShuttingDownGracefully || Task.isCancelled || clientIsGone() { return }
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// The task ended when the engine says so, or when its run (or job) is gone.
    func taskEnded() async -> Bool {
        guard let current = await engine.run(job, run), let record = current.tasks.first(where: { $0.id == task }) else { return true }
        return record.status.isTerminal || current.status.isTerminal
    }
}
