import Foundation

/// The tensor viewed as `[outer, n, inner]` around `axis`.
@inline(__always)
func axisSplit(_ shape: [Int], _ axis: Int) -> (outer: Int, n: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
}

/// Calls `body` once for every line along the axis of an `[outer, n, inner]` split
/// (`axisSplit`): the line's elements are `start + k · step` for k in 0..<n, with step = inner.
@inline(__always)
func forEachLine(_ outer: Int, _ n: Int, _ inner: Int, _ body: (_ start: Int, _ step: Int) -> Void) {
    for a in 0..<outer {
        for i in 0..<inner { body(a * n * inner + i, inner) }
    }
}

/// `shape` with `axis` set to extent 1.
@inline(__always)
func keptShape(_ shape: [Int], _ axis: Int) -> [Int] {
    var s = shape
    s[axis] = 1
    return s
}

/// Σ over one axis, keeping it with extent 1; the value only.
func sumKernel(_ x: Tensor, axis: Int) -> Tensor {
    let (outer, n, inner) = axisSplit(x.shape, axis)
    let out = [Float](count: outer * inner) { o in
        x.scalars.withUnsafeBufferPointer { px in
            for i in 0..<(outer * inner) { o[i] = 0 }
            for a in 0..<outer {
                for k in 0..<n {
                    let row = (a * n + k) * inner
                    for i in 0..<inner { o[a * inner + i] += px[row + i] }
                }
            }
        }
    }
    return Tensor(shape: keptShape(x.shape, axis), scalars: out)
}

extension Tensor {
    private func normalizedAxes(_ axes: [Int]) -> [Int] {
        let result = Set(axes.map(normalizedAxis)).sorted()
        precondition(!result.isEmpty, "reduction needs at least one axis")
        return result
    }

    /// Drops the given extent-1 axes (the counterpart of reducing with kept dimensions).
    private func droppingAxes(_ axes: [Int]) -> Tensor {
        reshaped(to: shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
    }

    // MARK: - Sum and mean

    /// Σ of all elements, as a scalar.  ∂/∂x = g everywhere.
    public func sum() -> Tensor {
        sum(alongAxes: Array(0..<rank)).reshaped(to: [])
    }

    /// Σ over `axes`; with `keepingDimensions` the reduced axes stay with extent 1.
    /// ∂/∂x = g broadcast back over the reduced axes.
    public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        if rank == 0 { return self }
        let axes = normalizedAxes(axes)
        var value = self.detached()
        for axis in axes { value = sumKernel(value, axis: axis) }
        let inputShape = shape
        let kept = Tensor.record(value, parents: [self]) { g in [g.broadcast(to: inputShape)] }
        return keepingDimensions ? kept : kept.droppingAxes(axes)
    }

    /// Σ over one axis.
    public func sum(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        sum(alongAxes: [axis], keepingDimensions: keepingDimensions)
    }

    /// Mean of all elements, as a scalar.
    public func mean() -> Tensor { sum() / Float(Swift.max(count, 1)) }

    /// Mean over `axes`.
    public func mean(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let n = normalizedAxes(axes).reduce(1) { $0 * shape[$1] }
        return sum(alongAxes: axes, keepingDimensions: keepingDimensions) / Float(n)
    }

    /// Mean over one axis.
    public func mean(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        mean(alongAxes: [axis], keepingDimensions: keepingDimensions)
    }

    /// Population variance (divisor n) over `axes`: mean((x − mean x)²).
    public func variance(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let centered = self - mean(alongAxes: axes, keepingDimensions: true)
        return square(centered).mean(alongAxes: axes, keepingDimensions: keepingDimensions)
    }

    /// Population variance over one axis.
    public func variance(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        variance(alongAxes: [axis], keepingDimensions: keepingDimensions)
    }

    // MARK: - Max, min, argmax

