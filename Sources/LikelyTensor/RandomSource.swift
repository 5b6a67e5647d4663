import CGSL

/// The one source of randomness: GSL's Mersenne Twister (mt19937), keyed, passed explicitly
/// (`using random: inout RandomSource`) to whatever draws. There is no global generator; the
/// same key gives the same stream, bit for bit.
///
/// A stream is named by a `StreamKey` (seed, purpose, epoch, example). The whole tuple,
/// not 32 bits of it, decides the generator's 624-word state: two independent 64-bit digests
/// of the key start two SplitMix64 sequences, and their xor fills the words
///
///     a₀ = digest(key, 1), b₀ = digest(key, 2)
///     wordᵢ (64 bits, two mt19937 words) = mix(a₀ + (i+1)·γ₁) ⊕ mix(b₀ + (i+1)·γ₂)
///
/// (`mix` is SplitMix64's finaliser, γ₁ and γ₂ odd constants), so two different keys share a
/// state with probability about 2⁻¹²⁸. (GSL's own `gsl_rng_set` keeps 32 bits of a seed: among
/// 60,000 keyed streams two would coincide with probability about 1/3.) GSL's samplers then
/// draw from the state as usual; the methods of `RandomSource+Sampling.swift` name them.
///
/// `RandomSource` is a value: a copy continues independently from the state at the copy.
public struct RandomSource {
    /// Owns the C generator; copied (with `gsl_rng_clone`) when a shared copy is written to.
    final class Generator {
        let pointer: UnsafeMutablePointer<gsl_rng>
        init(key: StreamKey) {
            likely_gsl_disable_abort()
            pointer = gsl_rng_alloc(likely_gsl_rng_mt19937())
            RandomSource.fillState(pointer, key: key)
        }
        init(cloning other: Generator) { pointer = gsl_rng_clone(other.pointer) }
        deinit { gsl_rng_free(pointer) }
    }

    private var generator: Generator
    /// The key this stream started from.
    public let key: StreamKey
    /// The seed this stream started from.
    public var seed: UInt64 { key.seed }

    /// The stream of `key`.
    public init(key: StreamKey) {
        self.key = key
        generator = Generator(key: key)
    }

    /// The general-purpose stream of `seed` (key `(seed, .general, 0, 0)`).
    public init(seed: UInt64) {
        self.init(key: StreamKey(seed: seed, purpose: .general))
    }

    /// Stream number `stream` of `seed` (key `(seed, .general, 0, stream)`): independent of
    /// every other stream, and the same whichever process or order asks for it.
    public init(seed: UInt64, stream: UInt64) {
        self.init(key: StreamKey(seed: seed, purpose: .general, example: stream))
    }

    /// SplitMix64's finaliser: a bijection of UInt64 that spreads nearby integers over the
    /// whole range.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A 64-bit digest of the four words of `key`, one per `salt`.
    static func digest(_ key: StreamKey, salt: UInt64) -> UInt64 {
        var h = mix(salt)
        for word in [key.seed, key.purpose.rawValue, key.epoch, key.example] { h = mix(h ^ word) }
        return h
    }

    /// The number of 32-bit words of mt19937's state.
    static let stateWords = 624

    /// Writes the state of `key` into an mt19937 generator. GSL's state is
    /// `struct { unsigned long mt[624]; int mti; }` (gsl/rng/mt.c); each `mt[i]` holds a 32-bit
    /// word, and `mti = 624` makes the next draw regenerate (twist) the whole block first,
    /// as after `gsl_rng_set`.
    static func fillState(_ pointer: UnsafeMutablePointer<gsl_rng>, key: StreamKey) {
        let wordSize = MemoryLayout<CUnsignedLong>.stride
        let words = stateWords * wordSize, indexSize = MemoryLayout<CInt>.size
        let expected = (words + indexSize + wordSize - 1) / wordSize * wordSize
        precondition(gsl_rng_size(pointer) == expected,
                     "GSL's mt19937 state is \(gsl_rng_size(pointer)) bytes, expected \(expected): an unknown layout")
        let state = UnsafeMutableRawPointer(gsl_rng_state(pointer)!)
        let mt = state.bindMemory(to: CUnsignedLong.self, capacity: stateWords)
        var a = digest(key, salt: 1), b = digest(key, salt: 2)
        for i in stride(from: 0, to: stateWords, by: 2) {
            a = a &+ 0x9E37_79B9_7F4A_7C15
            b = b &+ 0xD1B5_4A32_D192_ED03
            let word = mix(a) ^ mix(b)
            mt[i] = CUnsignedLong(word & 0xffff_ffff)
            mt[i + 1] = CUnsignedLong(word >> 32)
        }
        (state + words).storeBytes(of: CInt(stateWords), as: CInt.self)
    }

    /// Runs `body` with the C generator, for GSL's samplers (`gsl_ran_*`). Internal: other
    /// modules draw through the named methods of `RandomSource+Sampling.swift`.
    mutating func withGenerator<Result>(_ body: (UnsafeMutablePointer<gsl_rng>) throws -> Result) rethrows -> Result {
        if !isKnownUniquelyReferenced(&generator) { generator = Generator(cloning: generator) }
        return try body(generator.pointer)
    }

    /// The next raw 32-bit output of mt19937.
    public mutating func next32() -> UInt32 { UInt32(truncatingIfNeeded: withGenerator { gsl_rng_get($0) }) }
}
