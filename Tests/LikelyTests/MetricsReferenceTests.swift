import Foundation
import Likely
import LikelyTensor
import LikelyTestSupport
import Testing

/// Metrics against the frozen scipy / scikit-learn values of `Fixtures/metrics`.
@Suite struct MetricsReferenceTests {
    let reference: [String: Any]
    init() throws { reference = try MetricsFixture.load() }

    @Test func pointErrorsAndNLL() {
        let r = reference.object("regression")
        let mean = r.numbers("mean"), y = r.numbers("y")
        #expect(isApproximatelyEqual(Metrics.rootMeanSquaredError(predictions: mean, targets: y), r.number("rmse"), absolute: 1e-12, relative: 0))
        #expect(isApproximatelyEqual(Metrics.meanAbsoluteError(predictions: mean, targets: y), r.number("mae"), absolute: 1e-12, relative: 0))
        #expect(isApproximatelyEqual(Metrics.meanNegativeLogLikelihood(logLikelihoods: r.numbers("loglik")), r.number("nll"), absolute: 1e-12, relative: 0))
    }

    @Test func normalCRPSMatchesQuadrature() {
        let r = reference.object("regression")
        let mean = r.numbers("mean"), sd = r.numbers("sd"), y = r.numbers("y"), expected = r.numbers("crps_normal")
        #expect(expected.count == 20)
        for i in y.indices {
            let value = Metrics.crpsNormal(mean: mean[i], standardDeviation: sd[i], observation: y[i])
            #expect(isApproximatelyEqual(value, expected[i], absolute: 1e-8, relative: 1e-7), "observation \(i): \(value) vs \(expected[i])")
        }
        let meanValue = Metrics.meanCRPSNormal(means: mean, standardDeviations: sd, observations: y)
        #expect(isApproximatelyEqual(meanValue, r.number("mean_crps_normal"), absolute: 1e-8, relative: 0))
    }

    @Test func numericalCRPSFromCDF() {
        let cases = reference.objects("crps_cdf")
        #expect(cases.count == 7)
        for c in cases {
            let loc = c.number("loc"), scale = c.number("scale"), y = c.number("y")
            let cdf: (Double) -> Double, quantile: (Double) -> Double
            if c["family"] as? String == "laplace" {
                cdf = { x in x < loc ? 0.5 * exp((x - loc) / scale) : 1 - 0.5 * exp(-(x - loc) / scale) }
                quantile = { p in p < 0.5 ? loc + scale * log(2 * p) : loc - scale * log(2 * (1 - p)) }
            } else {
                cdf = { x in exp(-exp(-(x - loc) / scale)) }
                quantile = { p in loc - scale * log(-log(p)) }
            }
            let value = Metrics.crps(cdf: cdf, quantile: quantile, observation: y)
            #expect(isApproximatelyEqual(value, c.number("crps"), absolute: 1e-6, relative: 1e-6), "\(c): got \(value)")
        }
    }

    @Test func numericalCRPSOfNormalEqualsClosedForm() {
        for (mu, sigma, y) in [(0.0, 1.0, 0.5), (3.0, 0.2, 2.0), (-5.0, 4.0, 30.0)] {
            let cdf = { (x: Double) in 0.5 * erfc(-(x - mu) / (sigma * 2.0.squareRoot())) }
            let numeric = Metrics.crps(cdf: cdf, observation: y, lower: mu - 12 * sigma, upper: mu + 12 * sigma)
            let closed = Metrics.crpsNormal(mean: mu, standardDeviation: sigma, observation: y)
            #expect(isApproximatelyEqual(numeric, closed, absolute: 1e-8, relative: 1e-8), "N(\(mu), \(sigma)) at \(y)")
        }
    }

    @Test func discreteCRPSOfPoisson() {
        for c in reference.objects("crps_poisson") {
            let rate = c.number("rate")
            let cdf = { (k: Int) -> Double in
                guard k >= 0 else { return 0 }
                var sum = 0.0
                for j in 0...k { sum += exp(Double(j) * log(rate) - rate - lgamma(Double(j) + 1)) }
                return min(sum, 1)
            }
            let points = (0...200).map(Double.init)
            let value = Metrics.crpsDiscrete(points: points, cdf: (0...200).map(cdf), observation: c.number("y"))
            #expect(isApproximatelyEqual(value, c.number("crps"), absolute: 1e-9, relative: 1e-8), "\(c): got \(value)")
        }
    }

    @Test func sampleCRPS() {
        let r = reference.object("crps_samples")
        let samples = r.numbers("samples")
        #expect(samples.count == 57)
        for c in r.objects("cases") {
            let value = Metrics.crps(samples: samples, observation: c.number("y"))
            #expect(isApproximatelyEqual(value, c.number("crps"), absolute: 1e-12, relative: 1e-12), "\(c): got \(value)")
        }
    }

