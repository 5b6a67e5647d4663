import LikelyTensor
import Foundation

extension Metrics {
    /// Mean negative log-likelihood: NLL = −(1/N) Σᵢ log p(yᵢ | xᵢ), in nats.
    ///
    /// The one proper score every head shares: it rewards putting probability where the
    /// observations fall, and punishes over-confidence without bound. Compare NLLs only for
    /// targets in the same units (a density's log changes by −log s when y is scaled by s).
    /// - Parameter logLikelihoods: log p(yᵢ | xᵢ) per observation, natural log; `-infinity`
    ///   (an impossible observation) gives an infinite NLL.
    /// - Returns: the mean NLL; 0 for an empty array.
    public static func meanNegativeLogLikelihood(logLikelihoods: [Double]) -> Double {
        guard !logLikelihoods.isEmpty else { return 0 }
        var sum = 0.0
        for l in logLikelihoods { sum -= l }
        return sum / Double(logLikelihoods.count)
    }

    /// Mean NLL of class labels under predicted class probabilities:
    /// −(1/N) Σᵢ log max(pᵢ,yᵢ, 10⁻¹²).
    ///
    /// The floor 10⁻¹² (as in `shared/bench/torch_fashion.py`) keeps a probability that
    /// underflowed to zero in Float from giving an infinite score.
    /// - Parameters:
    ///   - probabilities: `[N, K]`, each row a probability vector.
    ///   - labels: N class indices in `0..<K`.
    public static func meanNegativeLogLikelihood(probabilities: Tensor, labels: [Int]) -> Double {
        let (n, k) = classProbabilityRows(probabilities, labels: labels)
        guard n > 0 else { return 0 }
        var sum = 0.0
        probabilities.scalars.withUnsafeBufferPointer { p in
            for i in 0..<n { sum -= log(max(Double(p[i * k + labels[i]]), 1e-12)) }
        }
        return sum / Double(n)
    }

    /// Root mean squared error: RMSE = √((1/N) Σᵢ (ŷᵢ − yᵢ)²).
    ///
    /// The typical size of a point prediction's error in the target's units, dominated by the
    /// largest errors; for a predictive distribution use its mean as ŷ.
    /// - Returns: 0 for empty arrays.
    public static func rootMeanSquaredError(predictions: [Double], targets: [Double]) -> Double {
        requireSameCount(predictions.count, targets.count, "predictions and targets")
        guard !targets.isEmpty else { return 0 }
        var sum = 0.0
        for i in targets.indices { let e = predictions[i] - targets[i]; sum += e * e }
        return (sum / Double(targets.count)).squareRoot()
    }

    /// Mean absolute error: MAE = (1/N) Σᵢ |ŷᵢ − yᵢ|.
    ///
    /// The average error in the target's units, less sensitive to outliers than RMSE; the
    /// predictive median minimises it.
    /// - Returns: 0 for empty arrays.
    public static func meanAbsoluteError(predictions: [Double], targets: [Double]) -> Double {
        requireSameCount(predictions.count, targets.count, "predictions and targets")
        guard !targets.isEmpty else { return 0 }
        var sum = 0.0
        for i in targets.indices { sum += Swift.abs(predictions[i] - targets[i]) }
        return sum / Double(targets.count)
    }
}
