/// Broadcasting arithmetic. Each pullback sums the gradient back to its input's shape.
extension Tensor {
    /// a + b, broadcast.  ∂/∂a = g, ∂/∂b = g.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let value = broadcastKernel(a, b, +)
        return record(value, parents: [a, b]) { g in [unbroadcast(g, to: a.shape), unbroadcast(g, to: b.shape)] }
    }

    /// a − b, broadcast.  ∂/∂a = g, ∂/∂b = −g.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let value = broadcastKernel(a, b, -)
        return record(value, parents: [a, b]) { g in [unbroadcast(g, to: a.shape), unbroadcast(-g, to: b.shape)] }
    }

    /// a · b element-wise, broadcast.  ∂/∂a = g·b, ∂/∂b = g·a.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let value = broadcastKernel(a, b, *)
        return record(value, parents: [a, b]) { g in
            [a.requiresGradient ? unbroadcast(g * b, to: a.shape) : nil,
             b.requiresGradient ? unbroadcast(g * a, to: b.shape) : nil]
        }
    }

    /// a / b element-wise, broadcast.  ∂/∂a = g/b, ∂/∂b = −g·a/b².
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let value = broadcastKernel(a, b, /)
        // `unowned`: the output's own node holds this closure (a strong capture is a cycle
        // that leaks the output whenever no backward pass reaches it); the pullback only runs
        // from `gradients()`, while the output is alive.
        return record(value, parents: [a, b]) { [unowned value] g in
            [a.requiresGradient ? unbroadcast(g / b, to: a.shape) : nil,
             b.requiresGradient ? unbroadcast(-(g * value) / b, to: b.shape) : nil]
        }
    }

    /// −x.
    public static prefix func - (x: Tensor) -> Tensor {
        mapWithDerivative(x) { -$0 } derivative: { _, _ in -1 }
    }

    // Scalar forms: the scalar is a constant.
    /// a + s element-wise.  ∂/∂a = 1.
    public static func + (a: Tensor, s: Float) -> Tensor { mapWithDerivative(a) { $0 + s } derivative: { _, _ in 1 } }
    /// s + a element-wise.  ∂/∂a = 1.
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    /// a − s element-wise.  ∂/∂a = 1.
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    /// s − a element-wise.  ∂/∂a = −1.
    public static func - (s: Float, a: Tensor) -> Tensor { mapWithDerivative(a) { s - $0 } derivative: { _, _ in -1 } }
    /// a · s element-wise.  ∂/∂a = s.
    public static func * (a: Tensor, s: Float) -> Tensor { mapWithDerivative(a) { $0 * s } derivative: { _, _ in s } }
    /// s · a element-wise.  ∂/∂a = s.
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    /// a / s element-wise, as a · (1/s).  ∂/∂a = 1/s.
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    /// s / a.  ∂/∂a = −s/a² = −y/a.
    public static func / (s: Float, a: Tensor) -> Tensor { mapWithDerivative(a) { s / $0 } derivative: { x, y in -y / x } }
}
