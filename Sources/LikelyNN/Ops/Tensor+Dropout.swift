import LikelyTensor

/// Inverted dropout as one primitive op: each element is kept with probability 1 − rate
/// and scaled by 1/(1 − rate), so E[y] = x; the rest become 0.
///
/// y = x · m / (1 − rate) with m ~ Bernoulli(1 − rate) element-wise; ∂L/∂x = g · m / (1 − rate).
/// Row r's mask comes from `streams[r]` alone (element j kept when the j-th uniform draw
/// u < 1 − rate), so a row's mask does not depend on the other rows of its batch.
/// - Parameters:
///   - x: `[rows, …]`, any per-row shape.
///   - rate: the probability of dropping an element, in [0, 1).
///   - streams: one stream per row of `x`; each advances by the row's element count.
public func dropout(_ x: Tensor, rate: Float, using streams: inout ExampleStreams) -> Tensor {
    precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got \(rate)")
    if rate == 0 { return x }
    let n = x.count, rows = x.rank == 0 ? 1 : x.shape[0]
    streams.requireRows(rows, for: "dropout")
    let width = rows == 0 ? 0 : n / rows
    let keep = Double(1 - rate), scale = 1 / (1 - rate)
    var mask = [Float](repeating: 0, count: n)
    mask.withUnsafeMutableBufferPointer { m in
        for r in 0..<rows {
            streams[r].fillBernoulliMask(UnsafeMutableBufferPointer(rebasing: m[(r * width)..<((r + 1) * width)]),
                                         probability: keep, value: scale)
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
