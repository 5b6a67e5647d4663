import LikelyTensor

/// Calibration of classification confidences in equal-width bins: the data of a reliability
/// diagram, with the expected and maximum calibration errors.
///
/// Bin b of B covers confidences (b/B, (b + 1)/B] (a confidence of exactly 0 goes to the
/// first bin), the same bins as `shared/bench/torch_fashion.py`. Per bin:
/// acc_b = mean correctness, conf_b = mean confidence, n_b = count. Then
/// ECE = Σ_b (n_b / N) |acc_b − conf_b| and MCE = max over non-empty bins of |acc_b − conf_b|.
/// A calibrated model has acc_b ≈ conf_b: bars on the diagonal, ECE near 0. Bars below the
/// diagonal mean over-confidence.
public struct ReliabilityDiagram: Equatable, Sendable {
    /// The number of observations N.
    public let total: Int
    /// Observations per bin, n_b.
    public let counts: [Int]
    /// Mean confidence per bin, conf_b (0 for an empty bin: check `counts`).
    public let meanConfidence: [Double]
    /// Fraction correct per bin, acc_b (0 for an empty bin: check `counts`).
    public let accuracy: [Double]
    /// Expected calibration error, Σ_b (n_b / N) |acc_b − conf_b|, in [0, 1].
    public let expectedCalibrationError: Double
    /// Maximum calibration error over non-empty bins, in [0, 1] (0 when N = 0).
    public let maximumCalibrationError: Double

    /// The number of bins B.
    public var binCount: Int { counts.count }
    /// Bin edges 0, 1/B, …, 1.
    public var edges: [Double] { (0...binCount).map { Double($0) / Double(binCount) } }

    /// Bins confidences with their correctness.
    /// - Parameters:
    ///   - confidences: the probability the model gave its own prediction, each in [0, 1].
    ///   - correct: whether each prediction was right.
    ///   - binCount: B ≥ 1 (15 in `likely evaluate`).
    public init(confidences: [Double], correct: [Bool], binCount: Int = 15) {
        precondition(binCount >= 1, "a reliability diagram needs at least one bin, got \(binCount)")
        Metrics.requireSameCount(confidences.count, correct.count, "confidences and correctness flags")
        var counts = [Int](repeating: 0, count: binCount)
        var confidenceSum = [Double](repeating: 0, count: binCount)
        var correctSum = [Double](repeating: 0, count: binCount)
        let b = Double(binCount)
        for (i, c) in confidences.enumerated() {
            precondition(c >= 0 && c <= 1, "confidence must be in [0, 1], got \(c) at index \(i)")
            // bin (lo, hi]: index ⌈c·B⌉ − 1, nudged so that c ≤ edge exactly decides ties
            var bin = Swift.min(Swift.max(Int((c * b).rounded(.up)) - 1, 0), binCount - 1)
            while bin > 0 && c <= Double(bin) / b { bin -= 1 }
            while bin < binCount - 1 && c > Double(bin + 1) / b { bin += 1 }
            counts[bin] += 1
            confidenceSum[bin] += c
            if correct[i] { correctSum[bin] += 1 }
        }
        let n = confidences.count
        var ece = 0.0, mce = 0.0
        var meanConfidence = [Double](repeating: 0, count: binCount)
        var accuracy = [Double](repeating: 0, count: binCount)
        for bin in 0..<binCount where counts[bin] > 0 {
            meanConfidence[bin] = confidenceSum[bin] / Double(counts[bin])
            accuracy[bin] = correctSum[bin] / Double(counts[bin])
            let gap = Swift.abs(accuracy[bin] - meanConfidence[bin])
            ece += Double(counts[bin]) / Double(n) * gap
            mce = Swift.max(mce, gap)
        }
        self.total = n
        self.counts = counts
        self.meanConfidence = meanConfidence
        self.accuracy = accuracy
        self.expectedCalibrationError = ece
        self.maximumCalibrationError = mce
    }

    /// Reliability of class probabilities: confidence = maxₖ pᵢₖ, correct = (argmax = yᵢ).
    /// - Parameters:
    ///   - probabilities: `[N, K]` class probabilities.
    ///   - labels: N class indices in `0..<K`.
    ///   - binCount: B ≥ 1.
    public init(probabilities: Tensor, labels: [Int], binCount: Int = 15) {
        let (n, k) = Metrics.classProbabilityRows(probabilities, labels: labels)
        var confidences = [Double](repeating: 0, count: n)
        var correct = [Bool](repeating: false, count: n)
        probabilities.scalars.withUnsafeBufferPointer { p in
            for i in 0..<n {
                var best = 0
                for c in 1..<Swift.max(k, 1) where p[i * k + c] > p[i * k + best] { best = c }
                confidences[i] = Swift.min(Swift.max(Double(p[i * k + best]), 0), 1)
                correct[i] = best == labels[i]
            }
        }
        self.init(confidences: confidences, correct: correct, binCount: binCount)
    }

    /// Reliability of a binary classifier giving P(y = 1) = pᵢ: the prediction is 1 when
    /// pᵢ ≥ ½, its confidence max(pᵢ, 1 − pᵢ).
    public init(positiveProbabilities: [Double], labels: [Bool], binCount: Int = 15) {
        Metrics.requireSameCount(positiveProbabilities.count, labels.count, "probabilities and labels")
        let confidences = positiveProbabilities.map { Swift.max($0, 1 - $0) }
        let correct = zip(positiveProbabilities, labels).map { ($0 >= 0.5) == $1 }
        self.init(confidences: confidences, correct: correct, binCount: binCount)
    }
}
