import Distributions
import Foundation
import LikelyTensor

extension Predictive {
    /// Mean CRPS of the predictive against observations `[N]`, in the target's units:
    /// - Normal members and mixture-density members (every predictive, deterministic or an
    ///   MC-dropout mixture, that is a mixture of Normals): the closed form of
    ///   `Metrics.crpsNormalMixture` (Grimit et al. 2006), exact;
    /// - count heads: the sum Σₖ (F(k) − 1{k ≥ y})², exact while the mass lies below 2¹⁴
    ///   (from the members' masses, `CountMixtureScores`) or spans at most 2048 integers
    ///   (`Metrics.crpsDiscrete`), and a trapezoid sum on 2048 grid steps beyond (at rates
    ///   like 10¹², in bounded time);
    /// - other families: the sample estimator E|X − y| − ½E|X − X′| with 1000 seeded draws per
    ///   input (`Metrics.crps(samples:observation:)`, biased high by E|X − X′|/2000).
    public func continuousRankedProbabilityScore(observations y: [Double], seed: UInt64 = 0) -> Double {
        let n = y.count
        guard n > 0 else { return 0 }
        if let mixture = NormalComponents(self) {
            var total = 0.0
            for i in 0..<n {
                total += Metrics.crpsNormalMixture(weights: mixture.weights[i], means: mixture.means[i],
                                                   standardDeviations: mixture.standardDeviations[i], observation: y[i])
            }
            return total / Double(n)
        }
        if head.family.support == .counts { return countCRPS(observations: y) }
        var random = RandomSource(key: StreamKey(seed: seed, purpose: .crpsEstimate))
        let draws = sample(draws: 1000, using: &random)
        var total = 0.0
        for i in 0..<n {
            let samples = (0..<1000).map { Double(draws.scalars[$0 * n + i]) }
            total += Metrics.crps(samples: samples, observation: y[i])
        }
        return total / Double(n)
    }

    /// The grid steps of a count CRPS (`continuousRankedProbabilityScore`).
    static let countCRPSSteps = 2048.0

    /// Mean exact count CRPS: per input a grid over [Q(10⁻⁷), Q(1 − 10⁻⁷)] (step 1, or the
    /// span / 2048 when wider) with y − 1 and y added, its cdf evaluated for all inputs at once,
    /// one grid column per call. Members whose masses follow a recursion, with all mass below
    /// 2¹⁴, sum every integer of the span from their masses instead (`CountMixtureScores`).
    func countCRPS(observations y: [Double]) -> Double {
        if let table = CountMixtureScores(self, observations: y, levels: []) { return table.crps }
        let n = y.count
        let lower = quantile(1e-7), upper = quantile(1 - 1e-7)
        var grids: [[Double]] = []
        for i in 0..<n {
            guard let grid = Self.countGrid(lower: Double(lower[i]), upper: Double(upper[i]), observation: y[i]) else { return .nan }
            grids.append(grid)
        }
        let columns = grids.map(\.count).max() ?? 0
        var table = grids.map { [Double](repeating: 0, count: $0.count) }
        for j in 0..<columns {
            let k = Tensor(grids.map { Float($0[Swift.min(j, $0.count - 1)]) })
            let f = cdf(k)
            for i in 0..<n where j < grids[i].count { table[i][j] = Double(f[i]) }
        }
        var total = 0.0
        for i in 0..<n { total += Metrics.crpsDiscrete(points: grids[i], cdf: table[i], observation: y[i]) }
        return total / Double(n)
    }
}

extension Predictive {
    /// The integers at which a count CRPS evaluates F for one input: [a, b] = [⌊Q(10⁻⁷)⌋,
    /// ⌈Q(1 − 10⁻⁷)⌉] (a ≥ 0) in steps of 1, or of ⌈(b − a)/2048⌉ when wider, with b, y − 1 and
    /// y added; nil when a bound is not finite.
    static func countGrid(lower: Double, upper: Double, observation y: Double) -> [Double]? {
        let a = Swift.max(0, lower.rounded(.down))
        let b = Swift.max(a, upper.rounded(.up))
        guard a.isFinite && b.isFinite else { return nil }
        let step = Swift.max(1, ((b - a) / countCRPSSteps).rounded(.up))
        var points = Array(stride(from: a, through: b, by: step))
        if points.last != b { points.append(b) }
        for k in [y - 1, y] where k > a && k < b { points.append(k) }
        return Array(Set(points)).sorted()
    }
}

/// A predictive that is a mixture of Normals, per input: the T members' components (one per
/// Normal member, C per mixture-density member), each with weight (1/T) · its own weight.
struct NormalComponents {
    /// Per input, the K weights (summing to 1), means and standard deviations.
    var weights: [[Double]], means: [[Double]], standardDeviations: [[Double]]

    /// nil unless every member is a Normal or a mixture of Normals.
    init?(_ predictive: Predictive) {
        let n = predictive.count, t = Double(predictive.passes)
        weights = Array(repeating: [], count: n)
        means = Array(repeating: [], count: n)
        standardDeviations = Array(repeating: [], count: n)
        for member in predictive.members {
            if let normal = member as? Normal {
                append(normal, weights: [Double](repeating: 1 / t, count: n), n: n)
            } else if let mixture = member as? Mixture<Normal> {
                let c = mixture.components.count
                let w = withoutGradients { mixture.weights.broadcast(to: [n, c]).scalars }
                for (j, component) in mixture.components.enumerated() {
                    append(component, weights: (0..<n).map { Double(w[$0 * c + j]) / t }, n: n)
                }
            } else {
                return nil
            }
        }
    }

    private mutating func append(_ normal: Normal, weights w: [Double], n: Int) {
        let mu = withoutGradients { normal.loc.broadcast(to: [n]).scalars }
        let sigma = withoutGradients { normal.scale.broadcast(to: [n]).scalars }
        for i in 0..<n {
            weights[i].append(w[i])
            means[i].append(Double(mu[i]))
            standardDeviations[i].append(Double(sigma[i]))
        }
    }
}
