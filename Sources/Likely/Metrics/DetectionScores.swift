/// How well one score separates out-of-distribution inputs (positives) from
/// in-distribution ones (negatives), higher scores meaning "more likely out".
///
/// - AUROC: P(s_out > s_in) + ½ P(s_out = s_in), `ROCCurve`'s area; ½ is chance, 1 perfect.
/// - AUPR: average precision with the out-of-distribution inputs as the positive class
///   (scikit-learn's `average_precision_score`); chance is n_out / (n_in + n_out).
/// - FPR95: the false-positive rate at 95 % true-positive rate, the smallest FPR of a
///   threshold that flags at least 95 % of the out-of-distribution inputs; 0 is perfect.
///
/// A score that takes one value on every input (in and out) cannot rank them: its AUROC of ½
/// would read as "chance" when there is nothing to measure, so every value is NaN (`null`
/// in JSON, with the reason of `undefinedReason(_:)`) and `constantValue` holds the value.
public struct DetectionScores: Encodable, Equatable, Sendable {
    /// The area under the ROC curve of the score telling out- from in-distribution inputs.
    public let auroc: Double?
    /// The area under the precision–recall curve, out-of-distribution inputs positive.
    public let aupr: Double?
    /// The false-positive rate at a 95% true-positive rate.
    public let fpr95: Double?
    /// The score's one value when it is the same on every input (then every value is NaN).
    public let constantValue: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case auroc, aupr, fpr95

        static var allKeys: [String] { allCases.map(\.rawValue) }
    }

    /// Scores `inDistribution` (negatives) against `outOfDistribution` (positives).
    /// Every value is `nil` when either side is empty, NaN when the score is constant.
    public init(inDistribution: [Double], outOfDistribution: [Double]) {
        let scores = inDistribution + outOfDistribution
        if let first = scores.first, !inDistribution.isEmpty, !outOfDistribution.isEmpty, scores.allSatisfy({ $0 == first }) {
            (auroc, aupr, fpr95, constantValue) = (.nan, .nan, .nan, first)
            return
        }
        constantValue = nil
        let labels = [Bool](repeating: false, count: inDistribution.count) + [Bool](repeating: true, count: outOfDistribution.count)
        let roc = ROCCurve(scores: scores, labels: labels)
        auroc = roc.area
        aupr = roc.area == nil ? nil : PrecisionRecallCurve(scores: scores, labels: labels).averagePrecision
        fpr95 = roc.area == nil ? nil : zip(roc.truePositiveRates, roc.falsePositiveRates)
            .filter { $0.0 >= 0.95 - 1e-12 }.map(\.1).min()
    }

    /// Explicit values (for reports built elsewhere).
    public init(auroc: Double?, aupr: Double?, fpr95: Double?) {
        (self.auroc, self.aupr, self.fpr95, self.constantValue) = (auroc, aupr, fpr95, nil)
    }

    /// Why the values of the constant score `score` are undefined (nil when it is not constant).
    public func undefinedReason(_ score: UncertaintyScore) -> String? {
        guard let constantValue else { return nil }
        let name = score.rawValue
        let hint = constantValue == 0 && score.isEpistemic
            ? " (a deterministic network has no epistemic spread: fit with --dropout and evaluate with --mc-samples T, or use an ensemble)" : ""
        return "undefined: \(name) is \(constantValue) on every input, in and out, so it cannot rank them\(hint)"
    }
}
