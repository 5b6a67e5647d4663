import Foundation
import Likely
import LikelyTestSupport
import Testing

/// The risk–coverage curve and its area, by hand and against numpy (`Fixtures/uncertainty`).
struct SelectivePredictionTests {
    /// Losses [1, 0, 1, 0] at uncertainties [0.9, 0.1, 0.5, 0.2]: kept most certain first the
    /// losses are 0, 0, 1, 1, so r = 0, 0, 1/3, 1/2 and AURC = (0 + 0 + 1/3 + 1/2)/4 = 5/24.
    @Test func handWorkedCurve() {
        let curve = RiskCoverageCurve(losses: [1, 0, 1, 0], uncertainties: [0.9, 0.1, 0.5, 0.2])
        #expect(curve.coverages == [0.25, 0.5, 0.75, 1])
        #expect(zip(curve.risks, [0, 0, 1.0 / 3, 0.5]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(abs(curve.area! - 5.0 / 24) < 1e-15)
    }

    /// Ties take the expected risk of a random order: losses [1, 0, 0] at [0.5, 0.5, 0.1]
    /// give r(1) = 0, r(2) = (0 + ½)/2 = ¼, r(3) = 1/3, AURC = (0 + ¼ + ⅓)/3 = 7/36, whatever
    /// order the tied inputs come in.
    @Test func tiesAreOrderFree() {
        for (losses, uncertainties) in [([1.0, 0, 0], [0.5, 0.5, 0.1]), ([0.0, 1, 0], [0.5, 0.5, 0.1])] {
            let curve = RiskCoverageCurve(losses: losses, uncertainties: uncertainties)
            #expect(zip(curve.risks, [0, 0.25, 1.0 / 3]).allSatisfy { abs($0 - $1) < 1e-15 })
            #expect(abs(curve.area! - 7.0 / 36) < 1e-15)
        }
        #expect(RiskCoverageCurve(losses: [], uncertainties: []).area == nil)
    }

    @Test func matchesNumpy() throws {
        let r = try MetricsFixture.load(file: "uncertainty/uncertainty_reference.json").object("aurc")
        let curve = RiskCoverageCurve(losses: r.numbers("losses"), uncertainties: r.numbers("uncertainties"))
        let expected = r.numbers("risks")
        #expect(expected.count == 400)
        #expect(zip(curve.risks, expected).allSatisfy { isApproximatelyEqual($0, $1, absolute: 1e-12, relative: 1e-12) })
        #expect(isApproximatelyEqual(curve.area!, r.number("area"), absolute: 1e-12, relative: 1e-12))
    }

    /// Classification ranks by 1 − max p̄ and scores the arg-max: p = (0.9, 0.1) with label 1
    /// is wrong and most certain, (0.3, 0.7) label 1 and (0.6, 0.4) label 0 are right, so
    /// r = 1, ½, ⅓ and AURC = 11/18; the evaluation report carries it as `aurc`.
    @Test func classificationPredictive() throws {
        let probs = Tensor(shape: [3, 2], scalars: [0.9, 0.1, 0.3, 0.7, 0.6, 0.4])
        let predictive = Predictive(head: Head(.categorical, classCount: 2), members: [Categorical(probs: probs)])
        let curve = predictive.riskCoverage(targets: Tensor([1, 1, 0]))
        #expect(abs(curve.area! - 11.0 / 18) < 1e-6)
    }

    /// Regression ranks by the predictive sd and scores squared errors of the mean:
    /// means 0, 0, 0 with sd 1, 3, 2 and y = 1, 3, −2 give losses 1, 9, 4 kept in the order
    /// 1, 4, 9: r = 1, 5/2, 14/3 and AURC = (1 + 2.5 + 14/3)/3 = 49/18.
    @Test func regressionPredictive() throws {
        let normal = Normal(loc: Tensor([0, 0, 0]), scale: Tensor([1, 3, 2]))
        let predictive = Predictive(head: Head(.normal), members: [normal])
        let curve = predictive.riskCoverage(targets: Tensor([1, 3, -2]))
        #expect(abs(curve.area! - 49.0 / 18) < 1e-5)
    }
}
