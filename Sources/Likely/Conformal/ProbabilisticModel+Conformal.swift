import Foundation

extension ProbabilisticModel {
    /// Split conformal calibration: scores the predictive of `data`, a calibration set the
    /// model was not trained on, stores the scores in `conformal` (saved with the model) and
    /// returns them.
    /// - Parameters:
    ///   - method: the conformity score; default `cqr` for regression and counts, `lac` for classification.
    ///   - mcSamples: T of the predictive (0: deterministic); use the same T when predicting.
    ///   - seed: the seed of its dropout streams.
    @discardableResult
    public func conformalize(on data: Dataset, method: ConformalMethod? = nil, mcSamples: Int = 0,
                             seed: UInt64 = 0) -> ConformalCalibration {
        conformalize(predictive(data.features, mcSamples: mcSamples, seed: seed), targets: data.targets,
                     method: method, mcSamples: mcSamples, seed: seed)
    }

    /// Conformalizes on an already computed predictive of the calibration inputs.
    @discardableResult
    public func conformalize(_ predictive: Predictive, targets: Tensor, method: ConformalMethod? = nil,
                             mcSamples: Int, seed: UInt64) -> ConformalCalibration {
        let method = method ?? (head.family.support.isClassification ? .lac : .cqr)
        let calibration = ConformalCalibration(method: method, scores: predictive.conformityScores(targets: targets, method: method),
                                               mcSamples: mcSamples, seed: seed)
        conformal = calibration
        return calibration
    }

    /// The conformal region of each input of `predictive` at `level`.
    /// - Precondition: the model has been conformalized.
    public func conformalRegion(_ predictive: Predictive, level: Double) -> ConformalRegion {
        guard let conformal else { preconditionFailure("the model has no conformal calibration; call conformalize(on:) first") }
        return predictive.conformalRegion(threshold: conformal.threshold(level: level), method: conformal.method)
    }

    /// Coverage and size of the conformal regions at `level` on labelled data.
    /// - Precondition: the model has been conformalized.
    public func conformalReport(_ predictive: Predictive, targets: Tensor, level: Double) -> ConformalReport {
        guard let conformal else { preconditionFailure("the model has no conformal calibration; call conformalize(on:) first") }
        let y = targets.scalars
        let n = Double(Swift.max(y.count, 1))
        var report = ConformalReport(level: level, method: conformal.method, nCalibration: conformal.count,
                                     threshold: conformal.threshold(level: level), coverage: 0)
        switch conformalRegion(predictive, level: level) {
        case .intervals(let lower, let upper):
            report.coverage = Double((0..<y.count).filter { lower[$0] <= y[$0] && y[$0] <= upper[$0] }.count) / n
            report.meanWidth = zip(lower, upper).reduce(0.0) { $0 + Double($1.1) - Double($1.0) } / n
        case .sets(let sets):
            report.coverage = Double((0..<y.count).filter { sets[$0].contains(Int(y[$0])) }.count) / n
            report.meanSetSize = Double(sets.reduce(0) { $0 + $1.count }) / n
        }
        return report
    }
}
