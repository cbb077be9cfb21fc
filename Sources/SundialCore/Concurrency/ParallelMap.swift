import Foundation
import Synchronization

extension Array where Element: Sendable {
    /// `map` spread over every core, in chunks, keeping the order. For start-up work over
    /// every job (decoding 100,000 stored specs, compiling their schedules), which would
    /// otherwise leave all but one core idle while the server is not yet serving.
    public func parallelMap<T: Sendable, E: Error>(
        minimumChunk: Int = 512, _ transform: @Sendable (Element) throws(E) -> T
    ) throws(E) -> [T] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard count >= 2 * minimumChunk, cores > 1 else {
            var out: [T] = []
            out.reserveCapacity(count)
            for element in self { out.append(try transform(element)) }
            return out
        }
        let chunks = Swift.min(cores * 4, (count + minimumChunk - 1) / minimumChunk)
        let results = Mutex<[Int: [T]]>([:])
        let failure = Mutex<E?>(nil)
        self.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let range = (buffer.count * chunk / chunks)..<(buffer.count * (chunk + 1) / chunks)
                var part: [T] = []
                part.reserveCapacity(range.count)
                do throws(E) {
                    for index in range { part.append(try transform(buffer[index])) }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                    return
                }
                results.withLock { $0[chunk] = part }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.withLock { parts in (0..<chunks).flatMap { parts[$0] ?? [] } }
    }
}
