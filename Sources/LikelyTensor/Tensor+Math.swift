import Foundation

// Element-wise math. Each op states its derivative in terms of the input x and output y.

/// eˣ.  dy/dx = y.
public func exp(_ x: Tensor) -> Tensor { Tensor.mapWithDerivative(x, expf) { _, y in y } }

/// ln x (−∞ at 0, NaN below 0 as in IEEE arithmetic).  dy/dx = 1/x.
public func log(_ x: Tensor) -> Tensor { Tensor.mapWithDerivative(x, logf) { x, _ in 1 / x } }

/// ln(1 + x), accurate for small x.  dy/dx = 1/(1 + x).
public func log1p(_ x: Tensor) -> Tensor { Tensor.mapWithDerivative(x, log1pf) { x, _ in 1 / (1 + x) } }

/// eˣ − 1, accurate for small x.  dy/dx = y + 1.
public func expm1(_ x: Tensor) -> Tensor { Tensor.mapWithDerivative(x, expm1f) { _, y in y + 1 } }

/// √x.  dy/dx = 1/(2y).
public func sqrt(_ x: Tensor) -> Tensor { Tensor.mapWithDerivative(x, sqrtf) { _, y in 0.5 / y } }

/// x².  dy/dx = 2x.
public func square(_ x: Tensor) -> Tensor { Tensor.mapWithDerivative(x, { $0 * $0 }) { x, _ in 2 * x } }

/// xᵖ for a constant exponent.  dy/dx = p·xᵖ⁻¹.
public func pow(_ x: Tensor, _ p: Float) -> Tensor {
    Tensor.mapWithDerivative(x, { powf($0, p) }) { x, _ in p * powf(x, p - 1) }
}

/// xʸ for a tensor exponent and positive base, as exp(y · ln x).
public func pow(_ x: Tensor, _ y: Tensor) -> Tensor { exp(y * log(x)) }

/// |x|.  dy/dx = sign(x) (0 at 0).
public func abs(_ x: Tensor) -> Tensor {
    Tensor.mapWithDerivative(x, { Swift.abs($0) }) { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }
}

/// x limited to [lower, upper].  dy/dx = 1 inside the range, 0 outside.
public func clamp(_ x: Tensor, min lower: Float, max upper: Float) -> Tensor {
    precondition(lower <= upper, "clamp needs min ≤ max, got min \(lower) and max \(upper)")
    return Tensor.mapWithDerivative(x, { Swift.min(Swift.max($0, lower), upper) }) { x, _ in
        x >= lower && x <= upper ? 1 : 0
    }
}

/// max(x, 0).  dy/dx = 1 for x > 0, else 0.
public func relu(_ x: Tensor) -> Tensor {
    // A dedicated loop rather than `mapWithDerivative`: the pullback is a select, which the
    // compiler vectorizes, instead of a call per element.
    let n = x.count
    let out = [Float](count: n) { o in
        x.scalars.withUnsafeBufferPointer { px in
            Parallel.forEachPiece(of: n, minimumPerThread: elementwiseMinimumPerThread) { r in
                for i in r { o[i] = Swift.max(px[i], 0) }
            }
        }
    }
    let value = Tensor(shape: x.shape, scalars: out)
    return Tensor.record(value, parents: [x]) { g in [reluPullback(g, activations: x.scalars)] }
}

/// The pullback of a ReLU: g where the activation is positive, else g·0 (so a non-finite g
/// still gives NaN there, as g·derivative would).
/// - Parameters:
///   - g: ∂L/∂y.
///   - activations: the ReLU's input or its output (positive at the same places), as many scalars as g.
public func reluPullback(_ g: Tensor, activations: [Float]) -> Tensor {
    let n = g.count
    precondition(activations.count == n, "reluPullback: \(n) gradients for \(activations.count) activations")
    let grad = [Float](count: n) { o in
        g.scalars.withUnsafeBufferPointer { pg in
            activations.withUnsafeBufferPointer { px in
                Parallel.forEachPiece(of: n, minimumPerThread: elementwiseMinimumPerThread) { r in
                    for i in r { o[i] = px[i] > 0 ? pg[i] : pg[i] * 0 }
                }
            }
        }
    }
    return Tensor(shape: g.shape, scalars: grad)
}

/// x for x > 0, αx otherwise.  dy/dx = 1 or α.
public func leakyRelu(_ x: Tensor, alpha: Float = 0.01) -> Tensor {
    Tensor.mapWithDerivative(x, { $0 > 0 ? $0 : alpha * $0 }) { x, _ in x > 0 ? 1 : alpha }
}

/// 1 / (1 + e⁻ˣ), evaluated without overflow on either side.  dy/dx = y(1 − y).
public func sigmoid(_ x: Tensor) -> Tensor { Tensor.mapWithDerivative(x, stableSigmoid) { _, y in y * (1 - y) } }

/// tanh x.  dy/dx = 1 − y².
public func tanh(_ x: Tensor) -> Tensor { Tensor.mapWithDerivative(x, tanhf) { _, y in 1 - y * y } }

/// ln(1 + eˣ) = max(x, 0) + ln(1 + e^−|x|), finite for any finite x.  dy/dx = σ(x).
public func softplus(_ x: Tensor) -> Tensor { Tensor.mapWithDerivative(x, stableSoftplus) { x, _ in stableSigmoid(x) } }

/// ln σ(x) = −softplus(−x), finite for any finite x.  dy/dx = σ(−x).
public func logSigmoid(_ x: Tensor) -> Tensor {
    Tensor.mapWithDerivative(x, { -stableSoftplus(-$0) }) { x, _ in stableSigmoid(-x) }
}

/// σ(x) without overflow: for x < 0 use eˣ/(1 + eˣ).
@inline(__always)
public func stableSigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + expf(-x)) }
    let e = expf(x)
    return e / (1 + e)
}

/// ln(1 + eˣ) without overflow.
@inline(__always)
public func stableSoftplus(_ x: Float) -> Float { Swift.max(x, 0) + log1pf(expf(-Swift.abs(x))) }
