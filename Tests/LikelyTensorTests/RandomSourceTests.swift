import LikelyTensor
import Testing

struct RandomSourceTests {
    @Test func sameSeedSameStream() {
        var a = RandomSource(seed: 42), b = RandomSource(seed: 42)
        #expect((0..<100).map { _ in a.uniform() } == (0..<100).map { _ in b.uniform() })
    }

    @Test func differentSeedsDiffer() {
        var a = RandomSource(seed: 1), b = RandomSource(seed: 2)
        #expect((0..<10).map { _ in a.uniform() } != (0..<10).map { _ in b.uniform() })
    }

    @Test func copiesContinueIndependently() {
        var a = RandomSource(seed: 9)
        _ = a.uniform()
        var b = a
        let fromA = (0..<5).map { _ in a.uniform() }
        let fromB = (0..<5).map { _ in b.uniform() }
        #expect(fromA == fromB)
    }

    @Test func keyedStreamsAreReproducibleAndDistinct() {
        var s1 = RandomSource(seed: 5, stream: 3), s2 = RandomSource(seed: 5, stream: 3), s3 = RandomSource(seed: 5, stream: 4)
        let x1 = (0..<5).map { _ in s1.uniform() }
        #expect(x1 == (0..<5).map { _ in s2.uniform() })
        #expect(x1 != (0..<5).map { _ in s3.uniform() })
    }

    @Test func splitGivesAnIndependentChild() {
        var parent = RandomSource(seed: 11)
        var child = parent.split()
        #expect((0..<5).map { _ in parent.uniform() } != (0..<5).map { _ in child.uniform() })
    }

    @Test func integersPermutationsAndMasks() {
        var r = RandomSource(seed: 4)
        let ints = (0..<1000).map { _ in r.integer(in: 3..<7) }
        #expect(ints.allSatisfy { (3..<7).contains($0) })
        #expect(Set(ints) == [3, 4, 5, 6])
        let p = r.permutation(50)
        #expect(p.sorted() == Array(0..<50))
        #expect(p != Array(0..<50))
        let mask = r.bernoulliMask(count: 10_000, probability: 0.3)
        let mean = mask.reduce(0, +) / 10_000
        // within 4 standard errors of 0.3 (√(0.21/10000) ≈ 0.0046)
        #expect(Swift.abs(mean - 0.3) < 4 * 0.0046)
    }
}
