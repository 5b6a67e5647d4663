import Foundation
import Likely

/// The plots `likely fit --plots` writes: loss curves, and the first convolution layer's
/// filters for CNNs. Returns the files written.
enum TrainingPlots {
    /// Every file `write` may create in the directory.
    static let names = ["loss.svg", "filters.svg"]

    @discardableResult
    static func write(history: History, model: ProbabilisticModel, to directory: String,
                      prefix: String = "") throws -> [String] {
        try makeDirectory(directory, option: "--plots")
        var written: [String] = []
        // An ensemble's curves are member 0's (every member is trained alike).
        let epochs = history.epochs.filter { ($0.member ?? 0) == 0 }
        let validation = epochs.compactMap(\.validationNLL)
        let loss = Plots.lossCurves(training: epochs.map(\.loss),
                                    validation: validation.count == epochs.count && !validation.isEmpty ? validation : nil,
                                    yLabel: "NLL per observation")
        written.append(try save(loss, directory, prefix + "loss.svg"))
        // An ensemble's filters are member 0's, as its curves are.
        if let conv = model.members[0].layers.lazy.compactMap({ $0 as? Conv2D }).first {
            written.append(try save(Plots.convolutionFilters(conv.filter), directory, prefix + "filters.svg"))
        }
        return written
    }

    static func save(_ svg: String, _ directory: String, _ name: String) throws -> String {
        let path = DataSource.join(directory, name)
        do {
            try Plots.write(svg, to: path)
        } catch let error as OutputError {
            throw OutputError(path: "--plots \(path)", kind: error.kind, error.problem)
        }
        return path
    }
}

/// The plots `likely evaluate --plots` writes for a report: a reliability diagram
/// (classification), PIT histogram and coverage curve (regression and counts), ROC and PR
/// curves (Bernoulli), the risk–coverage curve, with `--ood` a histogram of each uncertainty
/// score in and out of distribution, and for one-feature regression the data with predictive bands.
enum EvaluationPlots {
    /// An OOD score's name with what it measures where the JSON key alone misleads:
    /// `max_probability` is 1 − maxₖ p̄ₖ (higher: less certain), not the probability itself.
    static func scoreLabel(_ score: UncertaintyScore) -> String {
        score == .maxProbability ? "max_probability (1 − max p)" : score.rawValue
    }

    /// Every file `write` may create in the directory.
    static let names = ["reliability.svg", "pit.svg", "coverage.svg", "roc.svg", "precision_recall.svg", "bands.svg"]

    @discardableResult
    static func write(report: EvaluationReport, model: ProbabilisticModel, data: LoadedData, mcSamples: Int,
                      seed: UInt64, to directory: String, prefix: String = "") throws -> [String] {
        try makeDirectory(directory, option: "--plots")
        var written: [String] = []
        func save(_ svg: String, _ name: String) throws { written.append(try TrainingPlots.save(svg, directory, prefix + name)) }
        if let reliability = report.reliability { try save(Plots.reliabilityDiagram(reliability), "reliability.svg") }
        if let pit = report.pit { try save(Plots.pitHistogram(pit), "pit.svg") }
        if let coverage = report.coverageCurve { try save(Plots.coverageCurve(coverage), "coverage.svg") }
        if let roc = report.roc { try save(Plots.rocCurve(roc), "roc.svg") }
        if let pr = report.precisionRecall { try save(Plots.precisionRecallCurve(pr), "precision_recall.svg") }
        if let curve = report.riskCoverage {
            let riskName = model.head.family.support.isClassification ? "error rate" : "squared error"
            try save(Plots.riskCoverageCurve(curve, riskName: riskName), "risk-coverage.svg")
        }
        if let ood = report.ood {
            for score in ood.values {
                try save(Plots.scoreHistograms(inDistribution: score.inDistribution, outOfDistribution: score.outOfDistribution,
                                               scoreName: scoreLabel(score.score),
                                               auroc: ood.scores[score.score.rawValue]?.auroc.flatMap { $0.isNaN ? nil : $0 }),
                         "ood-\(score.score.rawValue).svg")
            }
        }
        if !model.head.family.support.isClassification, model.inputShape == [1], let targets = data.targets {
            try save(bands(model: model, x: data.features.scalars.map(Double.init), y: targets.scalars.map(Double.init),
                           mcSamples: mcSamples, seed: seed,
                           xLabel: data.featureNames?.first ?? "x", yLabel: data.targetName ?? "y"), "bands.svg")
        }
        return written
    }

    /// One-feature regression: the data, the predictive mean on a grid over the data's
    /// range, and 50% / 95% bands of the total predictive (mixture quantiles) and of the
    /// aleatoric part alone (mean ± z·√(aleatoric variance)).
    static func bands(model: ProbabilisticModel, x: [Double], y: [Double], mcSamples: Int, seed: UInt64,
                      xLabel: String = "x", yLabel: String = "y", gridCount: Int = 200) -> String {
        bands(x: x, y: y, title: mcSamples > 0 ? "Predictive distribution (MC dropout, T = \(mcSamples))" : "Predictive distribution",
              xLabel: xLabel, yLabel: yLabel, gridCount: gridCount) {
            model.predictive($0, mcSamples: mcSamples, seed: seed)
        }
    }

    /// The same plot from any predictive of the `[gridCount, 1]` grid inputs (`predict`),
    /// with `shaded` x intervals as in `Plots.regressionBands`.
    static func bands(x: [Double], y: [Double], title: String, xLabel: String = "x", yLabel: String = "y",
                      shaded: [(range: ClosedRange<Double>, label: String)] = [], gridCount: Int = 200,
                      predict: (Tensor) -> Predictive) -> String {
        let lo = x.min() ?? 0, hi = x.max() ?? 1
        let grid = (0..<gridCount).map { lo + (hi - lo) * Double($0) / Double(gridCount - 1) }
        let predictive = predict(Tensor(shape: [gridCount, 1], scalars: grid.map(Float.init)))
        let mean = predictive.mean
        let aleatoricSD = predictive.aleatoricVariance.map { $0.squareRoot() }
        let levels = [0.5, 0.95]
        let total = levels.map { level -> PredictiveBand in
            let (lower, upper) = predictive.interval(level: level)
            return PredictiveBand(level: level, lower: lower, upper: upper)
        }
        let aleatoric = levels.map { PredictiveBand.normal(mean: mean, standardDeviation: aleatoricSD, level: $0) }
        return Plots.regressionBands(dataX: x, dataY: y, gridX: grid, mean: mean, total: total, aleatoric: aleatoric,
                                     shaded: shaded, title: title, xLabel: xLabel, yLabel: yLabel)
    }
}
