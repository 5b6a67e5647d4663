import CGSL
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

    @Test func everyPartOfTheKeyNamesADifferentStream() {
        let base = StreamKey(seed: 7, purpose: .dropout, epoch: 2, example: 5)
        var keys = [base]
        for purpose in StreamKey.Purpose.allCases where purpose != base.purpose {
            var k = base; k.purpose = purpose; keys.append(k)
        }
        var k = base; k.seed = 8; keys.append(k)
        k = base; k.epoch = 3; keys.append(k)
        k = base; k.example = 6; keys.append(k)
        let firsts = keys.map { key -> [UInt32] in var r = RandomSource(key: key); return (0..<4).map { _ in r.next32() } }
        #expect(Set(firsts).count == keys.count)
    }

    /// GSL given the documented state draws what numpy's own MT19937 draws from it
    /// (Fixtures/stream_outputs.py): the state layout and the twist on the first draw are right.
    @Test func keyedStateMatchesAnIndependentMersenneTwister() {
        let expected: [(StreamKey, [UInt32])] = [
            (StreamKey(seed: 0, purpose: .general), [2035715690, 2846936599, 2743973907, 201348578]),
            (StreamKey(seed: 42, purpose: .dropout, epoch: 3, example: 17), [2984403315, 4012647909, 2866564522, 2188681845]),
            (StreamKey(seed: .max, purpose: .monteCarloDropout, epoch: 0, example: 999_999),
             [4220608677, 3815662233, 404523862, 3629879689]),
        ]
        for (key, outputs) in expected {
            var r = RandomSource(key: key)
            #expect((0..<4).map { _ in r.next32() } == outputs, "key \(key)")
        }
    }

    /// 10⁶ example streams: no two agree on their first two 32-bit outputs. For independent
    /// streams a coincidence has probability C(10⁶, 2)/2⁶⁴ ≈ 3·10⁻⁸; with 32-bit seeds (what
    /// `gsl_rng_set` keeps) about C(10⁶, 2)/2³² ≈ 116 pairs share a whole stream, as the
    /// second half checks.
    @Test func aMillionExampleStreamsNeverCollide() {
        let n = 1_000_000
        let key = StreamKey(seed: 2026, purpose: .dropout, epoch: 1)
        var seen = Set<UInt64>(minimumCapacity: n)
        for i in 0..<n {
            var r = RandomSource(key: key.forExample(i))
            seen.insert(UInt64(r.next32()) << 32 | UInt64(r.next32()))
        }
        #expect(seen.count == n, "\(n - seen.count) pairs of streams share their first two outputs")

        // The same keys folded to 32-bit seeds collide: the test can fail.
        let g = gsl_rng_alloc(likely_gsl_rng_mt19937())!
        defer { gsl_rng_free(g) }
        var folded = Set<UInt64>(minimumCapacity: n)
        for i in 0..<n {
            var h = UInt64(i) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            gsl_rng_set(g, UInt(h & 0xffff_ffff))
            folded.insert(UInt64(gsl_rng_get(g)) << 32 | UInt64(gsl_rng_get(g)))
        }
        #expect(folded.count < n - 50)
    }

    @Test func examplesStreamsAreKeyedRowByRow() {
        let key = StreamKey(seed: 3, purpose: .augmentation, epoch: 4)
        var streams = ExampleStreams(key: key, examples: [9, 2])
        var alone = RandomSource(key: key.forExample(2))
        #expect(streams[1].uniform() == alone.uniform())
        #expect(streams.count == 2)
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
