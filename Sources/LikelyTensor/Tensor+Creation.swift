extension Tensor {
    /// All elements equal to `value`.
    public static func full(_ value: Float, shape: [Int], requiresGradient: Bool = false) -> Tensor {
        Tensor(shape: shape, scalars: [Float](repeating: value, count: elementCount(shape)), requiresGradient: requiresGradient)
    }

    /// All zeros.
    public static func zeros(_ shape: [Int], requiresGradient: Bool = false) -> Tensor {
        full(0, shape: shape, requiresGradient: requiresGradient)
    }

    /// All ones.
    public static func ones(_ shape: [Int], requiresGradient: Bool = false) -> Tensor {
        full(1, shape: shape, requiresGradient: requiresGradient)
    }

    /// start, start + step, … below `end` (rank 1).
    public static func range(from start: Float = 0, to end: Float, step: Float = 1) -> Tensor {
        precondition(step != 0, "range step must be non-zero")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<n).map { start + Float($0) * step })
    }

    /// `count` evenly spaced values from `start` to `end` inclusive (rank 1).
    public static func linspace(from start: Float, to end: Float, count: Int) -> Tensor {
        precondition(count >= 2, "linspace needs count ≥ 2, got \(count)")
        return Tensor((0..<count).map { start + (end - start) * Float($0) / Float(count - 1) })
    }

    /// Draws from N(mean, standardDeviation²).
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    using random: inout RandomSource) -> Tensor {
        let values = (0..<elementCount(shape)).map { _ in
            Float(random.normal(mean: Double(mean), standardDeviation: Double(standardDeviation)))
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// Draws from U[lowerBound, upperBound).
    public static func randomUniform(_ shape: [Int], lowerBound: Float = 0, upperBound: Float = 1,
                                     using random: inout RandomSource) -> Tensor {
        let values = (0..<elementCount(shape)).map { _ in
            lowerBound + (upperBound - lowerBound) * Float(random.uniform())
        }
        return Tensor(shape: shape, scalars: values)
    }
}
