import LikelyTensor

/// The affine map of a dense layer, x·W + b, as one primitive op (bias fused into one
/// `cblas_sgemm` with β = 1).
///
/// Shapes: x `[batch, in]`, weight `[in, out]`, bias `[out]`, result `[batch, out]`.
/// Pullback: ∂L/∂x = G·Wᵀ, ∂L/∂W = xᵀ·G, ∂L/∂b = Σ_rows G.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    precondition(x.rank == 2, "linear expects [batch, features] inputs, got shape \(x.shape)")
    precondition(weight.rank == 2 && weight.shape[0] == x.shape[1],
                 "linear weight \(weight.shape) does not take \(x.shape[1]) input features")
    let (n, inputs, outputs) = (x.shape[0], x.shape[1], weight.shape[1])
    if let bias { precondition(bias.shape == [outputs], "linear bias must have shape [\(outputs)], got \(bias.shape)") }
    var out = [Float](repeating: 0, count: n * outputs)
    x.scalars.withUnsafeBufferPointer { px in
        weight.scalars.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { o in
                if let bias { bias.scalars.withUnsafeBufferPointer { addBiasRows($0, rows: n, columns: outputs, into: o) } }
                sgemm(m: n, n: outputs, k: inputs, px.baseAddress, lda: inputs, w.baseAddress, ldb: outputs,
                      beta: bias == nil ? 0 : 1, o.baseAddress, ldc: outputs)
            }
        }
    }
    let value = Tensor(shape: [n, outputs], scalars: out)
    let parents = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.record(value, parents: parents) { g in
        var grads: [Tensor?] = [nil, nil, nil]
        g.scalars.withUnsafeBufferPointer { pg in
            // A β = 0 product writes every element of its output unless its sum is empty (k = 0),
            // so only that case needs the zero fill.
            if x.requiresGradient {
                grads[0] = Tensor(shape: x.shape, scalars: [Float](count: x.count) { d in
                    if outputs == 0 { d.initialize(repeating: 0) }
                    weight.scalars.withUnsafeBufferPointer { w in
                        sgemm(transposeB: true, m: n, n: inputs, k: outputs, pg.baseAddress, lda: outputs,
                              w.baseAddress, ldb: outputs, d.baseAddress, ldc: inputs)
                    }
                })
            }
            if weight.requiresGradient {
                grads[1] = Tensor(shape: weight.shape, scalars: [Float](count: weight.count) { d in
                    if n == 0 { d.initialize(repeating: 0) }
                    x.scalars.withUnsafeBufferPointer { px in
                        sgemm(transposeA: true, m: inputs, n: outputs, k: n, px.baseAddress, lda: inputs,
                              pg.baseAddress, ldb: outputs, d.baseAddress, ldc: outputs)
                    }
                })
            }
            if let bias, bias.requiresGradient {
                grads[2] = Tensor(zeros: bias.shape) { addColumnSums(pg, rows: n, columns: outputs, into: $0) }
            }
        }
        return Array(grads.prefix(parents.count))
    }
}
