import Foundation
import Likely
import Testing

/// The conventions of `EvaluationReport`: one Brier score for Bernoulli and 2-class
/// categorical heads, coverage that leaves NaN bounds out, and JSON `null` (with a note) for
/// every number that is not finite.
@Suite struct ReportConventionTests {
    static func model(_ head: Head) throws -> ProbabilisticModel {
        var random = RandomSource(seed: 1)
        return try ProbabilisticModel(architecture: .mlp, inputShape: [1], head: head, hidden: [2], dropout: 0, using: &random)
    }

    /// p = (0.9, 0.2, 0.6), y = (1, 0, 0): binary (p − y)² averages (0.01 + 0.04 + 0.36)/3 =
    /// 0.136667; the multi-class score counts both classes, twice that.
    @Test func bernoulliAndTwoClassCategoricalReportTheSameBrier() throws {
        let p: [Float] = [0.9, 0.2, 0.6], y = Tensor([1, 0, 0])
        let bernoulli = Predictive(head: Head(.bernoulli), members: [Bernoulli(probs: Tensor(p))])
        let categorical = Predictive(head: Head(.categorical, classCount: 2),
                                     members: [Categorical(probs: Tensor(shape: [3, 2], scalars: p.flatMap { [1 - $0, $0] }))])
        let b = try Self.model(Head(.bernoulli)).evaluate(bernoulli, targets: y, mcSamples: 0)
        let c = try Self.model(Head(.categorical, classCount: 2)).evaluate(categorical, targets: y, mcSamples: 0)
        let binary = (0.01 + 0.04 + 0.36) / 3
        #expect(abs((b.brier ?? .nan) - 2 * binary) < 1e-6, "bernoulli brier \(String(describing: b.brier))")
        #expect(abs((c.brier ?? .nan) - 2 * binary) < 1e-6, "categorical brier \(String(describing: c.brier))")
        #expect(abs((b.brierBinary ?? .nan) - binary) < 1e-6)
        #expect(c.brierBinary == nil)
    }

    /// Two intervals [0, 2] and one [NaN, 5]: y = (1, 3, 4) is 1 of 2 scored, not 1 of 3.
    @Test func coverageLeavesNaNBoundsOut() {
        let c = Metrics.coverage(lower: [0, 0, .nan], upper: [2, 2, 5], observations: [1, 3, 4])
        #expect(c == 0.5)
        #expect(Metrics.undefinedBoundCount(lower: [0, 0, .nan], upper: [2, 2, 5]) == 1)
        #expect(Metrics.coverage(lower: [-.infinity], upper: [.infinity], observations: [7]) == 1)
        #expect(Metrics.coverage(lower: [.nan], upper: [1], observations: [0]).isNaN)
    }

    /// A Gamma head with concentration 0.1: its 0.05-quantiles (5.9e-14, scipy) were NaN and
    /// every interval counted as a miss. Targets drawn from the same Gamma are covered at
    /// about the nominal level.
    @Test func smallConcentrationGammaIntervalsCoverAtTheirLevel() throws {
        let n = 4000
        let gamma = Gamma(concentration: .full(0.1, shape: [n]), rate: .full(1, shape: [n]))
        var random = RandomSource(seed: 9)
        let y = gamma.sample(using: &random)
        let predictive = Predictive(head: Head(.gamma), members: [gamma])
        let report = try Self.model(Head(.gamma)).evaluate(predictive, targets: y, mcSamples: 0)
        let covered = try #require(report.coverage?[0.9])
        // 5 binomial standard errors √(0.9 · 0.1 / 4000) = 0.0047.
        #expect(abs(covered - 0.9) < 0.024, "coverage at 0.9: \(covered)")
        #expect(report.coverageExcluded == nil)
    }

    @Test func nonFiniteNumbersAreNullWithANote() throws {
        struct Sample: Encodable { var finite = 1.5; var missing = Double.nan; var levels = ["0.9": Double.infinity] }
        let text = try JSONNumbers.encode(Sample())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
        #expect(object["finite"] as? Double == 1.5)
        #expect(object["missing"] is NSNull, "\(text)")
        #expect((object["levels"] as? [String: Any])?["0.9"] is NSNull, "\(text)")
        let notes = try #require(object["notes"] as? [String: String], "\(text)")
        #expect(notes == ["/missing": "not a number (undefined)", "/levels/0.9": "+infinity"], "\(text)")
    }
}
