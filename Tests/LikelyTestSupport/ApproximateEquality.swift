import LikelyTensor

/// Whether `a` and `b` agree to within `absolute + relative · max(|a|, |b|)`.
///
/// Infinities agree only with the same infinity; NaN never agrees. Used for comparisons
/// against reference values from independent libraries (scipy, hand-worked examples).
public func isApproximatelyEqual(_ a: Double, _ b: Double, absolute: Double = 1e-6, relative: Double = 1e-5) -> Bool {
    if a.isNaN || b.isNaN { return false }
    if a.isInfinite || b.isInfinite { return a == b }
    return Swift.abs(a - b) <= absolute + relative * max(Swift.abs(a), Swift.abs(b))
}

/// Float convenience for `isApproximatelyEqual(_:_:absolute:relative:)`.
public func isApproximatelyEqual(_ a: Float, _ b: Float, absolute: Float = 1e-5, relative: Float = 1e-4) -> Bool {
    isApproximatelyEqual(Double(a), Double(b), absolute: Double(absolute), relative: Double(relative))
}

/// Element-wise approximate equality of two tensors of the same shape.
public func isApproximatelyEqual(_ a: Tensor, _ b: Tensor, absolute: Float = 1e-5, relative: Float = 1e-4) -> Bool {
    a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { isApproximatelyEqual($0, $1, absolute: absolute, relative: relative) }
}

/// Element-wise approximate equality against expected values in row-major order.
public func isApproximatelyEqual(_ a: Tensor, _ expected: [Float], absolute: Float = 1e-5, relative: Float = 1e-4) -> Bool {
    a.count == expected.count && zip(a.scalars, expected).allSatisfy { isApproximatelyEqual($0, $1, absolute: absolute, relative: relative) }
}
