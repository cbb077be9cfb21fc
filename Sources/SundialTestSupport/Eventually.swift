/// Polls `condition` until it holds or about `seconds` have passed; returns whether it held.
/// For tests that wait on work the engine does in the background.
public func eventually(within seconds: Double = 5, _ condition: () async -> Bool) async -> Bool {
    let attempts = max(1, Int(seconds * 100))
    for _ in 0..<attempts {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