    @Test func coverageAndPITOfLaplacePredictives() {
        let r = reference.object("laplace_calibration")
        let loc = r.numbers("loc"), scale = r.numbers("scale"), y = r.numbers("y")
        let coverage = Metrics.coverage(levels: r.numbers("levels"), observations: y) { i, p in
            p < 0.5 ? loc[i] + scale[i] * log(2 * p) : loc[i] - scale[i] * log(2 * (1 - p))
        }
        #expect(coverage.count == 300)
        #expect(coverage.levels == IntervalCoverage.standardLevels)
        for (got, want) in zip(coverage.observed, r.numbers("coverage")) { #expect(isApproximatelyEqual(got, want, absolute: 1e-12, relative: 0)) }
        let pit = Metrics.pitValues(observations: y) { i, x in
            x < loc[i] ? 0.5 * exp((x - loc[i]) / scale[i]) : 1 - 0.5 * exp(-(x - loc[i]) / scale[i])
        }
        for (got, want) in zip(pit, r.numbers("pit")) { #expect(isApproximatelyEqual(got, want, absolute: 1e-12, relative: 0)) }
        let histogram = PITHistogram(values: pit, binCount: 10)
        #expect(histogram.counts == r.integers("pit_counts_10"))
        #expect(histogram.total == 300)
        #expect(isApproximatelyEqual(histogram.densities.reduce(0, +) / 10, 1, absolute: 1e-12, relative: 0))
    }

    @Test func classificationScoresAndReliability() throws {
        let r = reference.object("classification")
        let rows = r.matrix("probabilities"), labels = r.integers("labels")
        let probabilities = Tensor(rows.map { $0.map(Float.init) })
        #expect(probabilities.shape == [400, 4])
        #expect(isApproximatelyEqual(Metrics.accuracy(probabilities: probabilities, labels: labels), r.number("accuracy"), absolute: 1e-12, relative: 0))
        #expect(isApproximatelyEqual(Metrics.brierScore(probabilities: probabilities, labels: labels), r.number("brier"), absolute: 1e-9, relative: 0))
        #expect(isApproximatelyEqual(Metrics.meanNegativeLogLikelihood(probabilities: probabilities, labels: labels), r.number("nll"), absolute: 1e-9, relative: 0))
        let diagram = ReliabilityDiagram(probabilities: probabilities, labels: labels, binCount: 15)
        #expect(diagram.counts == r.integers("counts"))
        #expect(diagram.total == 400)
        for (got, want) in zip(diagram.meanConfidence, r.numbers("mean_confidence")) { #expect(isApproximatelyEqual(got, want, absolute: 1e-9, relative: 0)) }
        for (got, want) in zip(diagram.accuracy, r.numbers("bin_accuracy")) { #expect(isApproximatelyEqual(got, want, absolute: 1e-12, relative: 0)) }
        #expect(isApproximatelyEqual(diagram.expectedCalibrationError, r.number("ece"), absolute: 1e-9, relative: 0))
        #expect(isApproximatelyEqual(diagram.maximumCalibrationError, r.number("mce"), absolute: 1e-9, relative: 0))
    }

    @Test func rocAndPrecisionRecallMatchScikitLearn() {
        let r = reference.object("binary")
        let scores = r.numbers("scores"), labels = r.integers("labels").map { $0 == 1 }
        let roc = ROCCurve(scores: scores, labels: labels)
        #expect(isApproximatelyEqual(roc.area ?? .nan, r.number("roc_auc"), absolute: 1e-12, relative: 0))
        #expect(isApproximatelyEqual(roc.area ?? .nan, r.number("mann_whitney"), absolute: 1e-12, relative: 0))
        #expect(roc.falsePositiveRates.count == r.numbers("fpr").count)
        for (got, want) in zip(roc.falsePositiveRates, r.numbers("fpr")) { #expect(isApproximatelyEqual(got, want, absolute: 1e-12, relative: 0)) }
        for (got, want) in zip(roc.truePositiveRates, r.numbers("tpr")) { #expect(isApproximatelyEqual(got, want, absolute: 1e-12, relative: 0)) }
        let pr = PrecisionRecallCurve(scores: scores, labels: labels)
        #expect(isApproximatelyEqual(pr.averagePrecision ?? .nan, r.number("average_precision"), absolute: 1e-12, relative: 0))
        #expect(pr.recalls.count == r.numbers("recall").count)
        for (got, want) in zip(pr.recalls, r.numbers("recall")) { #expect(isApproximatelyEqual(got, want, absolute: 1e-12, relative: 0)) }
        for (got, want) in zip(pr.precisions, r.numbers("precision")) { #expect(isApproximatelyEqual(got, want, absolute: 1e-12, relative: 0)) }
    }

    @Test func poissonDevianceMatchesScikitLearn() {
        let r = reference.object("poisson")
        let value = Metrics.poissonDeviance(rates: r.numbers("rates"), counts: r.numbers("counts"))
        #expect(isApproximatelyEqual(value, r.number("deviance"), absolute: 1e-10, relative: 0))
    }

    @Test func ensembleUncertaintyMatchesScipyEntropy() {
        let r = reference.object("uncertainty")
        let members = r.tensor3("members")
        #expect(members.count == 6)
        let tensor = Tensor(shape: [6, 3, 5], scalars: members.flatMap { $0.flatMap { $0.map(Float.init) } })
        let u = ClassificationUncertainty(memberProbabilities: tensor)
        #expect(u.meanProbabilities.shape == [3, 5])
        for (got, want) in zip(u.predictiveEntropy, r.numbers("predictive_entropy")) { #expect(isApproximatelyEqual(got, want, absolute: 1e-6, relative: 0)) }
        for (got, want) in zip(u.expectedEntropy, r.numbers("expected_entropy")) { #expect(isApproximatelyEqual(got, want, absolute: 1e-6, relative: 0)) }
        for (got, want) in zip(u.mutualInformation, r.numbers("mutual_information")) { #expect(isApproximatelyEqual(got, want, absolute: 1e-6, relative: 0)) }
    }
}
