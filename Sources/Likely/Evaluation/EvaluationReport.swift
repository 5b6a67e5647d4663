import Foundation

/// Proper scores and calibration of a predictive on labelled data, with the JSON keys of
/// `likely evaluate --json` (`docs/cli.md`).
public struct EvaluationReport: Encodable {
    /// Observations scored.
    public var n: Int
    /// T, the MC-dropout passes (0: deterministic).
    public var mcSamples: Int
    /// M, the ensemble members whose mixture was scored (1: a single network).
    public var members = 1
    /// The uncertainty method of the predictive (`network`, `dropout`, `laplace`, …).
    public var predictive = "network"
    /// The draws per member the method actually made (T, or 100 for a Laplace predictive
    /// at T = 0 without a closed form, 1 for the network and the probit form).
    public var draws = 1
    /// The Laplace posterior's structure, prior precision (per member) and evidence, when the
    /// predictive is the Laplace one.
    public var laplace: LaplaceSummary?
    /// Mean negative log-likelihood per observation, natural log, original units.
    public var nll: Double
    // Regression and counts
    /// Root mean squared error of the predictive mean.
    public var rmse: Double?
    /// Mean absolute error of the predictive mean.
    public var mae: Double?
    /// Mean continuous ranked probability score (original units; lower is better).
    public var crps: Double?
    /// Fraction of observations inside the central predictive interval, keyed by its level
    /// (0.5, 0.8, 0.9, 0.95: `report.coverage?[0.9]`; the JSON keys are "0.5", …), over the
    /// observations whose interval has no NaN bound (an infinite bound covers).
    public var coverage: [Double: Double]?
    /// Per level, how many observations were left out of `coverage` because a bound of their
    /// interval was NaN (absent when none was).
    public var coverageExcluded: [Double: Int]?
    // Classification
    /// Share of inputs whose most probable class (of the mean probabilities) is the label.
    public var accuracy: Double?
    /// The multi-class Brier score (1/N) Σᵢ Σₖ (pᵢₖ − 1{yᵢ = k})² for every classification head,
    /// Bernoulli included (K = 2): a 2-class categorical and a Bernoulli agree.
    public var brier: Double?
    /// Bernoulli only: the binary Brier score (1/N) Σᵢ (pᵢ − yᵢ)² (scikit-learn's), half of `brier`.
    public var brierBinary: Double?
    /// Expected calibration error: the count-weighted mean gap |accuracy − confidence| over
    /// equal-width confidence bins.
    public var ece: Double?
    /// Maximum calibration error: the largest such gap of a non-empty bin.
    public var mce: Double?
    // Bernoulli
    /// Area under the ROC curve of P(y = 1).
    public var rocAUC: Double?
    /// Average precision (area under the precision–recall curve) of P(y = 1).
    public var prAUC: Double?
    /// Area under the risk–coverage curve (selective prediction; lower is better).
    public var aurc: Double?
    /// Out-of-distribution detection against other data (`evaluate --ood`).
    public var ood: OutOfDistributionReport?
    /// Coverage and size of conformal regions (`evaluate --level`).
    public var conformal: ConformalReport?

    /// Reliability-diagram data (classification).
    public var reliability: ReliabilityDiagram?
    /// PIT histogram (regression and counts).
    public var pit: PITHistogram?
    /// Observed against nominal coverage (regression and counts).
    public var coverageCurve: IntervalCoverage?
    /// The ROC curve (Bernoulli).
    public var roc: ROCCurve?
    /// The precision–recall curve (Bernoulli).
    public var precisionRecall: PrecisionRecallCurve?
    /// Selective risk against coverage.
    public var riskCoverage: RiskCoverageCurve?

    enum CodingKeys: String, CodingKey {
        case n, mcSamples = "mc_samples", members, predictive, draws, laplace, nll, rmse, mae, crps, coverage, accuracy, brier, ece, mce
        case coverageExcluded = "coverage_excluded", brierBinary = "brier_binary"
        case rocAUC = "roc_auc", prAUC = "pr_auc", aurc, ood, conformal
    }

