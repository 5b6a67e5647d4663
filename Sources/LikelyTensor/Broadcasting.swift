/// NumPy broadcasting: shapes are aligned at their last axis, and an axis of extent 1 (or a
/// missing leading axis) stretches to match the other.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        precondition(da == db || da == 1 || db == 1, "shapes \(a) and \(b) cannot be broadcast together")
        out[i] = da == 1 ? db : da
    }
    return out
}

/// Row-major strides of `shape` seen from a broadcast `target` shape: 0 on stretched axes.
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let offset = target.count - shape.count
    var strides = [Int](repeating: 0, count: target.count)
    var step = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i + offset] = shape[i] == 1 ? 0 : step
        step *= shape[i]
    }
    return strides
}

/// Visits every index of `shape` in row-major order, calling `body(offsetA, offsetB, run)`
/// once per innermost run with the starting offsets into two strided inputs; within the run,
/// the inputs advance by their last-axis strides.
@inline(__always)
func forEachRun(shape: [Int], stridesA: [Int], stridesB: [Int],
                _ body: (_ outOffset: Int, _ a: Int, _ b: Int, _ length: Int, _ strideA: Int, _ strideB: Int) -> Void) {
    let rank = shape.count
    guard rank > 0 else { body(0, 0, 0, 1, 0, 0); return }
    let inner = shape[rank - 1]
    let outer = elementCount(shape) / max(inner, 1)
    guard inner > 0 else { return }
    var index = [Int](repeating: 0, count: rank)
    var offA = 0, offB = 0
    for run in 0..<outer {
        body(run * inner, offA, offB, inner, stridesA[rank - 1], stridesB[rank - 1])
        // advance the multi-index over the outer axes
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            offA += stridesA[axis]
            offB += stridesB[axis]
            if index[axis] < shape[axis] { break }
            offA -= stridesA[axis] * shape[axis]
            offB -= stridesB[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
    }
}

/// Applies `op` element-wise to two tensors after broadcasting; the value only (no tape).
@inline(__always)
func broadcastKernel(_ a: Tensor, _ b: Tensor, _ op: (Float, Float) -> Float) -> Tensor {
    if a.shape == b.shape {
        let n = a.count
        let out = [Float](count: n) { o in
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    for i in 0..<n { o[i] = op(pa[i], pb[i]) }
                }
            }
        }
        return Tensor(shape: a.shape, scalars: out)
    }
    let shape = broadcastShape(a.shape, b.shape)
    let n = elementCount(shape)
    if b.count == 1 && a.count == n {
        let s = b.scalars[0]
        let out = [Float](count: n) { o in
            a.scalars.withUnsafeBufferPointer { pa in for i in 0..<n { o[i] = op(pa[i], s) } }
        }
        return Tensor(shape: shape, scalars: out)
    }
    if a.count == 1 && b.count == n {
        let s = a.scalars[0]
        let out = [Float](count: n) { o in
            b.scalars.withUnsafeBufferPointer { pb in for i in 0..<n { o[i] = op(s, pb[i]) } }
        }
        return Tensor(shape: shape, scalars: out)
    }
    let sa = broadcastStrides(a.shape, to: shape)
    let sb = broadcastStrides(b.shape, to: shape)
    let out = [Float](count: n) { o in
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                forEachRun(shape: shape, stridesA: sa, stridesB: sb) { start, offA, offB, length, strideA, strideB in
                    var ia = offA, ib = offB
                    for j in 0..<length {
                        o[start + j] = op(pa[ia], pb[ib])
                        ia += strideA
                        ib += strideB
                    }
                }
            }
        }
    }
    return Tensor(shape: shape, scalars: out)
}

/// Sums a broadcast gradient back down to `shape`: the adjoint of broadcasting.
func unbroadcast(_ gradient: Tensor, to shape: [Int]) -> Tensor {
    if gradient.shape == shape { return gradient }
    let offset = gradient.rank - shape.count
    var axes: [Int] = []
    for axis in 0..<gradient.rank {
        let target = axis < offset ? 1 : shape[axis - offset]
        if target == 1 && gradient.shape[axis] != 1 { axes.append(axis) }
    }
    var reduced = gradient
    for axis in axes { reduced = sumKernel(reduced, axis: axis) }
    return Tensor(shape: shape, scalars: reduced.scalars)
}

extension Tensor {
    /// This tensor stretched to `shape` by broadcasting; the gradient sums back.
    public func broadcast(to shape: [Int]) -> Tensor {
        if self.shape == shape { return self }
        precondition(broadcastShape(self.shape, shape) == shape, "shape \(self.shape) cannot be broadcast to \(shape)")
        let value = broadcastKernel(self, Tensor(shape: shape, scalars: [Float](repeating: 0, count: elementCount(shape)))) { a, _ in a }
        let inputShape = self.shape
        return Tensor.record(value, parents: [self]) { g in [unbroadcast(g, to: inputShape)] }
    }
}
