import Foundation
import LikelyTensor

/// Batch normalization over every axis but the last (features or channels), as one
/// primitive op.
///
/// y = γ·x̂ + β with x̂ = (x − μ)/√(σ² + ε). With `mean`/`variance` given, μ and σ² are
/// those constants (running statistics); otherwise they are the batch's own mean and
/// population variance over the m = count / C elements of each channel, and the pullback
/// runs through them:
/// ∂L/∂x = γ/(m·√(σ² + ε)) · (m·g − Σg − x̂·Σ(g·x̂)); with constants, ∂L/∂x = γ·g/√(σ² + ε).
/// In both cases ∂L/∂γ = Σ g·x̂ and ∂L/∂β = Σ g.
/// - Parameters:
///   - x: `[..., C]`.
///   - scale: γ, `[C]`.
///   - offset: β, `[C]`.
///   - mean: running mean `[C]`, or `nil` to use the batch's.
///   - variance: running variance `[C]`, given together with `mean`.
///   - epsilon: ε > 0.
/// - Returns: y (same shape as x) and the batch statistics it used (μ, σ², each `[C]`).
public func batchNormalized(_ x: Tensor, scale: Tensor, offset: Tensor, mean: Tensor? = nil, variance: Tensor? = nil,
                            epsilon: Float) -> (output: Tensor, mean: [Float], variance: [Float]) {
    precondition(x.rank >= 2, "batch normalization needs a batch axis and a channel axis, got shape \(x.shape)")
    let c = x.shape[x.rank - 1], count = x.count, m = count / c
    precondition(scale.shape == [c] && offset.shape == [c], "scale \(scale.shape) and offset \(offset.shape) must be [\(c)]")
    precondition((mean == nil) == (variance == nil), "running mean and variance must be given together")
    precondition(epsilon > 0, "epsilon must be positive, got \(epsilon)")
    precondition(m > 0, "batch normalization of an empty batch, shape \(x.shape)")
    let usesBatch = mean == nil
    var mu = mean?.scalars ?? [Float](repeating: 0, count: c)
    var sigma2 = variance?.scalars ?? [Float](repeating: 0, count: c)
    if usesBatch {
        // Two passes in Double: the variance of large activations stays accurate.
        var sum = [Double](repeating: 0, count: c), squares = [Double](repeating: 0, count: c)
        x.scalars.withUnsafeBufferPointer { px in
            for r in 0..<m { for j in 0..<c { sum[j] += Double(px[r * c + j]) } }
            for j in 0..<c { mu[j] = Float(sum[j] / Double(m)) }
            for r in 0..<m { for j in 0..<c { let d = Double(px[r * c + j]) - sum[j] / Double(m); squares[j] += d * d } }
        }
        for j in 0..<c { sigma2[j] = Float(squares[j] / Double(m)) }
    }
    let inverseStd = sigma2.map { 1 / ($0 + epsilon).squareRoot() }
    var normalized = [Float](repeating: 0, count: count)
    var out = [Float](repeating: 0, count: count)
    x.scalars.withUnsafeBufferPointer { px in
        scale.scalars.withUnsafeBufferPointer { gamma in
            offset.scalars.withUnsafeBufferPointer { beta in
                normalized.withUnsafeMutableBufferPointer { xh in
                    out.withUnsafeMutableBufferPointer { o in
                        for r in 0..<m {
                            for j in 0..<c {
                                let i = r * c + j
                                xh[i] = (px[i] - mu[j]) * inverseStd[j]
                                o[i] = gamma[j] * xh[i] + beta[j]
                            }
                        }
                    }
                }
            }
        }
    }
    let value = Tensor(shape: x.shape, scalars: out)
    let y = Tensor.record(value, parents: [x, scale, offset]) { g in
        var sumG = [Float](repeating: 0, count: c), sumGX = [Float](repeating: 0, count: c)
        var dx = [Float](repeating: 0, count: x.requiresGradient ? count : 0)
        g.scalars.withUnsafeBufferPointer { pg in
            normalized.withUnsafeBufferPointer { xh in
                for r in 0..<m { for j in 0..<c { sumG[j] += pg[r * c + j]; sumGX[j] += pg[r * c + j] * xh[r * c + j] } }
                if x.requiresGradient {
                    scale.scalars.withUnsafeBufferPointer { gamma in
                        dx.withUnsafeMutableBufferPointer { d in
                            for r in 0..<m {
                                for j in 0..<c {
                                    let i = r * c + j
                                    d[i] = usesBatch
                                        ? gamma[j] * inverseStd[j] / Float(m) * (Float(m) * pg[i] - sumG[j] - xh[i] * sumGX[j])
                                        : gamma[j] * inverseStd[j] * pg[i]
                                }
                            }
                        }
                    }
                }
            }
        }
        return [x.requiresGradient ? Tensor(shape: x.shape, scalars: dx) : nil,
                Tensor(shape: [c], scalars: sumGX), Tensor(shape: [c], scalars: sumG)]
    }
    return (y, mu, sigma2)
}
