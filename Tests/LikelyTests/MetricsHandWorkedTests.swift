import Foundation
import Likely
import LikelyTensor
import LikelyTestSupport
import Testing

/// Small cases worked by hand (the arithmetic is in each comment).
@Suite struct MetricsHandWorkedTests {
    /// Four predictions, 2 bins (0, .5], (.5, 1]:
    /// bin 0: conf .3 (wrong), .5 (right) → acc .5, conf .4, gap .1;
    /// bin 1: conf .9 (right), .7 (wrong) → acc .5, conf .8, gap .3.
    /// ECE = 2/4 · .1 + 2/4 · .3 = .2; MCE = .3. The edge .5 belongs to the lower bin.
    @Test func tinyECE() {
        let d = ReliabilityDiagram(confidences: [0.3, 0.5, 0.9, 0.7], correct: [false, true, true, false], binCount: 2)
        #expect(d.counts == [2, 2])
        #expect(isApproximatelyEqual(d.meanConfidence[0], 0.4) && isApproximatelyEqual(d.meanConfidence[1], 0.8))
        #expect(d.accuracy == [0.5, 0.5])
        #expect(isApproximatelyEqual(d.expectedCalibrationError, 0.2, absolute: 1e-12, relative: 0))
        #expect(isApproximatelyEqual(d.maximumCalibrationError, 0.3, absolute: 1e-12, relative: 0))
        #expect(d.edges == [0, 0.5, 1])
    }

    /// Empty bins carry no weight; confidence 0 lands in the first bin; an empty set gives 0.
    @Test func reliabilityEdgeCases() {
        let d = ReliabilityDiagram(confidences: [1, 1, 0], correct: [true, true, false], binCount: 10)
        #expect(d.counts == [1, 0, 0, 0, 0, 0, 0, 0, 0, 2])
        #expect(d.expectedCalibrationError == 0 && d.maximumCalibrationError == 0)
        let empty = ReliabilityDiagram(confidences: [], correct: [], binCount: 5)
        #expect(empty.expectedCalibrationError == 0 && empty.counts == [0, 0, 0, 0, 0])
        // Binary form: p = .8 predicts 1 with confidence .8; p = .1 predicts 0 with .9.
        let b = ReliabilityDiagram(positiveProbabilities: [0.8, 0.1], labels: [false, false], binCount: 10)
        #expect(b.counts[7] == 1 && b.counts[8] == 1)
        #expect(b.accuracy[7] == 0 && b.accuracy[8] == 1)
    }

    /// Scores (.9 +), (.8 −), (.8 +), (.1 −): pairs (+, −) = (.9,.8) win, (.9,.1) win,
    /// (.8,.8) tie, (.8,.1) win → AUC = (3 + ½)/4 = .875.
    /// AP: thresholds .9 → R .5, P 1; .8 → R 1, P 2/3; AP = .5 · 1 + .5 · 2/3 = 5/6.
    @Test func tinyROCAndAveragePrecision() {
        let scores = [0.9, 0.8, 0.8, 0.1], labels = [true, false, true, false]
        let roc = ROCCurve(scores: scores, labels: labels)
        #expect(roc.area == 0.875)
        #expect(roc.falsePositiveRates == [0, 0, 0.5, 1])
        #expect(roc.truePositiveRates == [0, 0.5, 1, 1])
        #expect(isApproximatelyEqual(Metrics.averagePrecision(scores: scores, labels: labels) ?? 0, 5.0 / 6, absolute: 1e-12, relative: 0))
        #expect(Metrics.rocAUC(scores: [0.1, 0.2], labels: [true, true]) == nil)
        #expect(Metrics.averagePrecision(scores: [0.1, 0.2], labels: [false, false]) == nil)
        #expect(Metrics.rocAUC(scores: [0.5, 0.5, 0.5], labels: [true, false, false]) == 0.5)
    }

    /// Brier: p = (.7, .2, .1), y = 0 → .09 + .04 + .01 = .14; p = (.5, .5, 0), y = 2 →
    /// .25 + .25 + 1 = 1.5; mean .82. Accuracy: argmax (0, 0) vs (0, 2) → .5.
    @Test func tinyBrierAndAccuracy() {
        let p = Tensor([[0.7, 0.2, 0.1], [0.5, 0.5, 0]])
        #expect(isApproximatelyEqual(Metrics.brierScore(probabilities: p, labels: [0, 2]), 0.82, absolute: 1e-6, relative: 0))
        #expect(Metrics.accuracy(probabilities: p, labels: [0, 2]) == 0.5)
        #expect(isApproximatelyEqual(Metrics.brierScore(probabilities: [0.5, 1], labels: [true, false]), 0.625, absolute: 1e-12, relative: 0))
        // NLL: −(log .7 + log 1e-12)/2 with the 1e-12 floor.
        let nll = Metrics.meanNegativeLogLikelihood(probabilities: p, labels: [0, 2])
        #expect(isApproximatelyEqual(nll, -(log(Double(Float(0.7))) + log(1e-12)) / 2, absolute: 1e-9, relative: 0))
    }

