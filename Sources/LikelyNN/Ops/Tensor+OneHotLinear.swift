import LikelyTensor

/// How compact rows stand for wider input rows with one-hot blocks: the description
/// `oneHotLinear` needs to multiply them by a dense layer's weights without the wide rows.
///
/// A compact row has one value per column j. A numeric column is one input, at `offsets[j]`,
/// whose value is the row's value. A categorical column with `categoryCounts[j]` = K > 0
/// categories is K inputs from `offsets[j]`; the row's value is its category index k
/// (−1: none), and input offsets[j] + i takes the value `on[offsets[j] + i]` when i = k and
/// `off[offsets[j] + i]` otherwise (1 and 0 for a plain one-hot block; (1 − μ)/σ and −μ/σ
/// once standardized).
public struct OneHotInput: Equatable, Sendable {
    /// The inputs d of the wide row.
    public let width: Int
    /// Per compact column: the index of its first input.
    public let offsets: [Int]
    /// Per compact column: K for a categorical column, 0 for a numeric one.
    public let categoryCounts: [Int]
    /// Per input: the value of a one-hot input at the row's category (unused for numeric inputs).
    public let on: [Float]
    /// Per input: the value of a one-hot input elsewhere (unused for numeric inputs).
    public let off: [Float]

    /// - Parameters:
    ///   - offsets: each column's first input, increasing, the blocks within 0..<width.
    ///   - categoryCounts: K per categorical column, 0 per numeric column.
    ///   - on: per input, the value of a one-hot input at the row's category (`width` values).
    ///   - off: per input, the value of a one-hot input elsewhere (`width` values).
    public init(offsets: [Int], categoryCounts: [Int], on: [Float], off: [Float]) {
        precondition(offsets.count == categoryCounts.count, "\(offsets.count) offsets for \(categoryCounts.count) columns")
        precondition(on.count == off.count, "on (\(on.count)) and off (\(off.count)) values must have one per input")
        for j in offsets.indices {
            let end = offsets[j] + max(categoryCounts[j], 1)
            precondition(offsets[j] >= 0 && categoryCounts[j] >= 0 && end <= on.count && (j + 1 == offsets.count || end <= offsets[j + 1]),
                         "column \(j): inputs \(offsets[j])..<\(end) are not inside 0..<\(on.count) and before the next column's")
        }
        self.width = on.count
        self.offsets = offsets
        self.categoryCounts = categoryCounts
        self.on = on
        self.off = off
    }

    /// `off` at the one-hot inputs and 0 at the numeric ones: the wide row of a row whose
    /// every block is "off" and every number 0.
    var blockOffValues: [Float] {
        var values = [Float](repeating: 0, count: width)
        for j in offsets.indices where categoryCounts[j] > 0 {
            for i in offsets[j]..<(offsets[j] + categoryCounts[j]) { values[i] = off[i] }
        }
        return values
    }
}