    /// The JSON object of `likely evaluate --json` (the curves are left out).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(n, forKey: .n)
        try c.encode(mcSamples, forKey: .mcSamples)
        try c.encode(members, forKey: .members)
        try c.encode(predictive, forKey: .predictive)
        try c.encode(draws, forKey: .draws)
        try c.encodeIfPresent(laplace, forKey: .laplace)
        try c.encode(nll, forKey: .nll)
        for (key, value) in [(CodingKeys.rmse, rmse), (.mae, mae), (.crps, crps), (.accuracy, accuracy), (.brier, brier),
                             (.brierBinary, brierBinary), (.ece, ece), (.mce, mce), (.rocAUC, rocAUC), (.prAUC, prAUC), (.aurc, aurc)] {
            try c.encodeIfPresent(value, forKey: key)
        }
        // JSON object keys are strings: the levels as "0.5", "0.8", "0.9", "0.95".
        try c.encodeIfPresent(coverage.map(Self.stringKeyed), forKey: .coverage)
        try c.encodeIfPresent(coverageExcluded.map(Self.stringKeyed), forKey: .coverageExcluded)
        try c.encodeIfPresent(ood, forKey: .ood)
        try c.encodeIfPresent(conformal, forKey: .conformal)
    }

    /// A level-keyed dictionary with the levels written as JSON keys ("0.9").
    static func stringKeyed<Value>(_ byLevel: [Double: Value]) -> [String: Value] {
        Dictionary(uniqueKeysWithValues: byLevel.map { (levelKey($0.key), $0.value) })
    }

    /// The report as one line of JSON (keys sorted, absent metrics left out, a number that is
    /// not finite as `null` with its reason under `"notes"`: `JSONNumbers`).
    public var json: String {
        let reasons = (ood?.undefinedReasons(at: ["ood"]) ?? [:]).merging(conformal?.undefinedReasons(at: ["conformal"]) ?? [:]) { a, _ in a }
        return (try? JSONNumbers.encode(self, reasons: reasons)) ?? "{\"error\": \"the report could not be encoded\"}"
    }

    /// A short human-readable table.
    public var table: String {
        var rows: [(String, String)] = [("n", "\(n)"), ("mc_samples", "\(mcSamples)")]
        if members > 1 { rows.append(("members", "\(members)")) }
        rows.append(("predictive", "\(predictive) (\(draws) draw\(draws == 1 ? "" : "s"))"))
        if let laplace {
            rows.append(("laplace", "\(laplace.structure), prior precision \(laplace.priorPrecision.map { $0.map(fmt).joined(separator: "/") }.joined(separator: ", ")), "
                         + "log evidence \(laplace.logMarginalLikelihood.map(fmt).joined(separator: ", "))"))
        }
        rows.append(("nll", fmt(nll)))
        for (key, value) in [("rmse", rmse), ("mae", mae), ("crps", crps), ("accuracy", accuracy), ("brier", brier),
                             ("brier_binary", brierBinary),
                             ("ece", ece), ("mce", mce), ("roc_auc", rocAUC), ("pr_auc", prAUC), ("aurc", aurc)] {
            if let value { rows.append((key, fmt(value))) }
        }
        if let coverage {
            for level in IntervalCoverage.standardLevels {
                rows.append(("coverage \(EvaluationReport.levelKey(level))", fmt(coverage[level] ?? .nan)))
            }
        }
        if let ood {
            rows.append(("ood n_in / n_out", "\(ood.nIn) / \(ood.nOut)"))
            for name in ood.scores.keys.sorted() {
                let s = ood.scores[name]!
                rows.append(("ood \(name)", "auroc \(fmt(s.auroc)) aupr \(fmt(s.aupr)) fpr95 \(fmt(s.fpr95))"))
            }
        }
        if let c = conformal {
            rows.append(("conformal \(EvaluationReport.levelKey(c.level)) (\(c.method.rawValue), n \(c.nCalibration))",
                         "coverage \(fmt(c.coverage)) " + (c.meanSetSize.map { "mean set size \(fmt($0))" } ?? "mean width \(fmt(c.meanWidth))")))
        }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }

    private func fmt(_ x: Double) -> String { String(format: "%.4f", x) }
    private func fmt(_ x: Double?) -> String { x.flatMap { $0.isNaN ? nil : fmt($0) } ?? "undefined" }

    static func levelKey(_ level: Double) -> String {
        level == level.rounded(.down) ? "\(Int(level))" : String(format: "%g", level)
    }
}

