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
        // The gradient of the shape of `input`, one β = 0 product `gemm(other, out)` with a sum
        // of `k` terms: it writes every element unless the sum is empty, so only then is it
        // zero-filled first.
        func product(like input: Tensor, sum k: Int, with other: Tensor,
                     _ gemm: (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void) -> Tensor {
            Tensor(shape: input.shape, scalars: [Float](count: input.count) { d in
                if k == 0 { d.initialize(repeating: 0) }
                other.scalars.withUnsafeBufferPointer { gemm($0.baseAddress, d.baseAddress) }
            })
        }
        g.scalars.withUnsafeBufferPointer { pg in
            if x.requiresGradient {
                grads[0] = product(like: x, sum: outputs, with: weight) { w, d in              // G·Wᵀ
                    sgemm(transposeB: true, m: n, n: inputs, k: outputs, pg.baseAddress, lda: outputs, w, ldb: outputs, d, ldc: inputs)
                }
            }
            if weight.requiresGradient {
                grads[1] = product(like: weight, sum: n, with: x) { px, d in                   // xᵀ·G
                    sgemm(transposeA: true, m: inputs, n: outputs, k: n, px, lda: inputs, pg.baseAddress, ldb: outputs, d, ldc: outputs)
                }
            }
            if let bias, bias.requiresGradient {
                grads[2] = Tensor(zeros: bias.shape) { addColumnSums(pg, rows: n, columns: outputs, into: $0) }
            }
        }
        return Array(grads.prefix(parents.count))
    }
}
