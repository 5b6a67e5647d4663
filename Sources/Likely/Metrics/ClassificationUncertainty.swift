import Foundation
import LikelyTensor

/// The uncertainty of an ensemble of T class-probability vectors per input (for instance T
/// MC-dropout passes), split into its aleatoric and epistemic parts.
///
/// With p̄ = (1/T) Σₜ pₜ and H(p) = −Σₖ pₖ log pₖ (nats, 0 log 0 = 0):
/// - predictive entropy H(p̄): the total uncertainty;
/// - expected entropy (1/T) Σₜ H(pₜ): the aleatoric part, what each member itself is unsure of;
/// - mutual information H(p̄) − (1/T) Σₜ H(pₜ) ≥ 0: the epistemic part, how much the members
///   disagree. It is 0 when all members agree and at most log K.
public struct ClassificationUncertainty {
    /// p̄ per input, shape `[N, K]`.
    public let meanProbabilities: Tensor
    /// H(p̄) per input.
    public let predictiveEntropy: [Double]
    /// (1/T) Σₜ H(pₜ) per input.
    public let expectedEntropy: [Double]
    /// H(p̄) − (1/T) Σₜ H(pₜ) per input, clamped at 0 against rounding.
    public let mutualInformation: [Double]

    /// Decomposes member probabilities of shape `[T, N, K]` (or `[T, K]` for one input, N = 1).
    public init(memberProbabilities: Tensor) {
        let shape = memberProbabilities.shape
        precondition(shape.count == 2 || shape.count == 3,
                     "member probabilities must have shape [T, N, K] or [T, K], got \(shape)")
        let t = shape[0], n = shape.count == 3 ? shape[1] : 1, k = shape[shape.count - 1]
        precondition(t >= 1, "member probabilities need at least one member, got shape \(shape)")
        var mean = [Float](repeating: 0, count: n * k)
        var predictive = [Double](repeating: 0, count: n)
        var expected = [Double](repeating: 0, count: n)
        var mutual = [Double](repeating: 0, count: n)
        var meanRow = [Double](repeating: 0, count: k)
        memberProbabilities.scalars.withUnsafeBufferPointer { p in
            for i in 0..<n {
                for c in 0..<k { meanRow[c] = 0 }
                var memberEntropy = 0.0
                for m in 0..<t {
                    let base = (m * n + i) * k
                    for c in 0..<k {
                        let q = Double(p[base + c])
                        meanRow[c] += q
                        if q > 0 { memberEntropy -= q * log(q) }
                    }
                }
                var h = 0.0
                for c in 0..<k {
                    let q = meanRow[c] / Double(t)
                    mean[i * k + c] = Float(q)
                    if q > 0 { h -= q * log(q) }
                }
                predictive[i] = h
                expected[i] = memberEntropy / Double(t)
                mutual[i] = Swift.max(h - expected[i], 0)
            }
        }
        meanProbabilities = Tensor(shape: [n, k], scalars: mean)
        predictiveEntropy = predictive
        expectedEntropy = expected
        mutualInformation = mutual
    }

    /// Decomposes T member probability vectors of one input (T rows of K).
    public init(memberProbabilities rows: [[Double]]) {
        let k = rows.first?.count ?? 0
        precondition(!rows.isEmpty && rows.allSatisfy { $0.count == k },
                     "member probabilities must be T ≥ 1 rows of equal length, got lengths \(rows.map(\.count))")
        self.init(memberProbabilities: Tensor(shape: [rows.count, k], scalars: rows.flatMap { $0.map(Float.init) }))
    }
}