/// The affine map of a dense layer, x·W + b, for wide rows x given compactly (`OneHotInput`):
/// a gather of weight rows instead of a product with mostly-zero rows.
///
/// Wide row r: numeric input p = offsets[j] holds c_{rj}; one-hot input i of block B holds
/// on_i if i is the row's category, off_i otherwise. So
/// y_r = b + Σ_numeric c_{rj} W_p + Σ_B [ s_B + (on_k − off_k) W_k ], s_B = Σ_{i∈B} off_i W_i,
/// with Σ_B s_B = offᵀW computed once per call (one product). Cost per row O(columns · out), per call
/// O(width · out), against O(width · out) per row for the dense product.
///
/// Pullback (x, category indices, gets none): with g = Σ_r G_r,
/// ∂L/∂W_i = off_i · g + (on_i − off_i) Σ_{r: k_r = i} G_r (a rank-one fill, then a scatter-add
/// of rows), ∂L/∂W_p = Σ_r c_{rj} G_r, ∂L/∂b = g: exactly xᵀG of the wide rows.
/// - Parameters:
///   - x: compact rows `[batch, columns]`; a categorical column's values are integers in −1..<K.
///   - input: what the compact rows stand for.
///   - weight: `[input.width, out]`.
///   - bias: `[out]`, or `nil`.
/// - Returns: `[batch, out]`.
public func oneHotLinear(_ x: Tensor, input: OneHotInput, weight: Tensor, bias: Tensor?) -> Tensor {
    let (n, columns) = (x.shape.first ?? 0, input.offsets.count)
    precondition(x.rank == 2 && x.shape[1] == columns, "oneHotLinear expects compact rows [batch, \(columns)], got shape \(x.shape)")
    precondition(!x.requiresGradient, "oneHotLinear gives no gradient for its compact rows (category indices)")
    precondition(weight.rank == 2 && weight.shape[0] == input.width,
                 "oneHotLinear weight \(weight.shape) does not take \(input.width) inputs")
    let outputs = weight.shape[1]
    if let bias { precondition(bias.shape == [outputs], "oneHotLinear bias must have shape [\(outputs)], got \(bias.shape)") }
    let entries = wideEntries(x, input: input)
    let w = weight.scalars
    // Row start: b + Σ_B s_B = b + offᵀW over the one-hot inputs, the value of a row whose
    // every block is "off"; one product.
    let off = input.blockOffValues
    var first = bias?.scalars ?? [Float](repeating: 0, count: outputs)
    off.withUnsafeBufferPointer { po in
        w.withUnsafeBufferPointer { pw in
            first.withUnsafeMutableBufferPointer { f in
                sgemm(m: 1, n: outputs, k: input.width, po.baseAddress, lda: input.width, pw.baseAddress, ldb: outputs,
                      beta: 1, f.baseAddress, ldc: outputs)
            }
        }
    }
    var out = [Float](repeating: 0, count: n * outputs)
    out.withUnsafeMutableBufferPointer { y in
        w.withUnsafeBufferPointer { pw in
            for r in 0..<n {
                let row = r * outputs
                for o in 0..<outputs { y[row + o] = first[o] }
                for (at, factor) in entries[(r * columns)..<((r + 1) * columns)] where factor != 0 {
                    for o in 0..<outputs { y[row + o] += factor * pw[at * outputs + o] }
                }
            }
        }
    }
    let value = Tensor(shape: [n, outputs], scalars: out)
    let parents = bias.map { [weight, $0] } ?? [weight]
    return Tensor.record(value, parents: parents) { g in
        var sum = [Float](repeating: 0, count: outputs)
        g.scalars.withUnsafeBufferPointer { pg in
            sum.withUnsafeMutableBufferPointer { addColumnSums(pg, rows: n, columns: outputs, into: $0) }
        }
        var grads: [Tensor?] = [nil, nil]
        if weight.requiresGradient {
            grads[0] = Tensor(zeros: weight.shape) { d in
                // The rank-one part off ⊗ g as a product of k = 1.
                off.withUnsafeBufferPointer { po in
                    sum.withUnsafeBufferPointer { ps in
                        sgemm(m: input.width, n: outputs, k: 1, po.baseAddress, lda: 1, ps.baseAddress, ldb: outputs,
                              d.baseAddress, ldc: outputs)
                    }
                }
                g.scalars.withUnsafeBufferPointer { pg in
                    for (e, (at, factor)) in entries.enumerated() where factor != 0 {
                        let row = e / columns * outputs
                        for o in 0..<outputs { d[at * outputs + o] += factor * pg[row + o] }
                    }
                }
            }
        }
        if let bias, bias.requiresGradient { grads[1] = Tensor(shape: [outputs], scalars: sum) }
        return Array(grads.prefix(parents.count))
    }
}

/// Each compact value as what it adds to the wide row's product beyond the "off" values: the
/// input index and its factor, (offsets[j], c) for a numeric value c and (offsets[j] + k,
/// on − off) for category k (factor 0 for none), `[batch · columns]` row-major. Checks that a
/// categorical column's values are whole numbers in −1..<K.
private func wideEntries(_ x: Tensor, input: OneHotInput) -> [(input: Int, factor: Float)] {
    let columns = input.offsets.count
    return x.scalars.enumerated().map { e, value in
        let j = e % columns, count = input.categoryCounts[j]
        guard count > 0 else { return (input.offsets[j], value) }
        precondition(value.rounded() == value && value >= -1 && value < Float(count),
                     "row \(e / columns), column \(j): \(value) is not a category index in -1..<\(count)")
        guard value >= 0 else { return (0, 0) }
        let i = input.offsets[j] + Int(value)
        return (i, input.on[i] - input.off[i])
    }
}
