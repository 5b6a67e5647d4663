import CGSL

/// The one source of randomness: GSL's Mersenne Twister (mt19937), seeded, passed explicitly
/// (`using random: inout RandomSource`) to whatever draws. There is no global generator; the
/// same seed gives the same stream, bit for bit.
///
/// `RandomSource` is a value: a copy continues independently from the state at the copy.
/// `split()` and `init(seed:stream:)` make independent child streams for parallel work.
public struct RandomSource {
    /// Owns the C generator; copied (with `gsl_rng_clone`) when a shared copy is written to.
    final class Generator {
        let pointer: UnsafeMutablePointer<gsl_rng>
        init(seed: UInt64) {
            likely_gsl_disable_abort()
            pointer = gsl_rng_alloc(likely_gsl_rng_mt19937())
            // mt19937 keeps 32 bits of its seed: fold all 64 bits in.
            gsl_rng_set(pointer, UInt(RandomSource.mix(seed) & 0xffff_ffff))
        }
        init(cloning other: Generator) { pointer = gsl_rng_clone(other.pointer) }
        deinit { gsl_rng_free(pointer) }
    }

    private var generator: Generator
    /// The seed this stream started from.
    public let seed: UInt64

    /// A generator seeded with `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        generator = Generator(seed: seed)
    }

    /// Stream number `stream` of `seed`: independent of the parent and of every other stream,
    /// and the same whichever process or order asks for it (keyed, for example, by an input's index).
    public init(seed: UInt64, stream: UInt64) {
        self.init(seed: RandomSource.mix(seed ^ RandomSource.mix(stream &+ 0x9E37_79B9_7F4A_7C15)))
    }

    /// splitmix64's finaliser: spreads nearby integers over the whole 64-bit range.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Runs `body` with the C generator, for GSL's samplers (`gsl_ran_*`).
    public mutating func withGenerator<Result>(_ body: (UnsafeMutablePointer<gsl_rng>) throws -> Result) rethrows -> Result {
        if !isKnownUniquelyReferenced(&generator) { generator = Generator(cloning: generator) }
        return try body(generator.pointer)
    }

    /// A child stream seeded from this one's next draws; this stream advances.
    public mutating func split() -> RandomSource {
        let high = UInt64(withGenerator { gsl_rng_get($0) }), low = UInt64(withGenerator { gsl_rng_get($0) })
        return RandomSource(seed: (high << 32) ^ low)
    }

    /// A uniform draw from [0, 1).
    public mutating func uniform() -> Double { withGenerator { gsl_rng_uniform($0) } }

    /// A uniform draw from the open interval (0, 1): safe under a logarithm.
    public mutating func uniformPositive() -> Double { withGenerator { gsl_rng_uniform_pos($0) } }

    /// A draw from N(mean, standardDeviation²) (GSL's ziggurat method).
    public mutating func normal(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        mean + withGenerator { gsl_ran_gaussian_ziggurat($0, standardDeviation) }
    }

    /// A uniform integer in `range`.
    public mutating func integer(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "integer(in:) needs a non-empty range, got \(range)")
        return range.lowerBound + Int(withGenerator { gsl_rng_uniform_int($0, UInt(range.count)) })
    }

    /// `count` values, each 1 with probability `probability` and 0 otherwise.
    public mutating func bernoulliMask(count: Int, probability: Double) -> [Float] {
        precondition((0...1).contains(probability), "probability must be in [0, 1], got \(probability)")
        return withGenerator { g in (0..<count).map { _ in gsl_rng_uniform(g) < probability ? 1 : 0 } }
    }

    /// Shuffles `array` in place (Fisher–Yates).
    public mutating func shuffle<Element>(_ array: inout [Element]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, integer(in: 0..<(i + 1)))
        }
    }

    /// A uniformly random ordering of 0..<n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        shuffle(&p)
        return p
    }
}
