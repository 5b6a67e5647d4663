import Foundation

/// Scores of a regression predictive on the observations of one region of the input space,
/// for instance inside a gap of the training data or outside it (the demo's gap regression).
///
/// Over the m observations i with `inRegion[i]`:
/// - nll = −(1/m) Σᵢ log p(yᵢ);
/// - coverage = #{lᵢ ≤ yᵢ ≤ uᵢ} / m′ of the central interval [lᵢ, uᵢ] at `level`, over the m′
///   of them whose bounds are not NaN (`Metrics.coverage`);
/// - mean_width = (1/m′) Σᵢ (uᵢ − lᵢ) over the same m′;
/// - mean_epistemic_sd = (1/m) Σᵢ √(epistemic varianceᵢ), the spread of the members' means.
///
/// With m = 0 (no observation in the region) every score is NaN, `null` in the JSON.
public struct RegionScores: Encodable, Equatable, Sendable {
    /// m, the observations in the region.
    public var n: Int
    /// The level of the central interval.
    public var level: Double
    /// The mean negative log-likelihood of the region's observations.
    public var nll: Double
    /// The share of them inside their central interval at `level`.
    public var coverage: Double
    /// The mean width of those intervals.
    public var meanWidth: Double
    /// The mean epistemic standard deviation of their predictives.
    public var meanEpistemicSD: Double

    enum CodingKeys: String, CodingKey {
        case n, level, nll, coverage, meanWidth = "mean_width", meanEpistemicSD = "mean_epistemic_sd"
    }

    /// - Parameters:
    ///   - logLikelihoods: log p(yᵢ) per observation, `[N]`.
    ///   - lower: the lower end of the central interval at `level` per observation, `[N]`.
    ///   - upper: its upper end, `[N]`.
    ///   - observations: yᵢ, `[N]`.
    ///   - epistemicSD: √(epistemic variance) per observation, `[N]`.
    ///   - inRegion: whether observation i counts, `[N]`.
    ///   - level: the interval's level, in (0, 1).
    public init(logLikelihoods: [Double], lower: [Double], upper: [Double], observations: [Double],
                epistemicSD: [Double], inRegion: [Bool], level: Double) {
        let count = inRegion.count
        for (name, values) in [("logLikelihoods", logLikelihoods), ("lower", lower), ("upper", upper),
                               ("observations", observations), ("epistemicSD", epistemicSD)] {
            precondition(values.count == count, "region scores: \(name) has \(values.count) values, inRegion \(count)")
        }
        precondition(level > 0 && level < 1, "region scores: level must be in (0, 1), got \(level)")
        let chosen = (0..<count).filter { inRegion[$0] }
        func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
        n = chosen.count
        self.level = level
        nll = mean(chosen.map { -logLikelihoods[$0] })
        coverage = chosen.isEmpty ? .nan : Metrics.coverage(lower: chosen.map { lower[$0] }, upper: chosen.map { upper[$0] },
                                                            observations: chosen.map { observations[$0] })
        meanWidth = mean(chosen.filter { !lower[$0].isNaN && !upper[$0].isNaN }.map { upper[$0] - lower[$0] })
        meanEpistemicSD = mean(chosen.map { epistemicSD[$0] })
    }
}

extension Predictive {
    /// The `RegionScores` of this regression predictive against `targets` `[N]` (original
    /// units) on the inputs with `inRegion[i]`, for the central interval at `level`.
    public func regionScores(targets: Tensor, inRegion: [Bool], level: Double = 0.9) -> RegionScores {
        precondition(!head.family.support.isClassification, "region scores need a regression or count head, got \(head.family.name)")
        precondition(targets.count == count && inRegion.count == count,
                     "region scores need \(count) targets and region flags, got \(targets.count) and \(inRegion.count)")
        let (lower, upper) = interval(level: level)
        return RegionScores(logLikelihoods: logLikelihood(targets), lower: lower, upper: upper,
                            observations: targets.scalars.map(Double.init),
                            epistemicSD: epistemicVariance.map { Swift.max($0, 0).squareRoot() },
                            inRegion: inRegion, level: level)
    }
}
