import Hummingbird
import NIOCore

/// Hummingbird's basic context plus the connection, so a long answer (a followed log) can
/// tell that its client has gone even while it has nothing to write.
public struct SundialRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
