/// Shape ops: they move elements, never change them, so each pullback moves the gradient back.
extension Tensor {
    /// The same elements under a new shape; one extent may be −1 and is inferred.
    public func reshaped(to newShape: [Int]) -> Tensor {
        var target = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            target[unknown] = count / known
        }
        precondition(elementCount(target) == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        if target == shape { return self }
        let inputShape = shape
        return Tensor.record(Tensor(shape: target, scalars: scalars), parents: [self]) { g in
            [Tensor(shape: inputShape, scalars: g.scalars)]
        }
    }

    /// A new axis of extent 1 at `axis`.
    public func expandingShape(at axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        precondition(a >= 0 && a <= rank, "axis \(axis) is out of range for inserting into shape \(shape)")
        var s = shape
        s.insert(1, at: a)
        return reshaped(to: s)
    }

    /// Removes an axis of extent 1.
    public func squeezingShape(at axis: Int) -> Tensor {
        let a = normalizedAxis(axis)
        precondition(shape[a] == 1, "cannot squeeze axis \(axis) of extent \(shape[a]) in shape \(shape)")
        var s = shape
        s.remove(at: a)
        return reshaped(to: s)
    }

    /// The axes reordered: output axis i is input axis `permutation[i]`.
    /// The pullback applies the inverse permutation.
    public func permuted(_ permutation: [Int]) -> Tensor {
        precondition(permutation.sorted() == Array(0..<rank),
                     "permutation \(permutation) is not a reordering of the \(rank) axes of shape \(shape)")
        if permutation == Array(0..<rank) { return self }
        let value = permuteKernel(self, permutation)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in permutation.enumerated() { inverse[p] = i }
        return Tensor.record(value, parents: [self]) { g in [permuteKernel(g, inverse)] }
    }

    /// The transpose of a matrix (`[m, n]` → `[n, m]`); for higher ranks, the last two axes swapped.
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transposed() needs rank ≥ 2, got shape \(shape)")
        var p = Array(0..<rank)
        p.swapAt(rank - 1, rank - 2)
        return permuted(p)
    }

    /// The elements with index in `range` along `axis`: `gather` of the range's indices, so
    /// the pullback puts the gradient back in place, zeros elsewhere.
    public func slice(alongAxis axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = normalizedAxis(axis)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "range \(range) is outside axis \(axis) of extent \(shape[axis]) in shape \(shape)")
        return gather(Array(range), alongAxis: axis)
    }

    /// Joins tensors along an existing axis; all other extents must agree.
    /// The pullback slices the gradient back into the pieces.
    public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate needs at least one tensor")
        let first = tensors[0]
        let axis = first.normalizedAxis(axis)
        for t in tensors {
            precondition(t.rank == first.rank && (0..<first.rank).allSatisfy { $0 == axis || t.shape[$0] == first.shape[$0] },
                         "cannot concatenate shapes \(first.shape) and \(t.shape) along axis \(axis)")
        }
        let (outer, _, inner) = axisSplit(first.shape, axis)
        let extents = tensors.map { $0.shape[axis] }
        let total = extents.reduce(0, +)
        var outShape = first.shape
        outShape[axis] = total
        var out = [Float](repeating: 0, count: outer * total * inner)
        var start = 0
        for (t, e) in zip(tensors, extents) {
            for a in 0..<outer {
                let src = a * e * inner, dst = (a * total + start) * inner
                for j in 0..<(e * inner) { out[dst + j] = t.scalars[src + j] }
            }
            start += e
        }
        return record(Tensor(shape: outShape, scalars: out), parents: tensors) { g in
            var offset = 0
            return extents.map { e in
                defer { offset += e }
                return g.slice(alongAxis: axis, offset..<(offset + e))
            }
        }
    }

    /// Stacks equal-shaped tensors along a new axis.
    public static func stack(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack needs at least one tensor")
        precondition(tensors.allSatisfy { $0.shape == tensors[0].shape },
                     "stack needs equal shapes, got \(tensors.map(\.shape))")
        return concatenate(tensors.map { $0.expandingShape(at: axis) }, alongAxis: axis)
    }
}

/// The value of `x.permuted(permutation)`.
func permuteKernel(_ x: Tensor, _ permutation: [Int]) -> Tensor {
    let rank = x.rank
    var inStrides = [Int](repeating: 1, count: rank)
    for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * x.shape[i + 1] }
    let outShape = permutation.map { x.shape[$0] }
    let strides = permutation.map { inStrides[$0] }
    let zero = [Int](repeating: 0, count: rank)
    let out = [Float](count: x.count) { o in
        x.scalars.withUnsafeBufferPointer { px in
            forEachRun(shape: outShape, stridesA: strides, stridesB: zero) { start, offset, _, length, stride, _ in
                var j = offset
                for i in 0..<length { o[start + i] = px[j]; j += stride }
            }
        }
    }
    return Tensor(shape: outShape, scalars: out)
}
