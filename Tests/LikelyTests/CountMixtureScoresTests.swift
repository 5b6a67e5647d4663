import Foundation
import Likely
import LikelyTestSupport
import Testing

/// `evaluate` on count predictives, whose CRPS, intervals and PIT come from one cdf table per
/// input summed from the members' mass recursions, against scipy (`Fixtures/counts`): mixtures
/// of 5 Poisson (rates to 1000, where e^−λ is below the Double range), negative-binomial and
/// zero-inflated Poisson members over 40 inputs, the CRPS summed over every integer, the
/// intervals as the smallest k with F(k) ≥ q, and F(y − 1), F(y). (`Predictive.interval`,
/// from the members' cdf calls, is checked against the same intervals.)
struct CountMixtureScoresTests {
    static func members(_ c: [String: Any]) -> (Family, [any UnivariateDistribution]) {
        func rows(_ key: String) -> [Tensor] { c.matrix(key).map { Tensor($0.map(Float.init)) } }
        switch c["family"] as? String {
        case "poisson": return (.poisson, rows("rate").map { Poisson(rate: $0) })
        case "negbinomial":
            return (.negativeBinomial, zip(rows("total_count"), rows("probs")).map { NegativeBinomial(totalCount: $0, probs: $1) })
        default: return (.zeroInflatedPoisson, zip(rows("rate"), rows("gate")).map { ZeroInflatedPoisson(rate: $0, gate: $1) })
        }
    }

    @Test func scoresMatchScipy() throws {
        let reference = try MetricsFixture.load(file: "counts/count_mixtures.json")
        let levels = reference.numbers("levels")
        #expect(levels == IntervalCoverage.standardLevels)
        for c in reference.objects("cases") {
            let (family, members) = Self.members(c)
            let predictive = Predictive(head: Head(family), members: members)
            let y = c.numbers("y"), n = y.count
            var random = RandomSource(seed: 1)
            let network = try Architecture.mlp.makeModel(inputShape: [1], hidden: [2], dropout: 0,
                                                         outputs: Head(family).rawOutputCount, using: &random)
            let model = ProbabilisticModel(network: network, head: Head(family), inputShape: [1])
            let report = model.evaluate(predictive, targets: Tensor(y.map(Float.init)), mcSamples: 5, seed: 3)
            let crps = c.numbers("crps").reduce(0, +) / Double(n)
            let value = try #require(report.crps)
            #expect(isApproximatelyEqual(value, crps, absolute: 1e-9, relative: 1e-6), "\(family.name): CRPS \(value), scipy \(crps)")
            let lower = c.matrix("lower"), upper = c.matrix("upper")
            for (l, level) in levels.enumerated() {
                let covered = (0..<n).filter { lower[l][$0] <= y[$0] && y[$0] <= upper[l][$0] }.count
                #expect(report.coverage?[level] == Double(covered) / Double(n), "\(family.name) at \(level)")
                // The intervals themselves, as `Predictive.interval` gives them from cdf calls.
                let interval = predictive.interval(level: level)
                #expect(interval.lower == lower[l], "\(family.name) lower bounds at \(level)")
                #expect(interval.upper == upper[l], "\(family.name) upper bounds at \(level)")
            }
            // The randomized PIT F(y − 1) + u (F(y) − F(y − 1)) with the same uniforms.
            let below = c.numbers("cdf_below"), at = c.numbers("cdf_at")
            var uniforms = RandomSource(key: StreamKey(seed: 3, purpose: .randomizedPIT))
            let pit = (0..<n).map { below[$0] + uniforms.uniform() * (at[$0] - below[$0]) }
            let histogram = try #require(report.pit), expected = PITHistogram(values: pit, binCount: histogram.binCount)
            // A value on a bin edge (F = 4/5 where four members' mass is all below y) may
            // round to either side; only such values may move.
            let onEdge = pit.filter { abs($0 * 10 - ($0 * 10).rounded()) < 1e-9 }.count
            let moved = zip(histogram.counts, expected.counts).map { abs($0 - $1) }.reduce(0, +)
            #expect(moved <= 2 * onEdge, "\(family.name) PIT \(histogram.counts), scipy \(expected.counts)")
        }
    }
}
