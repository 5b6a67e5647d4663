import Foundation
import Likely
import LikelyTestSupport
import Testing

/// The CRPS of whole predictives (`Predictive.continuousRankedProbabilityScore`) against
/// scipy: the closed form for an MC-dropout mixture of mixture-density members against
/// quadrature of the mixture cdf, the exact count sum against numpy sums over every k (to
/// λ = 1e8, where the Swift side steps its grid), in `Fixtures/metrics`.
@Suite struct CRPSTests {
    let reference: [String: Any]
    init() throws { reference = try MetricsFixture.load() }

    @Test func mixtureDensityMembersUseTheClosedForm() {
        let r = reference.object("crps_mdn")
        let means = r.matrix("means"), sds = r.matrix("sds"), weights = r.matrix("weights")
        let y = r.numbers("y"), shift = r.numbers("shift"), expected = r.numbers("crps")
        let members: [any UnivariateDistribution] = (0..<2).map { t in
            let components = (0..<2).map { c in
                Normal(loc: Tensor(shift.map { Float(means[t][c] + $0) }), scale: .full(Float(sds[t][c]), shape: [y.count]))
            }
            return Mixture(components: components, weights: Tensor(weights[t].map(Float.init)))
        }
        let predictive = Predictive(head: Head(.normalMixture, components: 2), members: members)
        let mean = predictive.continuousRankedProbabilityScore(observations: y)
        let truth = expected.reduce(0, +) / Double(expected.count)
        #expect(isApproximatelyEqual(mean, truth, absolute: 0, relative: 1e-6), "mdn CRPS \(mean), quadrature \(truth)")
    }

    @Test func countHeadsUseTheExactSum() {
        for c in reference.objects("crps_counts") {
            let y = c.number("y")
            let members: [any UnivariateDistribution]
            let family: Family
            switch c["family"] as? String {
            case "poisson":
                members = c.numbers("rates").map { Poisson(rate: Tensor([Float($0)])) }
                family = .poisson
            case "negbinomial":
                members = [NegativeBinomial(totalCount: Tensor([Float(c.number("total_count"))]), probs: Tensor([Float(c.number("probs"))]))]
                family = .negativeBinomial
            default:
                members = [ZeroInflatedPoisson(rate: Tensor([Float(c.number("rate"))]), gate: Tensor([Float(c.number("gate"))]))]
                family = .zeroInflatedPoisson
            }
            let value = Predictive(head: Head(family), members: members).continuousRankedProbabilityScore(observations: [y])
            #expect(isApproximatelyEqual(value, c.number("crps"), absolute: 1e-6, relative: 1e-4), "\(c): got \(value)")
        }
    }
}
