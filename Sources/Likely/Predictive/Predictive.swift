import Distributions
import Foundation

/// The predictive distribution of a model for a batch of inputs: per input, a Mixture of
/// the T members of T stochastic (MC-dropout) passes, or the single deterministic member.
///
/// Regression and counts: predictive mean, total variance = aleatoric (mean of the members'
/// variances) + epistemic (variance of their means), central intervals from the mixture's
/// quantiles. Classification: mean probabilities, predictive entropy H[p̄], expected entropy
/// E_t H[p_t] and mutual information H[p̄] − E_t H[p_t].
///
/// Return types follow one rule: a number per input (means, variances, sds, quantiles,
/// interval bounds, cdf and log-likelihood values) is `[Double]`, `[N]`; what has more axes
/// (draws `[draws, N]`, member probabilities `[T, N, K]`) is a `Tensor`.
public struct Predictive {
    /// The head that made the members.
    public let head: Head
    /// One distribution per pass, each of batch shape `[N]`, in original units.
    public let members: [any UnivariateDistribution]
    /// The equally weighted mixture of the members.
    public let mixture: any UnivariateDistribution
    /// The name of the uncertainty method that made the members (`UncertaintyMethod.name`);
    /// nil for a predictive built from raw outputs directly.
    public var method: String?
    /// The draws per ensemble member the method made (`UncertaintyMethod.draws`), or nil.
    public var draws: Int?

    /// - Parameters:
    ///   - head: the head that made the members.
    ///   - members: T ≥ 1 distributions of one family, each of batch shape `[N]`.
    public init(head: Head, members: [any UnivariateDistribution]) {
        precondition(!members.isEmpty, "a predictive needs at least one member")
        self.head = head
        self.members = members
        self.mixture = members.count == 1 ? members[0] : Predictive.equallyWeightedMixture(members[0], members)
    }

    /// Opens the family's type to build `Mixture<Family>`.
    private static func equallyWeightedMixture<D: UnivariateDistribution>(_ first: D, _ all: [any UnivariateDistribution]) -> any UnivariateDistribution {
        let same = all.compactMap { $0 as? D }
        precondition(same.count == all.count, "the members of a predictive must be of one family, \(D.self)")
        return Mixture(equallyWeighted: same)
    }

    /// The number of inputs N.
    public var count: Int { mixture.batchShape.first ?? 1 }

    /// T, the number of members.
    public var passes: Int { members.count }

    // MARK: - Regression and counts

    /// E[y], `[N]`, in Double: the mean of the members' means, each from its family's scalar
    /// kernel (a log-normal's mean beyond 3.4·10³⁸ is a number, not +∞).
    public var mean: [Double] {
        let means = memberStatistics { $0.mean } fallback: { $0.mean }
        return (0..<count).map { i in means.reduce(0) { $0 + $1[i] } / Double(passes) }
    }

    /// Mean of the members' variances (the noise the model expects), `[N]`.
    public var aleatoricVariance: [Double] {
        withoutGradients { averaged(members.map { $0.variance.scalars.map(Double.init) }) }
    }

    /// Variance of the members' means (the model's own uncertainty), `[N]`.
    public var epistemicVariance: [Double] {
        withoutGradients {
            let means: [[Double]] = members.map { $0.mean.scalars.map(Double.init) }
            let centre = averaged(means)
            return averaged(means.map { m in zip(m, centre).map { ($0 - $1) * ($0 - $1) } })
        }
    }

    /// The element-wise mean of equally long rows.
    private func averaged(_ rows: [[Double]]) -> [Double] {
        var total = [Double](repeating: 0, count: rows[0].count)
        for row in rows { for i in total.indices { total[i] += row[i] } }
        return total.map { $0 / Double(rows.count) }
    }

    /// A statistic of every member for every input, `[T][N]`, in Double: from each member's
    /// scalar kernels (`ScalarElements`), or its tensor widened where it has none (a mixture
    /// density's members).
    private func memberStatistics(_ statistic: (any ScalarDistribution) -> Double,
                                  fallback: (any UnivariateDistribution) -> Tensor) -> [[Double]] {
        withoutGradients {
            members.map { member in
                (member as? any ScalarElements)?.scalars(broadcastTo: [count]).map(statistic)
                    ?? fallback(member).broadcast(to: [count]).scalars.map(Double.init)
            }
        }
    }