    /// CRPS of a point mass (σ = 0) is the absolute error; at the mean of N(0, 1) it is
    /// 2φ(0) − 1/√π = (√2 − 1)/√π ≈ 0.233695.
    @Test func crpsSpecialValues() {
        #expect(Metrics.crpsNormal(mean: 1, standardDeviation: 0, observation: 4) == 3)
        #expect(isApproximatelyEqual(Metrics.crpsNormal(mean: 0, standardDeviation: 1, observation: 0),
                                     (2.0.squareRoot() - 1) / Double.pi.squareRoot(), absolute: 1e-15, relative: 0))
        // One draw: E|X − y| − 0 = |x − y|. Two draws {0, 2}, y = 0: (0 + 2)/2 − ½ · (2+2)/4 = .5.
        #expect(Metrics.crps(samples: [3], observation: 1) == 2)
        #expect(Metrics.crps(samples: [0, 2], observation: 0) == 0.5)
        // Far in the tail the NLL explodes but the CRPS stays ≈ |y − μ|.
        let far = Metrics.crpsNormal(mean: 0, standardDeviation: 1, observation: 1e6)
        #expect(far.isFinite && abs(far - (1e6 - 1 / Double.pi.squareRoot())) < 1e-6)
    }

    /// Many draws from N(1, 2²) approach the closed form (seeded).
    @Test func sampleCRPSConvergesToClosedForm() {
        var random = RandomSource(seed: 11)
        let draws = (0..<20000).map { _ in random.normal(mean: 1, standardDeviation: 2) }
        let estimate = Metrics.crps(samples: draws, observation: 2.5)
        let exact = Metrics.crpsNormal(mean: 1, standardDeviation: 2, observation: 2.5)
        #expect(abs(estimate - exact) < 0.02, "sample CRPS \(estimate), closed form \(exact)")
    }

    /// y = (1, 2, 3), ŷ = (1, 4, 0): RMSE = √((0 + 4 + 9)/3), MAE = 5/3. Coverage: [0,2] holds 1,
    /// [1,1] misses 2, [3,3] holds 3 → 2/3. Deviance: y = 0, μ = 2 → 2·2 = 4;
    /// y = 2, μ = 2 → 0; mean 2.
    @Test func smallPointErrorsCoverageAndDeviance() {
        #expect(isApproximatelyEqual(Metrics.rootMeanSquaredError(predictions: [1, 4, 0], targets: [1, 2, 3]), (13.0 / 3).squareRoot(), absolute: 1e-15, relative: 0))
        #expect(isApproximatelyEqual(Metrics.meanAbsoluteError(predictions: [1, 4, 0], targets: [1, 2, 3]), 5.0 / 3, absolute: 1e-15, relative: 0))
        #expect(isApproximatelyEqual(Metrics.coverage(lower: [0, 1, 3], upper: [2, 1, 3], observations: [1, 2, 3]), 2.0 / 3, absolute: 1e-15, relative: 0))
        #expect(Metrics.poissonDeviance(rates: [2, 2], counts: [0, 2]) == 2)
        #expect(Metrics.meanNegativeLogLikelihood(logLikelihoods: [-1, -3]) == 2)
        #expect(Metrics.meanNegativeLogLikelihood(logLikelihoods: [-1, -.infinity]) == .infinity)
        #expect(Metrics.rootMeanSquaredError(predictions: [], targets: []) == 0)
    }

    /// Two members (1, 0) and (0, 1): p̄ = (½, ½), H = log 2, each member H = 0, MI = log 2.
    /// Two identical members (½, ½): MI = 0.
    @Test func uncertaintyDecompositionByHand() {
        let split = ClassificationUncertainty(memberProbabilities: [[1, 0], [0, 1]])
        #expect(isApproximatelyEqual(split.predictiveEntropy[0], log(2), absolute: 1e-7, relative: 0))
        #expect(split.expectedEntropy[0] == 0)
        #expect(isApproximatelyEqual(split.mutualInformation[0], log(2), absolute: 1e-7, relative: 0))
        let agree = ClassificationUncertainty(memberProbabilities: [[0.5, 0.5], [0.5, 0.5]])
        #expect(agree.mutualInformation[0] == 0)
        #expect(isApproximatelyEqual(agree.expectedEntropy[0], log(2), absolute: 1e-7, relative: 0))
    }

    /// PIT: values at bin edges go up (0.1 → bin 1), 1 goes to the last bin, NaN is skipped.
    @Test func pitHistogramEdges() {
        let h = PITHistogram(values: [0, 0.1, 0.95, 1, .nan, -0.2], binCount: 10)
        #expect(h.counts == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2])
        #expect(h.total == 5)
        #expect(PITHistogram(values: [], binCount: 4).densities == [0, 0, 0, 0])
        // Randomised PIT of a point mass at 3 observed at 3: u = 0 + v · 1, uniform in [0, 1].
        var random = RandomSource(seed: 3)
        let u = Metrics.randomizedPITValues(observations: [3, 3, 3], cdf: { _, k in k >= 3 ? 1 : 0 }, using: &random)
        #expect(u.allSatisfy { $0 >= 0 && $0 <= 1 } && Set(u).count == 3)
    }
}
