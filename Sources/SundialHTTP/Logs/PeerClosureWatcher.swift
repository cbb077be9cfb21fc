import NIOCore
import Synchronization

/// Notices that the client of a long answer has gone. Hummingbird allows half-closed
/// connections, so a client that disconnects only closes the input side: the channel stays
/// active, and a follow of a silent task would have no write to fail on. This handler sits
/// first in the pipeline for the duration of a follow and records the input closing.
final class PeerClosureWatcher: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    private let closed = Atomic<Bool>(false)

    var peerClosed: Bool { closed.load(ordering: .relaxed) }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { closed.store(true, ordering: .relaxed) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed.store(true, ordering: .relaxed)
        context.fireChannelInactive()
    }

    /// Watches `channel` while `body` runs.
    static func watching<T>(_ channel: (any Channel)?, _ body: (_ clientIsGone: @Sendable () -> Bool) async throws -> T) async throws -> T {
        guard let channel else { return try await body { false } }
        let watcher = PeerClosureWatcher()
        do { try await channel.pipeline.addHandler(watcher, position: .first).get() } catch {
            return try await body { !channel.isActive }
        }
        defer { channel.pipeline.removeHandler(watcher, promise: nil) }
        return try await body { watcher.peerClosed || !channel.isActive }
    }
}
