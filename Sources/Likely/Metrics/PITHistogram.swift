import LikelyTensor

/// A histogram of probability integral transform values uᵢ = Fᵢ(yᵢ) on [0, 1].
///
/// If every yᵢ is a draw from its predictive Fᵢ, the uᵢ are uniform and every bin's density
/// is 1. A U shape means over-confidence (too narrow), a hump under-confidence (too wide), a
/// slope a biased mean.
public struct PITHistogram: Equatable, Sendable {
    /// Bin edges 0 = e₀ < e₁ < … < e_B = 1 (equal width); bin b is [e_b, e_{b+1}), the last closed.
    public let edges: [Double]
    /// Number of PIT values in each bin.
    public let counts: [Int]

    /// The number of bins B.
    public var binCount: Int { counts.count }
    /// The number of values counted.
    public var total: Int { counts.reduce(0, +) }
    /// Density per bin, count / (N · width); 1 everywhere under perfect calibration (0 when N = 0).
    public var densities: [Double] {
        let n = Double(total), width = 1 / Double(binCount)
        return counts.map { n > 0 ? Double($0) / (n * width) : 0 }
    }

    /// Counts `values` (each clamped to [0, 1]; NaN skipped) into `binCount` equal-width bins.
    public init(values: [Double], binCount: Int = 10) {
        precondition(binCount >= 1, "PIT histogram needs at least one bin, got \(binCount)")
        var counts = [Int](repeating: 0, count: binCount)
        for v in values where !v.isNaN {
            let u = Swift.min(Swift.max(v, 0), 1)
            counts[Swift.min(Int(u * Double(binCount)), binCount - 1)] += 1
        }
        self.counts = counts
        self.edges = (0...binCount).map { Double($0) / Double(binCount) }
    }
}

extension Metrics {
    /// PIT values uᵢ = Fᵢ(yᵢ) for continuous predictives.
    /// - Parameters:
    ///   - observations: yᵢ.
    ///   - cdf: `cdf(i, y)` = Fᵢ(y), observation i's predictive CDF.
    public static func pitValues(observations: [Double], cdf: (Int, Double) -> Double) -> [Double] {
        observations.enumerated().map { cdf($0.offset, $0.element) }
    }

    /// Randomised PIT values for integer observations: uᵢ = Fᵢ(yᵢ − 1) + vᵢ · pᵢ(yᵢ) with
    /// vᵢ ~ U(0, 1), which is exactly uniform under a calibrated discrete predictive.
    /// - Parameters:
    ///   - observations: integer yᵢ.
    ///   - cdf: `cdf(i, k)` = Fᵢ(k) = P(Yᵢ ≤ k).
    ///   - random: the source of the vᵢ (seeded by the caller).
    public static func randomizedPITValues(observations: [Int], cdf: (Int, Int) -> Double,
                                           using random: inout RandomSource) -> [Double] {
        observations.enumerated().map { i, y in
            let below = cdf(i, y - 1), at = cdf(i, y)
            return below + random.uniform() * (at - below)
        }
    }
}
