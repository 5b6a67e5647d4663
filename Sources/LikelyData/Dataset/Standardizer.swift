import LikelyTensor

/// Per-feature standardization z = (x − μ) / σ, with μ and σ (population standard
/// deviation, divisor n) fitted on training data only and saved with the model.
///
/// A feature is one position of the trailing shape: column j of a table `[n, d]`, or one
/// pixel-channel of images `[n, h, w, c]`; targets `[n]` are one feature. A feature whose σ is
/// zero, or below 1e-6 · max(1, |μ|) (constant up to rounding), gets σ = 1, so it is only
/// centred and never divided by zero.
public struct Standardizer: Codable, Equatable, Sendable {
    /// The per-feature means μ.
    public let mean: [Float]
    /// The per-feature standard deviations σ (1 for constant features).
    public let standardDeviation: [Float]
    /// The trailing shape the statistics apply to (`[d]`, `[h, w, c]`, or `[]` for `[n]`).
    public let featureShape: [Int]

    /// - Parameters:
    ///   - mean: μ per feature.
    ///   - standardDeviation: σ per feature, each > 0.
    ///   - featureShape: the trailing shape; its element count equals `mean.count`.
    public init(mean: [Float], standardDeviation: [Float], featureShape: [Int]) {
        precondition(mean.count == standardDeviation.count && mean.count == elementCount(featureShape),
                     "mean (\(mean.count)), standardDeviation (\(standardDeviation.count)) and featureShape \(featureShape) disagree")
        precondition(standardDeviation.allSatisfy { $0 > 0 && $0.isFinite }, "standard deviations must be positive and finite, got \(standardDeviation)")
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.featureShape = featureShape
    }

    /// Fits μ and σ per feature over the rows (axis 0) of `data` `[n, ...]`, n ≥ 1, with two
    /// passes in Double: μ = Σx / n, σ² = Σ(x − μ)² / n.
    public init(fitting data: Tensor) {
        precondition(data.rank >= 1 && data.shape[0] >= 1, "fitting needs at least one row, got shape \(data.shape)")
        let n = data.shape[0], d = data.count / n
        var sum = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        data.scalars.withUnsafeBufferPointer { x in
            for r in 0..<n { for j in 0..<d { sum[j] += Double(x[r * d + j]) } }
            for j in 0..<d { sum[j] /= Double(n) }
            for r in 0..<n { for j in 0..<d { let e = Double(x[r * d + j]) - sum[j]; squares[j] += e * e } }
        }
        self.init(mean: sum, squares: squares, count: n, featureShape: Array(data.shape.dropFirst()))
    }

    /// (x − μ) / σ for `x` of shape `[n] + featureShape`, recorded on the tape.
    public func apply(_ x: Tensor) -> Tensor {
        checkShape(x)
        return (x - Tensor(shape: featureShape, scalars: mean)) / Tensor(shape: featureShape, scalars: standardDeviation)
    }

    /// x · σ + μ: standardized values back to original units.
    public func invert(_ z: Tensor) -> Tensor {
        checkShape(z)
        return z * Tensor(shape: featureShape, scalars: standardDeviation) + Tensor(shape: featureShape, scalars: mean)
    }

    /// s · σ: a scale (standard deviation, interval width) back to original units.
    public func invertScale(_ s: Tensor) -> Tensor {
        checkShape(s)
        return s * Tensor(shape: featureShape, scalars: standardDeviation)
    }

    private func checkShape(_ x: Tensor) {
        precondition(x.rank >= 1 && Array(x.shape.dropFirst()) == featureShape,
                     "the standardizer was fitted on rows of shape \(featureShape), got a tensor of shape \(x.shape)")
    }
}
