import LikelyTensor

/// Proper scores and calibration measures for probabilistic predictions.
///
/// Every metric works on plain arrays (`[Double]`, `[Int]`, `[Bool]`) or, for class
/// probabilities, on a `Tensor` of shape `[N, K]`, so that any head or distribution can call
/// it. Scores are means over the N observations unless a name says otherwise; lower is better
/// for losses (NLL, RMSE, MAE, CRPS, Brier, ECE, deviance), higher for accuracy and areas.
/// `docs/metrics.md` gives each formula and how to read it.
public enum Metrics {}

extension Metrics {
    /// Checks that paired per-observation arrays have the same length.
    static func requireSameCount(_ a: Int, _ b: Int, _ what: String) {
        precondition(a == b, "\(what) must have the same count, got \(a) and \(b)")
    }

    /// Rows of a rank-2 `[N, K]` tensor as Double, with the shape checked against `labels`.
    static func classProbabilityRows(_ probabilities: Tensor, labels: [Int]) -> (n: Int, k: Int) {
        precondition(probabilities.rank == 2, "probabilities must have shape [N, K], got \(probabilities.shape)")
        let (n, k) = (probabilities.shape[0], probabilities.shape[1])
        precondition(labels.count == n, "labels must have one entry per row (\(n)), got \(labels.count)")
        if let bad = labels.first(where: { $0 < 0 || $0 >= k }) {
            preconditionFailure("labels must be class indices in 0..<\(k), got \(bad)")
        }
        return (n, k)
    }
}
