import CGSL
import LikelyTensor

/// Inverted dropout as one primitive op: each element is kept with probability 1 − rate
/// and scaled by 1/(1 − rate), so E[y] = x; the rest become 0.
///
/// y = x · m / (1 − rate) with m ~ Bernoulli(1 − rate) element-wise; ∂L/∂x = g · m / (1 − rate).
/// - Parameters:
///   - x: any shape.
///   - rate: the probability of dropping an element, in [0, 1).
///   - random: the source of the mask (one uniform draw per element).
public func dropout(_ x: Tensor, rate: Float, using random: inout RandomSource) -> Tensor {
    precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got \(rate)")
    if rate == 0 { return x }
    let keep = Double(1 - rate), scale = 1 / (1 - rate), n = x.count
    var mask = [Float](repeating: 0, count: n)
    random.withGenerator { g in
        mask.withUnsafeMutableBufferPointer { m in
            for i in 0..<n where gsl_rng_uniform(g) < keep { m[i] = scale }
        }
    }
    var out = [Float](repeating: 0, count: n)
    x.scalars.withUnsafeBufferPointer { px in
        mask.withUnsafeBufferPointer { m in
            out.withUnsafeMutableBufferPointer { o in for i in 0..<n { o[i] = px[i] * m[i] } }
        }
    }
    return Tensor.record(Tensor(shape: x.shape, scalars: out), parents: [x]) { g in
        var dx = [Float](repeating: 0, count: n)
        g.scalars.withUnsafeBufferPointer { pg in
            mask.withUnsafeBufferPointer { m in
                dx.withUnsafeMutableBufferPointer { d in for i in 0..<n { d[i] = pg[i] * m[i] } }
            }
        }
        return [Tensor(shape: x.shape, scalars: dx)]
    }
}