extension ProbabilisticModel {
    /// Scores the predictive of `data` (raw features, targets in original units).
    /// - Parameters:
    ///   - data: labelled examples.
    ///   - mcSamples: T MC-dropout passes (0: the deterministic network).
    ///   - seed: the seed of the dropout streams and of sample-based scores.
    ///   - bins: equal-width confidence bins of the reliability diagram.
    public func evaluate(_ data: Dataset, mcSamples: Int = 0, seed: UInt64 = 0, bins: Int = 15) -> EvaluationReport {
        evaluate(predictive(data.features, mcSamples: mcSamples, seed: seed), targets: data.targets,
                 mcSamples: mcSamples, seed: seed, bins: bins)
    }

    /// Scores an already computed predictive against `targets` `[N]`.
    /// - Parameters:
    ///   - predictive: the predictive of N inputs.
    ///   - targets: `[N]` observations in original units, or class indices.
    ///   - mcSamples: the T it was computed with (0: deterministic), for the report.
    ///   - seed: the seed of sample-based scores (CRPS of mixtures, randomized PIT).
    ///   - bins: equal-width confidence bins of the reliability diagram.
    ///   - progress: told the name of each score as it is computed (`nll`, `aurc`, then
    ///     `accuracy, brier, ece` or `rmse, mae`, `crps`, `pit`, `coverage`), e.g. for a
    ///     progress line.
    public func evaluate(_ predictive: Predictive, targets: Tensor, mcSamples: Int, seed: UInt64 = 0,
                         bins: Int = 15, progress: ((String) -> Void)? = nil) -> EvaluationReport {
        let n = targets.count
        progress?("nll")
        let logLikelihood = predictive.logLikelihood(targets)
        var report = EvaluationReport(n: n, mcSamples: mcSamples,
                                      nll: -logLikelihood.reduce(0.0) { $0 + Double($1) } / Double(max(n, 1)))
        report.members = memberCount
        report.predictive = predictive.method ?? ConformalCalibration.predictiveName(mcSamples: mcSamples)
        report.draws = predictive.draws ?? max(mcSamples, 1)
        if [LaplaceMethod.name, LaplaceNNMethod.name].contains(report.predictive), let laplace { report.laplace = LaplaceSummary(laplace) }
        let y = targets.scalars.map(Double.init)
        progress?("aurc")
        let selective = predictive.riskCoverage(targets: targets)
        report.riskCoverage = selective
        report.aurc = selective.area
        if head.family.support.isClassification {
            progress?("accuracy, brier, ece")
            let labels = targets.scalars.map { Int($0) }
            let probabilities = predictive.classification.meanProbabilities
            report.accuracy = Metrics.accuracy(probabilities: probabilities, labels: labels)
            report.brier = Metrics.brierScore(probabilities: probabilities, labels: labels)
            let diagram = ReliabilityDiagram(probabilities: probabilities, labels: labels, binCount: bins)
            report.reliability = diagram
            report.ece = diagram.expectedCalibrationError
            report.mce = diagram.maximumCalibrationError
            if head.family.support == .binary {
                let scores = (0..<n).map { Double(probabilities.scalars[2 * $0 + 1]) }
                let positive = labels.map { $0 == 1 }
                report.roc = ROCCurve(scores: scores, labels: positive)
                report.precisionRecall = PrecisionRecallCurve(scores: scores, labels: positive)
                report.brierBinary = Metrics.brierScore(probabilities: scores, labels: positive)  // (p − y)², as sklearn
                report.rocAUC = report.roc?.area
                report.prAUC = report.precisionRecall?.averagePrecision
            }
        } else {
            progress?("rmse, mae")
            let mean = predictive.mean
            report.rmse = Metrics.rootMeanSquaredError(predictions: mean, targets: y)
            report.mae = Metrics.meanAbsoluteError(predictions: mean, targets: y)
            progress?("crps")
            // Counts: the CRPS, every interval and the PIT from one cdf table per input.
            let counts = head.family.support == .counts
                ? CountMixtureScores(predictive, observations: y, levels: IntervalCoverage.standardLevels) : nil
            report.crps = counts?.crps ?? predictive.continuousRankedProbabilityScore(observations: y, seed: seed)
            progress?("pit")
            let rows = counts == nil ? predictive.rowMixture : nil
            let pit = probabilityIntegralTransform(predictive, targets: targets, seed: seed, counts: counts, rows: rows)
            report.pit = PITHistogram(values: pit)
            progress?("coverage")
            // Continuous members: yᵢ lies in [Q((1 − L)/2), Q((1 + L)/2)] exactly when F(yᵢ) lies
            // in [(1 − L)/2, (1 + L)/2], so the PIT values give every level with no quantile
            // inverted. Counts: the bounds of their cdf table; otherwise all levels in one search.
            let standard = IntervalCoverage.standardLevels
            let bounds = counts == nil && rows == nil ? predictive.quantiles(standard.flatMap { [(1 - $0) / 2, (1 + $0) / 2] }) : []
            var levels: [Double: Double] = [:], excluded: [Double: Int] = [:], observed: [Double] = []
            for (index, level) in standard.enumerated() {
                let c: Double, left: Int
                if rows != nil {
                    (c, left) = (Metrics.coverage(probabilityIntegralTransforms: pit, level: level), pit.filter(\.isNaN).count)
                } else {
                    let (lower, upper) = counts?.intervals[level] ?? (bounds[2 * index], bounds[2 * index + 1])
                    let (l, u) = (lower, upper)
                    (c, left) = (Metrics.coverage(lower: l, upper: u, observations: y), Metrics.undefinedBoundCount(lower: l, upper: u))
                }
                levels[level] = c
                if left > 0 { excluded[level] = left }
                observed.append(c)
            }
            report.coverage = levels
            report.coverageExcluded = excluded.isEmpty ? nil : excluded
            report.coverageCurve = IntervalCoverage(levels: standard, observed: observed, count: n)
        }
        return report
    }

