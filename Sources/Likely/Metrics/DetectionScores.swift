/// How well one score separates out-of-distribution inputs (positives) from
/// in-distribution ones (negatives), higher scores meaning "more likely out".
///
/// - AUROC: P(s_out > s_in) + ½ P(s_out = s_in), `ROCCurve`'s area; ½ is chance, 1 perfect.
/// - AUPR: average precision with the out-of-distribution inputs as the positive class
///   (scikit-learn's `average_precision_score`); chance is n_out / (n_in + n_out).
/// - FPR95: the false-positive rate at 95 % true-positive rate, the smallest FPR of a
///   threshold that flags at least 95 % of the out-of-distribution inputs; 0 is perfect.
public struct DetectionScores: Encodable, Equatable, Sendable {
    public let auroc: Double?
    public let aupr: Double?
    public let fpr95: Double?

    /// Scores `inDistribution` (negatives) against `outOfDistribution` (positives).
    /// Every value is `nil` when either side is empty.
    public init(inDistribution: [Double], outOfDistribution: [Double]) {
        let scores = inDistribution + outOfDistribution
        let labels = [Bool](repeating: false, count: inDistribution.count) + [Bool](repeating: true, count: outOfDistribution.count)
        let roc = ROCCurve(scores: scores, labels: labels)
        auroc = roc.area
        aupr = roc.area == nil ? nil : PrecisionRecallCurve(scores: scores, labels: labels).averagePrecision
        fpr95 = roc.area == nil ? nil : zip(roc.truePositiveRates, roc.falsePositiveRates)
            .filter { $0.0 >= 0.95 - 1e-12 }.map(\.1).min()
    }

    /// Explicit values (for reports built elsewhere).
    public init(auroc: Double?, aupr: Double?, fpr95: Double?) {
        (self.auroc, self.aupr, self.fpr95) = (auroc, aupr, fpr95)
    }
}
