import Foundation

extension Tensor {
    /// log softmax along `axis`: (x − m) − ln Σ e^(x − m) with m the maximum, stable for logits
    /// of any finite size (forming m + ln Σ first would lose |m| · 2⁻²⁴ to rounding).
    /// ∂/∂x = g − softmax(x) · Σ g.
    public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
        let axis = normalizedAxis(axis)
        let (outer, n, inner) = axisSplit(shape, axis)
        var out = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                forEachLine(outer, n, inner) { start, step in
                    var m = -Float.infinity
                    for k in 0..<n { m = Swift.max(m, px[start + k * step]) }
                    let shift = m.isFinite ? m : 0
                    var s: Float = 0
                    for k in 0..<n { s += expf(px[start + k * step] - shift) }
                    let logSum = logf(s)
                    for k in 0..<n { let j = start + k * step; po[j] = (px[j] - shift) - logSum }
                }
            }
        }
        let value = Tensor(shape: shape, scalars: out)
        // `unowned`: see `/` (the output's node holds this closure).
        return Tensor.record(value, parents: [self]) { [unowned value] g in
            var grad = [Float](repeating: 0, count: outer * n * inner)
            forEachLine(outer, n, inner) { start, step in
                var total: Float = 0
                for k in 0..<n { total += g.scalars[start + k * step] }
                for k in 0..<n { let j = start + k * step; grad[j] = g.scalars[j] - expf(out[j]) * total }
            }
            return [Tensor(shape: value.shape, scalars: grad)]
        }
    }

    /// softmax along `axis`: exp(log softmax(x)), finite for logits of any finite size.
    /// ∂/∂x = y · (g − Σ g·y).
    public func softmax(alongAxis axis: Int = -1) -> Tensor {
        let axis = normalizedAxis(axis)
        let (outer, n, inner) = axisSplit(shape, axis)
        let out = withoutGradients { logSoftmax(alongAxis: axis) }.scalars.map { expf($0) }
        let value = Tensor(shape: shape, scalars: out)
        // `unowned`: see `/` (the output's node holds this closure).
        return Tensor.record(value, parents: [self]) { [unowned value] g in
            var grad = [Float](repeating: 0, count: outer * n * inner)
            forEachLine(outer, n, inner) { start, step in
                var dot: Float = 0
                for k in 0..<n { let j = start + k * step; dot += g.scalars[j] * out[j] }
                for k in 0..<n { let j = start + k * step; grad[j] = out[j] * (g.scalars[j] - dot) }
            }
            return [Tensor(shape: value.shape, scalars: grad)]
        }
    }
}