    /// PIT values F(yᵢ); for count families the randomized PIT F(y − 1) + u·(F(y) − F(y − 1)),
    /// with F read from `counts` when given, or in Double from `rows` (a continuous mixture).
    func probabilityIntegralTransform(_ predictive: Predictive, targets: Tensor, seed: UInt64,
                                      counts: CountMixtureScores? = nil, rows: (any RowMixture)? = nil) -> [Double] {
        let upper = counts?.cdfAt ?? rows?.cdf(targets.scalars.map(Double.init)) ?? predictive.cdf(targets)
        guard head.family.support == .counts else { return upper }
        let lower = counts?.cdfBelow ?? predictive.cdf(targets - 1)
        var random = RandomSource(key: StreamKey(seed: seed, purpose: .randomizedPIT))
        return zip(lower, upper).map { l, u in l + random.uniform() * (u - l) }
    }
}

/// What a report says of a Laplace posterior: `{"structure", "prior_precision",
/// "log_marginal_likelihood"}`, one entry per member (a member's prior precision is a list:
/// one value, or one per layer).
public struct LaplaceSummary: Encodable, Equatable, Sendable {
    /// `last-layer` or `full`.
    public var structure: String
    /// δ of each member (one, or one per layer).
    public var priorPrecision: [[Double]]
    /// The Laplace evidence of each member, original units.
    public var logMarginalLikelihood: [Double]

    /// The summary of `laplace`.
    public init(_ laplace: LaplaceApproximation) {
        structure = laplace.structure.rawValue
        priorPrecision = laplace.members.map(\.priorPrecision)
        logMarginalLikelihood = laplace.members.map(\.logMarginalLikelihood)
    }

    enum CodingKeys: String, CodingKey {
        case structure, priorPrecision = "prior_precision", logMarginalLikelihood = "log_marginal_likelihood"
    }
}