    /// The largest element along `axis` and where it is (first of ties), as `[outer·inner]`.
    private func maxKernel(axis: Int) -> (values: [Float], indices: [Int]) {
        let (outer, n, inner) = axisSplit(shape, axis)
        precondition(n > 0, "max over an empty axis \(axis) of shape \(shape)")
        var values = [Float](repeating: -.infinity, count: outer * inner)
        var indices = [Int](repeating: 0, count: outer * inner)
        scalars.withUnsafeBufferPointer { px in
            for a in 0..<outer {
                for i in 0..<inner {
                    var best = px[a * n * inner + i], where_ = 0
                    for k in 1..<n {
                        let v = px[(a * n + k) * inner + i]
                        if v > best || (best.isNaN && !v.isNaN) { best = v; where_ = k }
                    }
                    values[a * inner + i] = best
                    indices[a * inner + i] = where_
                }
            }
        }
        return (values, indices)
    }

    /// The maximum along `axis`.  ∂/∂x = g at the (first) arg-max, 0 elsewhere.
    public func max(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        let axis = normalizedAxis(axis)
        let (values, indices) = maxKernel(axis: axis)
        let (outer, n, inner) = axisSplit(shape, axis)
        let inputShape = shape
        let kept = Tensor.record(Tensor(shape: keptShape(shape, axis), scalars: values), parents: [self]) { g in
            var grad = [Float](repeating: 0, count: outer * n * inner)
            for a in 0..<outer {
                for i in 0..<inner {
                    grad[(a * n + indices[a * inner + i]) * inner + i] = g.scalars[a * inner + i]
                }
            }
            return [Tensor(shape: inputShape, scalars: grad)]
        }
        return keepingDimensions ? kept : kept.droppingAxes([axis])
    }

    /// The minimum along `axis`, as −max(−x).
    public func min(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        -((-self).max(alongAxis: axis, keepingDimensions: keepingDimensions))
    }

    /// The largest element of the whole tensor, as a scalar.
    public func max() -> Tensor { reshaped(to: [count]).max(alongAxis: 0) }

    /// The smallest element of the whole tensor, as a scalar.
    public func min() -> Tensor { reshaped(to: [count]).min(alongAxis: 0) }

    /// The index of the largest element along `axis` (first of ties), for every position of
    /// the other axes in row-major order; not differentiable.
    public func argmax(alongAxis axis: Int) -> [Int] {
        maxKernel(axis: normalizedAxis(axis)).indices
    }

    // MARK: - Log-sum-exp

    /// ln Σ exp(x) along `axis`, computed as m + ln Σ exp(x − m) with m the maximum, so it is
    /// finite for logits of any finite size and −∞ when every term is −∞.
    /// ∂/∂x = g · exp(x − y) = g · softmax(x).
    public func logSumExp(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        let axis = normalizedAxis(axis)
        let (outer, n, inner) = axisSplit(shape, axis)
        let (maxima, _) = maxKernel(axis: axis)
        var out = [Float](repeating: 0, count: outer * inner)
        scalars.withUnsafeBufferPointer { px in
            for a in 0..<outer {
                for i in 0..<inner {
                    let m = maxima[a * inner + i]
                    let shift = m.isFinite ? m : 0
                    var s: Float = 0
                    for k in 0..<n { s += expf(px[(a * n + k) * inner + i] - shift) }
                    out[a * inner + i] = shift + logf(s)
                }
            }
        }
        let value = Tensor(shape: keptShape(shape, axis), scalars: out)
        let input = self
        let kept = Tensor.record(value, parents: [self]) { g in
            var grad = [Float](repeating: 0, count: outer * n * inner)
            input.scalars.withUnsafeBufferPointer { px in
                for a in 0..<outer {
                    for i in 0..<inner {
                        let y = out[a * inner + i], gi = g.scalars[a * inner + i]
                        guard y > -.infinity else { continue }
                        for k in 0..<n {
                            let j = (a * n + k) * inner + i
                            grad[j] = gi * expf(px[j] - y)
                        }
                    }
                }
            }
            return [Tensor(shape: input.shape, scalars: grad)]
        }
        return keepingDimensions ? kept : kept.droppingAxes([axis])
    }
}
