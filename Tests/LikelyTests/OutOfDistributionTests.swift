import Foundation
import Likely
import LikelyTestSupport
import Testing

/// AUROC, AUPR and FPR95 against scikit-learn (`Fixtures/uncertainty`), and the report's scores.
struct OutOfDistributionTests {
    @Test func detectionScoresMatchScikitLearn() throws {
        let cases = try MetricsFixture.load(file: "uncertainty/uncertainty_reference.json").objects("ood")
        #expect(cases.count == 4)
        for c in cases {
            let scores = DetectionScores(inDistribution: c.numbers("in"), outOfDistribution: c.numbers("out"))
            let name = c["name"] as? String ?? "?"
            #expect(isApproximatelyEqual(scores.auroc!, c.number("auroc"), absolute: 1e-12, relative: 1e-12), "\(name) auroc")
            #expect(isApproximatelyEqual(scores.aupr!, c.number("aupr"), absolute: 1e-12, relative: 1e-12), "\(name) aupr")
            #expect(isApproximatelyEqual(scores.fpr95!, c.number("fpr95"), absolute: 1e-12, relative: 1e-12), "\(name) fpr95")
        }
    }

    /// In 0.1, 0.2, 0.3, 0.4 against out 0.35, 0.5: pairs out > in are 3 + 4 of 8, AUROC 7/8;
    /// ranked 0.5 (out), 0.4, 0.35 (out), …: AP = ½·1 + ½·(2/3) = 5/6; 95 % TPR needs the
    /// threshold 0.35, which flags 0.4 too: FPR95 = 1/4.
    @Test func handWorked() {
        let s = DetectionScores(inDistribution: [0.1, 0.2, 0.3, 0.4], outOfDistribution: [0.35, 0.5])
        #expect(abs(s.auroc! - 7.0 / 8) < 1e-15)
        #expect(abs(s.aupr! - 5.0 / 6) < 1e-15)
        #expect(abs(s.fpr95! - 0.25) < 1e-15)
        #expect(DetectionScores(inDistribution: [], outOfDistribution: [1]).auroc == nil)
    }

    /// Two members that agree in distribution and disagree outside: mutual information tells
    /// the two apart perfectly, as do entropy and 1 − max p̄ here.
    @Test func classificationReport() {
        func predictive(_ a: [Float], _ b: [Float]) -> Predictive {
            Predictive(head: Head(.categorical, classCount: 2),
                       members: [Categorical(probs: Tensor(shape: [2, 2], scalars: a)), Categorical(probs: Tensor(shape: [2, 2], scalars: b))])
        }
        let inside = predictive([0.95, 0.05, 0.1, 0.9], [0.9, 0.1, 0.05, 0.95])
        let outside = predictive([0.9, 0.1, 0.2, 0.8], [0.1, 0.9, 0.8, 0.2])
        let report = OutOfDistributionReport(inDistribution: inside, outOfDistribution: outside)
        #expect(report.nIn == 2 && report.nOut == 2)
        #expect(Set(report.scores.keys) == ["entropy", "mutual_information", "max_probability"])
        #expect(report.scores["mutual_information"]?.auroc == 1)
        #expect(report.scores["max_probability"]?.fpr95 == 0)
    }

    @Test func regressionScoreNames() {
        let p = Predictive(head: Head(.normal), members: [Normal(loc: Tensor([0, 1]), scale: Tensor([1, 2]))])
        #expect(p.uncertaintyScores.map(\.score) == [.sd, .epistemicSD])
        #expect(p.uncertaintyScores[0].values == [1, 2])
        #expect(p.uncertaintyScores[1].values == [0, 0])
    }
}
