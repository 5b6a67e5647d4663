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
    /// Fraction of observations inside their own interval: (1/N) Σᵢ 1{lᵢ ≤ yᵢ ≤ uᵢ}.
    /// - Parameters:
    ///   - lower: lᵢ per observation.
    ///   - upper: uᵢ per observation.
    ///   - observations: yᵢ.
    /// - Returns: the coverage in [0, 1]; 0 for empty arrays.
    public static func coverage(lower: [Double], upper: [Double], observations: [Double]) -> Double {
        requireSameCount(lower.count, observations.count, "lower bounds and observations")
        requireSameCount(upper.count, observations.count, "upper bounds and observations")
        guard !observations.isEmpty else { return 0 }
        var inside = 0
        for i in observations.indices where lower[i] <= observations[i] && observations[i] <= upper[i] { inside += 1 }
        return Double(inside) / Double(observations.count)
    }

    /// Coverage of central intervals at each level, from each observation's quantile function.
    /// - Parameters:
    ///   - levels: nominal levels α in (0, 1), for instance `IntervalCoverage.standardLevels`.
    ///   - observations: yᵢ.
    ///   - quantile: `quantile(i, p)` = Qᵢ(p), the p-quantile of observation i's predictive.
    public static func coverage(levels: [Double], observations: [Double],
                                quantile: (Int, Double) -> Double) -> IntervalCoverage {
        var observed: [Double] = []
        for level in levels {
            precondition(level > 0 && level < 1, "coverage level must be in (0, 1), got \(level)")
            var inside = 0
            for (i, y) in observations.enumerated() {
                let lo = quantile(i, 0.5 - level / 2), hi = quantile(i, 0.5 + level / 2)
                if lo <= y && y <= hi { inside += 1 }
            }
            observed.append(observations.isEmpty ? 0 : Double(inside) / Double(observations.count))
        }
        return IntervalCoverage(levels: levels, observed: observed, count: observations.count)
    }
}
