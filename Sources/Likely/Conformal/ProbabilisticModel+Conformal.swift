import Foundation

extension ProbabilisticModel {
    /// The fraction of a RAPS calibration set that tunes k_reg and λ (Angelopoulos et al.'s
    /// `pct_paramtune`); the rest gives the scores.
    public static let rapsTuningFraction = 0.3

    /// Split conformal calibration: scores the predictive of `data`, a calibration set the
    /// model was not trained on, stores the scores in `conformal` (saved with the model) and
    /// returns them.
    /// - Parameters:
    ///   - method: the conformity score; default `dcp` for regression and counts, `lac` for classification.
    ///   - level: L, required by `cqr` and `raps` (whose scores depend on it) and taken by no other.
    ///   - mcSamples: T of the predictive (0: deterministic); use the same T when predicting.
    ///   - seed: the seed of its dropout streams and of the uniforms of `aps` and `raps`.
    @discardableResult
    public func conformalize(on data: Dataset, method: ConformalMethod? = nil, level: Double? = nil, mcSamples: Int = 0,
                             seed: UInt64 = 0) -> ConformalCalibration {
        conformalize(predictive(data.features, mcSamples: mcSamples, seed: seed), targets: data.targets,
                     method: method, level: level, mcSamples: mcSamples, seed: seed)
    }

    /// Conformalizes on an already computed predictive of the calibration inputs.
    ///
    /// For `raps` with n ≥ 10 a seeded ⌊0.3n⌋ of the inputs (a shuffle of the stream (seed,
    /// `.conformalTuning`)) tunes k_reg and λ (`Predictive.rapsScore`) and the other inputs give
    /// the scores; with fewer inputs all of them do both.
    @discardableResult
    public func conformalize(_ predictive: Predictive, targets: Tensor, method: ConformalMethod? = nil, level: Double? = nil,
                             mcSamples: Int, seed: UInt64) -> ConformalCalibration {
        let method = method ?? (head.family.support.isClassification ? .lac : .dcp)
        var score = ConformalScore(method, level: level)
        var scored = Array(0..<predictive.count)
        if method == .raps, let level {
            var tuning = scored
            if predictive.count >= 10 {
                var random = RandomSource(key: StreamKey(seed: seed, purpose: .conformalTuning))
                random.shuffle(&tuning)
                let m = Int(Double(predictive.count) * Self.rapsTuningFraction)
                scored = Array(tuning[m...]).sorted()
                tuning = Array(tuning[..<m])
            }
            score = predictive.rapsScore(targets: targets, level: level, rows: tuning, seed: seed)
        }
        let all = predictive.conformityScores(targets: targets, score: score, seed: seed)
        var calibration = ConformalCalibration(score: score, scores: scored.map { all[$0] }, mcSamples: mcSamples, seed: seed)
        if let method = predictive.method, !["network", "dropout"].contains(method) { calibration.predictive = method }
        conformal = calibration
        return calibration
    }

    /// The conformal region of each input of `predictive` at `level`.
    /// - Parameter seed: keys the uniforms of `aps` and `raps` (input i: (seed, `.conformalRandomisation`, 0, i)).
    /// - Precondition: the model has been conformalized, at `level` for `cqr` and `raps`.
    public func conformalRegion(_ predictive: Predictive, level: Double, seed: UInt64 = 0) -> ConformalRegion {
        let conformal = calibration(for: level)
        return predictive.conformalRegion(threshold: conformal.threshold(level: level), score: conformal.score, seed: seed)
    }

    /// Coverage and size of the conformal regions at `level` on labelled data.
    /// - Precondition: the model has been conformalized, at `level` for `cqr` and `raps`.
    public func conformalReport(_ predictive: Predictive, targets: Tensor, level: Double, seed: UInt64 = 0) -> ConformalReport {
        let conformal = calibration(for: level)
        let y = targets.scalars
        let n = Double(Swift.max(y.count, 1))
        var report = ConformalReport(level: level, method: conformal.method, nCalibration: conformal.count,
                                     threshold: conformal.threshold(level: level), coverage: 0)
        report.unboundedReason = conformal.unboundedReason(level: level)
        switch conformalRegion(predictive, level: level, seed: seed) {
        case .intervals(let lower, let upper):
            report.coverage = Double((0..<y.count).filter { lower[$0] <= y[$0] && y[$0] <= upper[$0] }.count) / n
            // An empty cqr interval (lower > upper) has width 0.
            report.meanWidth = zip(lower, upper).reduce(0.0) { $0 + Swift.max(Double($1.1) - Double($1.0), 0) } / n
        case .sets(let sets):
            report.coverage = Double((0..<y.count).filter { sets[$0].contains(Int(y[$0])) }.count) / n
            report.meanSetSize = Double(sets.reduce(0) { $0 + $1.count }) / n
        }
        return report
    }

    private func calibration(for level: Double) -> ConformalCalibration {
        guard let conformal else { preconditionFailure("the model has no conformal calibration; call conformalize(on:) first") }
        if let stored = conformal.score.level {
            precondition(stored == level, "the \(conformal.method.rawValue) scores were made for level \(stored), not \(level)")
        }
        return conformal
    }
}
