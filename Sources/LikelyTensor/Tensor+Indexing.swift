/// Gathering by index: selecting rows of a batch, or one value per row (the class index of
/// a categorical NLL). The pullbacks scatter-add the gradient back.
extension Tensor {
    /// The slices at `indices` along `axis` (NumPy `take`); indices may repeat.
    /// ∂/∂x scatter-adds g back to the chosen positions.
    public func gather(_ indices: [Int], alongAxis axis: Int = 0) -> Tensor {
        let axis = normalizedAxis(axis)
        let (outer, n, inner) = axisSplit(shape, axis)
        for i in indices { precondition(i >= 0 && i < n, "index \(i) is outside axis \(axis) of extent \(n) in shape \(shape)") }
        let m = indices.count
        var outShape = shape
        outShape[axis] = m
        var out = [Float](repeating: 0, count: outer * m * inner)
        scalars.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                for a in 0..<outer {
                    for (r, i) in indices.enumerated() {
                        let src = (a * n + i) * inner, dst = (a * m + r) * inner
                        for j in 0..<inner { po[dst + j] = px[src + j] }
                    }
                }
            }
        }
        let inputShape = shape
        return Tensor.record(Tensor(shape: outShape, scalars: out), parents: [self]) { g in
            var grad = [Float](repeating: 0, count: outer * n * inner)
            for a in 0..<outer {
                for (r, i) in indices.enumerated() {
                    let dst = (a * n + i) * inner, src = (a * m + r) * inner
                    for j in 0..<inner { grad[dst + j] += g.scalars[src + j] }
                }
            }
            return [Tensor(shape: inputShape, scalars: grad)]
        }
    }

    /// For a matrix `[n, k]`, the value at column `columns[r]` of each row r, as `[n]`.
    /// ∂/∂x puts g[r] at (r, columns[r]) and 0 elsewhere.
    public func pick(columns: [Int]) -> Tensor {
        precondition(rank == 2, "pick(columns:) needs a matrix, got shape \(shape)")
        let (n, k) = (shape[0], shape[1])
        precondition(columns.count == n, "pick(columns:) needs one column per row: \(n) rows, \(columns.count) columns")
        for c in columns { precondition(c >= 0 && c < k, "column \(c) is outside 0..<\(k)") }
        let out = (0..<n).map { scalars[$0 * k + columns[$0]] }
        let inputShape = shape
        return Tensor.record(Tensor(shape: [n], scalars: out), parents: [self]) { g in
            var grad = [Float](repeating: 0, count: n * k)
            for r in 0..<n { grad[r * k + columns[r]] = g.scalars[r] }
            return [Tensor(shape: inputShape, scalars: grad)]
        }
    }
}
