import LikelyTensor

/// Per-feature standardization z = (x − μ) / σ, with μ and σ (population standard
/// deviation, divisor n) fitted on training data only and saved with the model.
///
/// A feature is one position of the trailing shape: column j of a table `[n, d]`, or one
/// pixel-channel of images `[n, h, w, c]`; targets `[n]` are one feature. A feature whose σ is
/// zero, or below 1e-6 · max(1, |μ|) (constant up to rounding), gets σ = 1, so it is only
/// centred and never divided by zero.
///
/// An indicator feature, whose training values are 0 and 1 only (a one-hot category, a 0/1
/// column), also gets σ = 1: it is centred, x − μ, but not divided. Its σ = √(μ(1 − μ)) is
/// about 1/√n for a category seen once in n rows, which would make that row's input √n (83
/// in 7000 rows) and let one row drive the network's outputs to its links' limits; kept in
/// [−1, 1], each category's effect has the same prior under weight decay.
///
/// A fitted standardizer also keeps each feature's training range [min, max] and clips x to it
/// before standardizing: a ReLU network extrapolates linearly outside its data, so one feature
/// far outside the training range (a test row 30 σ out) could move a predicted mean and log
/// scale without bound; clipped, it is predicted as the nearest training edge is.
public struct Standardizer: Codable, Equatable, Sendable {
    /// The per-feature means μ.
    public let mean: [Float]
    /// The per-feature standard deviations σ (1 for constant features).
    public let standardDeviation: [Float]
    /// The trailing shape the statistics apply to (`[d]`, `[h, w, c]`, or `[]` for `[n]`).
    public let featureShape: [Int]
    /// The per-feature training minima and maxima x is clipped to (`nil`: no clipping, as in
    /// model files written before the range was kept).
    public let minimum: [Float]?, maximum: [Float]?

    /// - Parameters:
    ///   - mean: μ per feature.
    ///   - standardDeviation: σ per feature, each > 0.
    ///   - featureShape: the trailing shape; its element count equals `mean.count`.
    ///   - range: per-feature (minimum, maximum) to clip to, minimum ≤ maximum (`nil`: none).
    public init(mean: [Float], standardDeviation: [Float], featureShape: [Int], range: (minimum: [Float], maximum: [Float])? = nil) {
        precondition(mean.count == standardDeviation.count && mean.count == elementCount(featureShape),
                     "mean (\(mean.count)), standardDeviation (\(standardDeviation.count)) and featureShape \(featureShape) disagree")
        precondition(standardDeviation.allSatisfy { $0 > 0 && $0.isFinite }, "standard deviations must be positive and finite, got \(standardDeviation)")
        if let range {
            precondition(range.minimum.count == mean.count && range.maximum.count == mean.count
                         && zip(range.minimum, range.maximum).allSatisfy { $0 <= $1 },
                         "the range needs minimum ≤ maximum for each of the \(mean.count) features, got \(range.minimum) and \(range.maximum)")
        }
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.featureShape = featureShape
        (minimum, maximum) = (range?.minimum, range?.maximum)
    }

    /// Fits μ and σ per feature over the rows (axis 0) of `data` `[n, ...]`, n ≥ 1, with two
    /// passes in Double: μ = Σx / n, σ² = Σ(x − μ)² / n (σ = 1 for an indicator feature); and
    /// the range min x, max x.
    public init(fitting data: Tensor) {
        precondition(data.rank >= 1 && data.shape[0] >= 1, "fitting needs at least one row, got shape \(data.shape)")
        let n = data.shape[0], d = data.count / n
        var sum = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        var low = [Float](repeating: .infinity, count: d), high = [Float](repeating: -.infinity, count: d)
        var indicator = [Bool](repeating: true, count: d)
        data.scalars.withUnsafeBufferPointer { x in
            for r in 0..<n { for j in 0..<d { low[j] = min(low[j], x[r * d + j]); high[j] = max(high[j], x[r * d + j]) } }
            for r in 0..<n { for j in 0..<d where indicator[j] { indicator[j] = x[r * d + j] == 0 || x[r * d + j] == 1 } }
            for r in 0..<n { for j in 0..<d { sum[j] += Double(x[r * d + j]) } }
            for j in 0..<d { sum[j] /= Double(n) }
            for r in 0..<n { for j in 0..<d { let e = Double(x[r * d + j]) - sum[j]; squares[j] += e * e } }
        }
        let finite = low.allSatisfy(\.isFinite) && high.allSatisfy(\.isFinite)
        self.init(mean: sum, squares: squares, count: n, featureShape: Array(data.shape.dropFirst()),
                  indicator: indicator, range: finite ? (low, high) : nil)
    }

    /// (clip(x, min, max) − μ) / σ for `x` of shape `[n] + featureShape`, recorded on the tape
    /// (the clipping is not: it only moves inputs, which take no gradient).
    public func apply(_ x: Tensor) -> Tensor {
        checkShape(x)
        return (clipped(x) - Tensor(shape: featureShape, scalars: mean)) / Tensor(shape: featureShape, scalars: standardDeviation)
    }

    /// x with each feature clipped to its training range (x itself without a range, or when
    /// every value is inside it).
    public func clipped(_ x: Tensor) -> Tensor {
        guard let minimum, let maximum else { return x }
        let d = minimum.count
        var scalars = x.scalars, changed = false
        for i in scalars.indices {
            let j = i % d, v = scalars[i]
            if v < minimum[j] { scalars[i] = minimum[j]; changed = true } else if v > maximum[j] { scalars[i] = maximum[j]; changed = true }
        }
        return changed ? Tensor(shape: x.shape, scalars: scalars) : x
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