    /// The predictive standard deviations, `[N]` each, in Double: aleatoric √(mean of the
    /// members' σ²), epistemic √(variance of their means), total √(aleatoric² + epistemic²).
    /// Each member's σ and mean come from its scalar kernel in Double (a log-normal's σ is
    /// formed in log space, a Laplace's as √2 b), and the sums are scaled by the largest σ and
    /// spread so that nothing overflows short of the Double range: an sd is +∞ only where a
    /// member's variance is infinite (a Student's t with df ≤ 2) and NaN where it is undefined.
    public var standardDeviations: (total: [Double], aleatoric: [Double], epistemic: [Double]) {
        let sds = memberStatistics { $0.standardDeviation } fallback: { $0.standardDeviation }
        let means = memberStatistics { $0.mean } fallback: { $0.mean }
        let t = Double(members.count)
        var total = [Double](repeating: 0, count: count), aleatoric = total, epistemic = total
        for i in 0..<count {
            let centre = means.reduce(0) { $0 + $1[i] / t }
            let spread = means.map { $0[i] - centre }
            let a = rootMeanSquare(sds.map { $0[i] }), e = rootMeanSquare(spread)
            (total[i], aleatoric[i], epistemic[i]) = (rootMeanSquare([a, e], count: 1), a, e)
        }
        return (total, aleatoric, epistemic)
    }

    /// √(Σ xᵢ² / `count`) (count defaults to the number of values), scaled by the largest |xᵢ|
    /// so that the squares cannot overflow.
    private func rootMeanSquare(_ x: [Double], count: Int? = nil) -> Double {
        let top = x.reduce(0) { Swift.max($0, Swift.abs($1)) }
        if x.contains(where: \.isNaN) { return .nan }
        guard top > 0 && top.isFinite else { return top }
        return top * (x.reduce(0) { $0 + ($1 / top) * ($1 / top) } / Double(count ?? x.count)).squareRoot()
    }

    /// Aleatoric + epistemic variance, `[N]`.
    public var totalVariance: [Double] { zip(aleatoricVariance, epistemicVariance).map { $0 + $1 } }

    /// The central interval holding `level` of the predictive mass: the mixture's
    /// (1 − level)/2 and (1 + level)/2 quantiles, `[N]` each.
    public func interval(level: Double) -> (lower: [Double], upper: [Double]) {
        precondition(level > 0 && level < 1, "interval level must be in (0, 1), got \(level)")
        let bounds = quantiles([(1 - level) / 2, (1 + level) / 2])
        return (bounds[0], bounds[1])
    }

    /// The predictive quantile at probability p for every input, `[N]`, in Double.
    public func quantile(_ p: Double) -> [Double] { quantiles([p])[0] }

    /// The predictive quantiles at several probabilities, `[levels.count][N]`, in Double. A
    /// mixture of continuous members inverts all the levels of an input in one search
    /// (`MixtureRows.quantiles(_:)`: Newton steps on the mixture cdf, each level bracketed by
    /// the evaluations of the others); otherwise level by level: one member's from its scalar
    /// kernel, a mixture's by `Mixture.quantiles(_:shape:)`.
    public func quantiles(_ levels: [Double]) -> [[Double]] {
        if members.count > 1, let rows = rowMixture { return rows.quantiles(levels) }
        return levels.map { p in
            let each = [Double](repeating: p, count: count)
            return withoutGradients {
                if let elements = mixture as? any ScalarElements {
                    return elements.scalars(broadcastTo: [count]).map { $0.quantile(p) }
                }
                return (mixture as? any MixtureQuantiles)?.quantiles(each, shape: [count])
                    ?? mixture.quantile(Tensor(shape: [count], scalars: each.map(Float.init))).scalars.map(Double.init)
            }
        }
    }

    /// The mixture laid out input by input, when its members have element kernels (every
    /// continuous family, and mixtures of them): nil for counts and classes.
    var rowMixture: (any RowMixture)? { mixtureRows(members, rows: count) }

    /// The predictive cdf at each input's observation, `[N]` (the PIT values).
    public func cdf(_ observations: Tensor) -> [Double] {
        withoutGradients { mixture.cdf(observations).scalars.map(Double.init) }
    }

    /// ln p(yᵢ) under the predictive for each observation, `[N]` (original units).
    public func logLikelihood(_ observations: Tensor) -> [Double] {
        withoutGradients { mixture.logProb(observations).scalars.map(Double.init) }
    }

    /// `draws` samples from each input's predictive, `[draws, N]`.
    public func sample(draws: Int, using random: inout RandomSource) -> Tensor {
        withoutGradients { mixture.sample(count: draws, using: &random) }
    }

    // MARK: - Classification

    /// The members' class probabilities stacked: `[T, N, K]` (K = 2 for Bernoulli: [1 − p, p]).
    public var memberProbabilities: Tensor {
        precondition(head.family.support.isClassification,
                     "class probabilities need a bernoulli or categorical head, got \(head.family.name)")
        return withoutGradients {
            Tensor.stack(members.map { member -> Tensor in
                guard let classes = member as? any ClassDistribution else {
                    preconditionFailure("a \(head.family.name) head made a member that is not a class distribution: \(type(of: member))")
                }
                return classes.classProbabilities.reshaped(to: [count, classes.classCount])
            }, alongAxis: 0)
        }
    }

    /// Mean class probabilities `[N, K]` and the entropy decomposition per input.
    public var classification: ClassificationUncertainty {
        ClassificationUncertainty(memberProbabilities: memberProbabilities)
    }
}
