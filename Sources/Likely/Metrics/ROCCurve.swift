import LikelyTensor
/// The receiver operating characteristic of a binary score, and its area.
///
/// Sweeping a threshold t from +∞ down, every observation with score ≥ t is called positive;
/// each distinct score adds one point (FPR, TPR), from (0, 0) to (1, 1). Tied scores move
/// together, giving a diagonal segment. The area under the curve (trapezoids) equals the
/// Mann–Whitney statistic P(s₊ > s₋) + ½ P(s₊ = s₋): 1 is a perfect ranking, ½ chance.
public struct ROCCurve: Equatable, Sendable {
    /// False-positive rates FP / N₋, starting at 0 and ending at 1.
    public let falsePositiveRates: [Double]
    /// True-positive rates TP / N₊, starting at 0 and ending at 1.
    public let truePositiveRates: [Double]
    /// The threshold of each point (+∞ for the first).
    public let thresholds: [Double]
    /// Area under the curve; `nil` when the labels hold only one class (the rates are then
    /// undefined and the curve is empty).
    public let area: Double?

    /// The ROC curve of `scores` (higher means more likely positive) against `labels`.
    public init(scores: [Double], labels: [Bool]) {
        Metrics.requireSameCount(scores.count, labels.count, "scores and labels")
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        guard positives > 0 && negatives > 0 else {
            (falsePositiveRates, truePositiveRates, thresholds, area) = ([], [], [], nil)
            return
        }
        let points = Metrics.cumulativeCounts(scores: scores, labels: labels)
        let fpr = [0.0] + points.map { Double($0.falsePositives) / Double(negatives) }
        let tpr = [0.0] + points.map { Double($0.truePositives) / Double(positives) }
        let thr = [Double.infinity] + points.map(\.score)
        var area = 0.0
        for n in 1..<fpr.count { area += (fpr[n] - fpr[n - 1]) * (tpr[n] + tpr[n - 1]) / 2 }
        (falsePositiveRates, truePositiveRates, thresholds, self.area) = (fpr, tpr, thr, area)
    }
}

/// The precision–recall curve of a binary score and its average precision.
///
/// At each distinct score threshold t (descending), recall R = TP / N₊ and precision
/// P = TP / (TP + FP) for the observations with score ≥ t. Average precision, as scikit-learn
/// defines it, is AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ with R₀ = 0 (a step function, no interpolation). It
/// summarises how pure the top of the ranking is; the chance level is the positive rate N₊ / N.
public struct PrecisionRecallCurve: Equatable, Sendable {
    /// Recall at each threshold, increasing; the first point is (recall 0, precision 1).
    public let recalls: [Double]
    /// Precision at each threshold.
    public let precisions: [Double]
    /// The threshold of each point (+∞ for the first).
    public let thresholds: [Double]
    /// Average precision; `nil` when there is no positive label.
    public let averagePrecision: Double?
    /// The fraction of positive labels N₊ / N, the precision of a random ranking.
    public let positiveRate: Double

    /// The PR curve of `scores` (higher means more likely positive) against `labels`.
    public init(scores: [Double], labels: [Bool]) {
        Metrics.requireSameCount(scores.count, labels.count, "scores and labels")
        let positives = labels.filter { $0 }.count
        positiveRate = labels.isEmpty ? 0 : Double(positives) / Double(labels.count)
        guard positives > 0 else {
            (recalls, precisions, thresholds, averagePrecision) = ([], [], [], nil)
            return
        }
        let points = Metrics.cumulativeCounts(scores: scores, labels: labels)
        let rec = [0.0] + points.map { Double($0.truePositives) / Double(positives) }
        let prec = [1.0] + points.map { Double($0.truePositives) / Double($0.truePositives + $0.falsePositives) }
        let thr = [Double.infinity] + points.map(\.score)
        var ap = 0.0
        for n in 1..<rec.count { ap += (rec[n] - rec[n - 1]) * prec[n] }
        (recalls, precisions, thresholds, averagePrecision) = (rec, prec, thr, ap)
    }
}

extension Metrics {
    /// ROC-AUC of a binary score: P(s₊ > s₋) + ½ P(s₊ = s₋) over positive/negative pairs.
    /// - Returns: `nil` when `labels` hold only one class.
    public static func rocAUC(scores: [Double], labels: [Bool]) -> Double? {
        ROCCurve(scores: scores, labels: labels).area
    }

    /// PR-AUC as average precision, Σₙ (Rₙ − Rₙ₋₁) Pₙ (scikit-learn's definition).
    /// - Returns: `nil` when there is no positive label.
    public static func averagePrecision(scores: [Double], labels: [Bool]) -> Double? {
        PrecisionRecallCurve(scores: scores, labels: labels).averagePrecision
    }

    /// The counts TP and FP of the observations with score ≥ t, at each distinct score t in
    /// descending order (the points of a threshold sweep).
    static func cumulativeCounts(scores: [Double], labels: [Bool]) -> [(score: Double, truePositives: Int, falsePositives: Int)] {
        var tp = 0, fp = 0
        return descendingScoreGroups(scores: scores, labels: labels).map { group in
            tp += group.positives
            fp += group.negatives
            return (group.score, tp, fp)
        }
    }

    /// Observations grouped by equal score, in descending score order, with each group's
    /// positive and negative counts. NaN scores rank lowest.
    static func descendingScoreGroups(scores: [Double], labels: [Bool]) -> [(score: Double, positives: Int, negatives: Int)] {
        let key = scores.map { $0.isNaN ? -Double.infinity : $0 }
        let order = key.indices.sorted { key[$0] > key[$1] }
        var groups: [(score: Double, positives: Int, negatives: Int)] = []
        for i in order {
            if let last = groups.last, last.score == key[i] {
                groups[groups.count - 1].positives += labels[i] ? 1 : 0
                groups[groups.count - 1].negatives += labels[i] ? 0 : 1
            } else {
                groups.append((key[i], labels[i] ? 1 : 0, labels[i] ? 0 : 1))
            }
        }
        return groups
    }
}
