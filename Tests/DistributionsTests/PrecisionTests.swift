import Distributions
import LikelyTensor
import LikelyTestSupport
import Testing

/// Values that Float rounding used to destroy, checked to a relative tolerance (the generic
/// scipy verifier's 1e-4 absolute floor cannot see an error of 1e-13). References are worked
/// by hand: σ(−30) = 1/(1 + e³⁰) = 9.357622968839299e-14, and for logits (10003, 10000, 9995)
/// the log-softmax is (x − 10003) − ln(1 + e⁻³ + e⁻⁸) = (0, −3, −8) − 0.04890685.
@Suite struct PrecisionTests {
    static let sigmoidMinus30 = 9.357622968839299e-14

    static func close(_ ours: Float, _ expected: Double, _ relative: Double = 1e-5) -> Bool {
        isApproximatelyEqual(Double(ours), expected, absolute: 0, relative: relative)
    }

    @Test func bernoulliUsesTheExactComplementOfP() {
        let d = Bernoulli(logits: Tensor([30]))
        let expectedVariance = PrecisionTests.sigmoidMinus30 * (1 - PrecisionTests.sigmoidMinus30)
        #expect(PrecisionTests.close(d.variance.scalars[0], expectedVariance), "variance \(d.variance.scalars[0])")
        #expect(PrecisionTests.close(d.cdf(Tensor([0])).scalars[0], PrecisionTests.sigmoidMinus30), "cdf(0) \(d.cdf(Tensor([0])).scalars[0])")
        // q = 5e-14 is below 1 − p = 9.4e-14, so the quantile is 0 (1 − σ(30) in Float is 0, which said 1).
        #expect(d.quantile(Tensor([5e-14])).scalars[0] == 0)
        #expect(d.quantile(Tensor([2e-13])).scalars[0] == 1)
    }

    @Test func categoricalVarianceIsCentred() {
        let d = Categorical(logits: Tensor([0, -30]))
        let p1 = PrecisionTests.sigmoidMinus30
        #expect(PrecisionTests.close(d.variance.scalars[0], p1 * (1 - p1)), "variance \(d.variance.scalars[0])")
        let wide = Categorical(probs: Tensor([0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0.5]))
        #expect(PrecisionTests.close(wide.variance.scalars[0], 20.25), "variance \(wide.variance.scalars[0])")
    }

    @Test func logSoftmaxSubtractsTheShiftFirst() {
        let values = Tensor([10003, 10000, 9995]).logSoftmax(alongAxis: -1).scalars
        for (ours, expected) in zip(values, [-0.04890685, -3.04890685, -8.04890685]) {
            #expect(PrecisionTests.close(ours, expected, 1e-6), "log-softmax \(ours), expected \(expected)")
        }
    }
}
