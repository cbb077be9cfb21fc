import Testing
import SundialCore

@Suite struct ParallelMapTests {
    struct Odd: Error, Equatable { let value: Int }

    @Test(arguments: [0, 1, 1023, 1024, 100_003])
    func keepsOrderAndEveryElement(_ count: Int) {
        let input = Array(0..<count)
        #expect(input.parallelMap { $0 * 3 } == input.map { $0 * 3 })
    }

    @Test func anErrorFromAnyChunkIsThrown() {
        let input = Array(0..<50_000)
        #expect(throws: Odd.self) {
            try input.parallelMap { (value) throws(Odd) -> Int in
                if value == 40_001 { throw Odd(value: value) }
                return value
            }
        }
    }
}
