import LikelyTensor

extension Metrics {
    /// Accuracy: (1/N) Σᵢ 1{ŷᵢ = yᵢ}, the fraction of correct class predictions.
    /// - Returns: a value in [0, 1]; 0 for empty arrays.
    public static func accuracy(predictions: [Int], labels: [Int]) -> Double {
        requireSameCount(predictions.count, labels.count, "predictions and labels")
        guard !labels.isEmpty else { return 0 }
        var correct = 0
        for i in labels.indices where predictions[i] == labels[i] { correct += 1 }
        return Double(correct) / Double(labels.count)
    }

    /// Accuracy of the most probable class: ŷᵢ = argmax_k pᵢₖ (the first on ties).
    /// - Parameters:
    ///   - probabilities: `[N, K]` class probabilities (or logits: only the argmax matters).
    ///   - labels: N class indices in `0..<K`.
    public static func accuracy(probabilities: Tensor, labels: [Int]) -> Double {
        _ = classProbabilityRows(probabilities, labels: labels)
        return accuracy(predictions: probabilities.argmax(alongAxis: 1), labels: labels)
    }

    /// Multi-class Brier score: (1/N) Σᵢ Σₖ (pᵢₖ − 1{yᵢ = k})².
    ///
    /// A proper score in [0, 2]: 0 for certain and right, 2 for certain and wrong, 1 − 1/K for
    /// the uniform guess. Unlike the NLL it is bounded, so one confident mistake cannot dominate.
    /// - Parameters:
    ///   - probabilities: `[N, K]`, each row a probability vector.
    ///   - labels: N class indices in `0..<K`.
    public static func brierScore(probabilities: Tensor, labels: [Int]) -> Double {
        let (n, k) = classProbabilityRows(probabilities, labels: labels)
        guard n > 0 else { return 0 }
        var sum = 0.0
        probabilities.scalars.withUnsafeBufferPointer { p in
            for i in 0..<n {
                for c in 0..<k {
                    let d = Double(p[i * k + c]) - (c == labels[i] ? 1 : 0)
                    sum += d * d
                }
            }
        }
        return sum / Double(n)
    }

    /// Binary Brier score, (1/N) Σᵢ (pᵢ − yᵢ)², for P(y = 1) = pᵢ and yᵢ ∈ {0, 1}.
    ///
    /// Half the two-class multi-class score above; in [0, 1], 0.25 for always saying ½.
    public static func brierScore(probabilities: [Double], labels: [Bool]) -> Double {
        requireSameCount(probabilities.count, labels.count, "probabilities and labels")
        guard !labels.isEmpty else { return 0 }
        var sum = 0.0
        for i in labels.indices { let d = probabilities[i] - (labels[i] ? 1 : 0); sum += d * d }
        return sum / Double(labels.count)
    }
}
