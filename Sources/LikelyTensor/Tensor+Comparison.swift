/// Comparisons give masks: tensors of 1 (true) and 0 (false), broadcast, not differentiable.
infix operator .< : ComparisonPrecedence
infix operator .<= : ComparisonPrecedence
infix operator .> : ComparisonPrecedence
infix operator .>= : ComparisonPrecedence
infix operator .== : ComparisonPrecedence
infix operator .!= : ComparisonPrecedence

extension Tensor {
    /// 1 where a < b, else 0, element-wise over the broadcast shape.
    public static func .< (a: Tensor, b: Tensor) -> Tensor { broadcastKernel(a, b) { $0 < $1 ? 1 : 0 } }
    /// 1 where a ≤ b, else 0, element-wise over the broadcast shape.
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { broadcastKernel(a, b) { $0 <= $1 ? 1 : 0 } }
    /// 1 where a > b, else 0, element-wise over the broadcast shape.
    public static func .> (a: Tensor, b: Tensor) -> Tensor { broadcastKernel(a, b) { $0 > $1 ? 1 : 0 } }
    /// 1 where a ≥ b, else 0, element-wise over the broadcast shape.
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { broadcastKernel(a, b) { $0 >= $1 ? 1 : 0 } }
    /// 1 where a = b, else 0, element-wise over the broadcast shape.
    public static func .== (a: Tensor, b: Tensor) -> Tensor { broadcastKernel(a, b) { $0 == $1 ? 1 : 0 } }
    /// 1 where a ≠ b, else 0, element-wise over the broadcast shape.
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { broadcastKernel(a, b) { $0 != $1 ? 1 : 0 } }
    /// 1 where a < s, else 0, element-wise (s a constant).
    public static func .< (a: Tensor, s: Float) -> Tensor { a .< Tensor(s) }
    /// 1 where a ≤ s, else 0, element-wise (s a constant).
    public static func .<= (a: Tensor, s: Float) -> Tensor { a .<= Tensor(s) }
    /// 1 where a > s, else 0, element-wise (s a constant).
    public static func .> (a: Tensor, s: Float) -> Tensor { a .> Tensor(s) }
    /// 1 where a ≥ s, else 0, element-wise (s a constant).
    public static func .>= (a: Tensor, s: Float) -> Tensor { a .>= Tensor(s) }
    /// 1 where a = s, else 0, element-wise (s a constant).
    public static func .== (a: Tensor, s: Float) -> Tensor { a .== Tensor(s) }
    /// 1 where a ≠ s, else 0, element-wise (s a constant).
    public static func .!= (a: Tensor, s: Float) -> Tensor { a .!= Tensor(s) }
}

/// Element-wise choice: `a` where `condition` is non-zero, `b` elsewhere (NumPy `where`);
/// all three broadcast.
/// ∂/∂a = g where the condition holds, ∂/∂b = g elsewhere; the branch not taken receives an
/// exact zero, which unary ops pass on as zero even where their derivative is infinite.
public func select(where condition: Tensor, _ a: Tensor, else b: Tensor) -> Tensor {
    let shape = broadcastShape(condition.shape, broadcastShape(a.shape, b.shape))
    let c = withoutGradients { condition.broadcast(to: shape) }
    let ab = a.broadcast(to: shape), bb = b.broadcast(to: shape)
    let value = [Float](count: c.count) { o in
        for i in 0..<c.count { o[i] = c.scalars[i] != 0 ? ab.scalars[i] : bb.scalars[i] }
    }
    return Tensor.record(Tensor(shape: shape, scalars: value), parents: [ab, bb]) { g in
        var ga = [Float](repeating: 0, count: g.count), gb = ga
        for i in 0..<g.count { if c.scalars[i] != 0 { ga[i] = g.scalars[i] } else { gb[i] = g.scalars[i] } }
        return [Tensor(shape: shape, scalars: ga), Tensor(shape: shape, scalars: gb)]
    }
}
