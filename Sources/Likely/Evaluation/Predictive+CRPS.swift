import Distributions
import Foundation
import LikelyTensor

extension Predictive {
    /// Mean CRPS of the predictive against observations `[N]`, in the target's units:
    /// - continuous members (every continuous family, and mixture-density members): per input
    ///   E|X − y| − ½ E|X − X′| over the mixture (`MixtureRows.continuousRankedProbabilityScores`):
    ///   E|X − y| in closed form from each member's partial mean; E|X − X′| in closed form over
    ///   pairs of members for Normal (Grimit et al. 2006) and Laplace, and by Gauss–Legendre
    ///   quadrature of 2∫F(1 − F) plus exact tail means for the others (Student's t, log-normal,
    ///   gamma, beta), deterministic and within 10⁻⁴ relative of the integral;
    /// - count heads: the sum Σₖ (F(k) − 1{k ≥ y})², exact while the mass lies below 2¹⁴
    ///   (from the members' masses, `CountMixtureScores`) or spans at most 2048 integers
    ///   (`Metrics.crpsDiscrete`), and a trapezoid sum on 2048 grid steps beyond (at rates
    ///   like 10¹², in bounded time);
    /// - other distributions: the sample estimator E|X − y| − ½E|X − X′| with 1000 seeded draws
    ///   per input (`Metrics.crps(samples:observation:)`, biased high by E|X − X′|/2000).
    public func continuousRankedProbabilityScore(observations y: [Double], seed: UInt64 = 0) -> Double {
        let n = y.count
        guard n > 0 else { return 0 }
        if let rows = rowMixture {
            return rows.continuousRankedProbabilityScores(y).reduce(0, +) / Double(n)
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
