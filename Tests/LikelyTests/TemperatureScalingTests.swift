import Foundation
import Likely
import LikelyTensor
import LikelyTestSupport
import Testing

@Suite struct TemperatureScalingTests {
    @Test func matchesScipyBoundedMinimiser() throws {
        let r = try MetricsFixture.load().object("temperature")
        let logits = Tensor(r.matrix("logits").map { $0.map(Float.init) })
        let labels = r.integers("labels")
        let fitted = TemperatureScaling(fittingLogits: logits, labels: labels)
        #expect(isApproximatelyEqual(fitted.temperature, r.number("temperature"), absolute: 1e-5, relative: 1e-5),
                "fitted \(fitted.temperature), scipy \(r.number("temperature"))")
        let nllAfter = Metrics.meanNegativeLogLikelihood(probabilities: fitted.probabilities(logits: logits), labels: labels)
        #expect(isApproximatelyEqual(nllAfter, r.number("nll_at_optimum"), absolute: 1e-5))
        #expect(nllAfter < r.number("nll_at_one"))
    }

    /// Labels drawn from softmax(z / 2.5): the fit should find T ≈ 2.5 and lower the NLL of
    /// the over-confident raw logits, on held-out draws too.
    @Test func recoversKnownTemperatureAndReducesNLL() {
        var random = RandomSource(seed: 17)
        let (n, k) = (4000, 5)
        func draw(_ random: inout RandomSource) -> (Tensor, [Int]) {
            var z = [Float](repeating: 0, count: n * k), labels = [Int](repeating: 0, count: n)
            for i in 0..<n {
                for c in 0..<k { z[i * k + c] = Float(random.normal(mean: 0, standardDeviation: 4)) }
                let w = (0..<k).map { exp(Double(z[i * k + $0]) / 2.5) }
                var u = random.uniform() * w.reduce(0, +), label = 0
                while label < k - 1 && u > w[label] { u -= w[label]; label += 1 }
                labels[i] = label
            }
            return (Tensor(shape: [n, k], scalars: z), labels)
        }
        let (validation, validationLabels) = draw(&random)
        let (test, testLabels) = draw(&random)
        let fitted = TemperatureScaling(fittingLogits: validation, labels: validationLabels)
        #expect(abs(fitted.temperature - 2.5) < 0.15, "fitted T = \(fitted.temperature)")
        let before = Metrics.meanNegativeLogLikelihood(probabilities: test.softmax(alongAxis: 1), labels: testLabels)
        let after = Metrics.meanNegativeLogLikelihood(probabilities: fitted.probabilities(logits: test), labels: testLabels)
        #expect(after < before - 0.1, "NLL before \(before), after \(after)")
        #expect(Metrics.accuracy(probabilities: fitted.probabilities(logits: test), labels: testLabels)
                == Metrics.accuracy(probabilities: test, labels: testLabels))
        let eceBefore = ReliabilityDiagram(probabilities: test.softmax(alongAxis: 1), labels: testLabels).expectedCalibrationError
        let eceAfter = ReliabilityDiagram(probabilities: fitted.probabilities(logits: test), labels: testLabels).expectedCalibrationError
        #expect(eceAfter < eceBefore, "ECE before \(eceBefore), after \(eceAfter)")
    }

    /// Bernoulli logits with labels from σ(z / 0.5) (under-confident logits): T ≈ 0.5.
    @Test func binaryLogitsRecoverSharpeningTemperature() {
        var random = RandomSource(seed: 5)
        let z = (0..<5000).map { _ in random.normal(mean: 0, standardDeviation: 1.5) }
        let labels = z.map { random.uniform() < 1 / (1 + exp(-$0 / 0.5)) }
        let fitted = TemperatureScaling(fittingBinaryLogits: z, labels: labels)
        #expect(abs(fitted.temperature - 0.5) < 0.05, "fitted T = \(fitted.temperature)")
        let p = fitted.probabilities(binaryLogits: [0, 1, -1000])
        #expect(p[0] == 0.5 && p[2] >= 0 && p[2].isFinite)
    }

    /// Separable data drives T to the lower bound without NaN; one row gives a finite T.
    @Test func degenerateDataStaysFinite() {
        let separable = Tensor([[5, -5], [-5, 5]])
        let t = TemperatureScaling(fittingLogits: separable, labels: [0, 1]).temperature
        #expect(t.isFinite && TemperatureScaling.temperatureRange.contains(t))
        #expect(t < 0.02)
        let empty = TemperatureScaling(fittingLogits: Tensor(shape: [0, 3], scalars: []), labels: [])
        #expect(empty.temperature == 1)
    }
}
