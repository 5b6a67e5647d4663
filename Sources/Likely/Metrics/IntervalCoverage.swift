import LikelyTensor
/// Observed coverage of central predictive intervals at several nominal levels.
///
/// For a level α the central interval is [Q(½ − α/2), Q(½ + α/2)]; a calibrated model has
/// `observed[j] ≈ levels[j]`. Observed above nominal means the intervals are too wide
/// (under-confident), below means too narrow (over-confident).
public struct IntervalCoverage: Equatable, Sendable {
    /// Nominal levels α, each in (0, 1).
    public let levels: [Double]
    /// Fraction of observations inside the central interval at each level.
    public let observed: [Double]
    /// The number of observations.
    public let count: Int

    /// Pairs nominal levels with their observed coverage.
    public init(levels: [Double], observed: [Double], count: Int) {
        precondition(levels.count == observed.count, "levels and observed must have the same count, got \(levels.count) and \(observed.count)")
        self.levels = levels
        self.observed = observed
        self.count = count
    }

    /// The levels reported by `likely evaluate`: 0.5, 0.8, 0.9, 0.95.
    public static let standardLevels: [Double] = [0.5, 0.8, 0.9, 0.95]
}

extension Metrics {
    /// Fraction of observations inside their own interval, (1/M) Σᵢ 1{lᵢ ≤ yᵢ ≤ uᵢ} over the M
    /// observations whose bounds are not NaN: a NaN bound (a quantile that could not be
    /// computed) is left out rather than scored as a miss, and `undefinedBoundCount` says how
    /// many were. An infinite bound is a real one (it covers its side).
    /// - Parameters:
    ///   - lower: lᵢ per observation.
    ///   - upper: uᵢ per observation.
    ///   - observations: yᵢ.
    /// - Returns: the coverage in [0, 1]; 0 for empty arrays, NaN when every bound pair is undefined.
    public static func coverage(lower: [Double], upper: [Double], observations: [Double]) -> Double {
        requireSameCount(lower.count, observations.count, "lower bounds and observations")
        requireSameCount(upper.count, observations.count, "upper bounds and observations")
        guard !observations.isEmpty else { return 0 }
        var inside = 0, scored = 0
        for i in observations.indices where !lower[i].isNaN && !upper[i].isNaN {
            scored += 1
            if lower[i] <= observations[i] && observations[i] <= upper[i] { inside += 1 }
        }
        return scored == 0 ? .nan : Double(inside) / Double(scored)
    }

    /// Coverage of the central intervals at `level` L from the PIT values uᵢ = Fᵢ(yᵢ) of
    /// continuous predictives: yᵢ lies in [Qᵢ((1 − L)/2), Qᵢ((1 + L)/2)] exactly when
    /// (1 − L)/2 ≤ uᵢ ≤ (1 + L)/2 (Q(p) ≤ y ⟺ p ≤ F(y) for any cdf, and F is continuous and
    /// strictly increasing inside the support), so no quantile need be inverted. NaN values are
    /// left out, as NaN bounds are in `coverage(lower:upper:observations:)`.
    /// - Returns: the coverage in [0, 1]; 0 for no values, NaN when every value is NaN.
    public static func coverage(probabilityIntegralTransforms u: [Double], level: Double) -> Double {
        precondition(level > 0 && level < 1, "coverage level must be in (0, 1), got \(level)")
        guard !u.isEmpty else { return 0 }
        let lower = (1 - level) / 2, upper = (1 + level) / 2
        var inside = 0, scored = 0
        for value in u where !value.isNaN {
            scored += 1
            if lower <= value && value <= upper { inside += 1 }
        }
        return scored == 0 ? .nan : Double(inside) / Double(scored)
    }

    /// How many intervals have a NaN bound (left out by `coverage(lower:upper:observations:)`).
    public static func undefinedBoundCount(lower: [Double], upper: [Double]) -> Int {
        requireSameCount(lower.count, upper.count, "lower and upper bounds")
        return zip(lower, upper).filter { $0.isNaN || $1.isNaN }.count
    }

    /// Coverage of central intervals at each level, from each observation's quantile function
    /// (NaN bounds left out, as in `coverage(lower:upper:observations:)`).
    /// - Parameters:
    ///   - levels: nominal levels α in (0, 1), for instance `IntervalCoverage.standardLevels`.
    ///   - observations: yᵢ.
    ///   - quantile: `quantile(i, p)` = Qᵢ(p), the p-quantile of observation i's predictive.
    public static func coverage(levels: [Double], observations: [Double],
                                quantile: (Int, Double) -> Double) -> IntervalCoverage {
        var observed: [Double] = []
        for level in levels {
            precondition(level > 0 && level < 1, "coverage level must be in (0, 1), got \(level)")
            let lower = observations.indices.map { quantile($0, 0.5 - level / 2) }
            let upper = observations.indices.map { quantile($0, 0.5 + level / 2) }
            observed.append(coverage(lower: lower, upper: upper, observations: observations))
        }
        return IntervalCoverage(levels: levels, observed: observed, count: observations.count)
    }
}
