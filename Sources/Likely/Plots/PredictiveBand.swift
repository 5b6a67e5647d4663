/// A central predictive interval along a grid: `lower[j]`…`upper[j]` at grid point j holds
/// probability `level` (for instance the mixture quantiles Q(½ ∓ level/2)).
public struct PredictiveBand: Sendable {
    /// The nominal probability inside the band, in (0, 1).
    public let level: Double
    /// The lower edge per grid point.
    public let lower: [Double]
    /// The upper edge per grid point.
    public let upper: [Double]

    /// A band from explicit edges.
    public init(level: Double, lower: [Double], upper: [Double]) {
        precondition(level > 0 && level < 1, "band level must be in (0, 1), got \(level)")
        precondition(lower.count == upper.count, "band edges must have the same count, got \(lower.count) and \(upper.count)")
        self.level = level
        self.lower = lower
        self.upper = upper
    }

    /// The Normal band μ ± z σ with z = Φ⁻¹(½ + level/2) (0.674 for 50%, 1.960 for 95%).
    public static func normal(mean: [Double], standardDeviation: [Double], level: Double) -> PredictiveBand {
        precondition(mean.count == standardDeviation.count, "mean and standard deviation must have the same count, got \(mean.count) and \(standardDeviation.count)")
        precondition(level > 0 && level < 1, "band level must be in (0, 1), got \(level)")
        let z = StandardNormal.quantile(0.5 + level / 2)
        return PredictiveBand(level: level,
                              lower: zip(mean, standardDeviation).map { $0 - z * $1 },
                              upper: zip(mean, standardDeviation).map { $0 + z * $1 })
    }
}
