extension Tensor {
    /// Applies `forward` element-wise and records the pullback `g · derivative(x, y)`, where
    /// `y = forward(x)`: the shared machinery of every unary op.
    ///
    /// A zero upstream gradient contributes zero even where the local derivative is infinite
    /// (log at 0, sqrt at 0), so a branch that `select(where:_:else:)` did not take never turns
    /// into 0 · ∞ = NaN.
    @inline(__always)
    static func mapWithDerivative(_ x: Tensor, _ forward: (Float) -> Float,
                                  derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Tensor {
        let n = x.count
        let out = [Float](count: n) { o in
            x.scalars.withUnsafeBufferPointer { px in
                Parallel.forEachPiece(of: n, minimumPerThread: elementwiseMinimumPerThread) { r in
                    for i in r { o[i] = forward(px[i]) }
                }
            }
        }
        let value = Tensor(shape: x.shape, scalars: out)
        // `unowned`: see `/` (the output's node holds this closure).
        return record(value, parents: [x]) { [unowned value] g in
            let grad = [Float](count: n) { o in
                g.scalars.withUnsafeBufferPointer { pg in
                    x.scalars.withUnsafeBufferPointer { px in
                        value.scalars.withUnsafeBufferPointer { py in
                            Parallel.forEachPiece(of: n, minimumPerThread: elementwiseMinimumPerThread) { r in
                                for i in r { o[i] = pg[i] == 0 ? 0 : pg[i] * derivative(px[i], py[i]) }
                            }
                        }
                    }
                }
            }
            return [Tensor(shape: x.shape, scalars: grad)]
        }
    }
}

/// The fewest elements per thread for which an element-wise loop is split across the cores:
/// below it, waking a second thread costs more than the loop.
let elementwiseMinimumPerThread = 1 << 16
