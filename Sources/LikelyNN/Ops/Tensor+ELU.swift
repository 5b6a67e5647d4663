import Foundation
import LikelyTensor

/// The exponential linear unit, element-wise: x for x > 0, α(eˣ − 1) otherwise (Keras's elu).
///
/// dy/dx = 1 for x > 0, y + α otherwise (expm1 keeps small negative x accurate).
public func elu(_ x: Tensor, alpha: Float = 1) -> Tensor {
    let n = x.count
    var out = [Float](repeating: 0, count: n)
    x.scalars.withUnsafeBufferPointer { px in
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<n { o[i] = px[i] > 0 ? px[i] : alpha * expm1f(px[i]) }
        }
    }
    let value = Tensor(shape: x.shape, scalars: out)
    return Tensor.record(value, parents: [x]) { g in
        var dx = [Float](repeating: 0, count: n)
        g.scalars.withUnsafeBufferPointer { pg in
            x.scalars.withUnsafeBufferPointer { px in
                dx.withUnsafeMutableBufferPointer { d in
                    for i in 0..<n { d[i] = px[i] > 0 ? pg[i] : pg[i] * (out[i] + alpha) }
                }
            }
        }
        return [Tensor(shape: x.shape, scalars: dx)]
    }
}
