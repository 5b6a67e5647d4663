import LikelyTensor

/// The outcome of comparing autodiff gradients with central finite differences.
public struct GradientCheckResult: CustomStringConvertible {
    /// Each mismatch: input number, element offset, analytic and numeric value.
    public var mismatches: [(input: Int, element: Int, analytic: Float, numeric: Float)] = []
    /// How many elements were compared.
    public var checked = 0

    /// True when every element agreed within tolerance.
    public var passed: Bool { mismatches.isEmpty && checked > 0 }

    public var description: String {
        if passed { return "gradient check passed on \(checked) elements" }
        let shown = mismatches.prefix(5).map { "input \($0.input)[\($0.element)]: analytic \($0.analytic), numeric \($0.numeric)" }
        return "gradient check failed on \(mismatches.count) of \(checked) elements: " + shown.joined(separator: "; ")
    }
}

/// Checks the reverse-mode gradient of `function` at `inputs` against central finite
/// differences.
///
/// A non-scalar output y is first reduced to L = Σ w·y with fixed random weights w, so every
/// element of the Jacobian is exercised, not only its row sums. For each input element,
/// the numeric derivative is (L(x + ε) − L(x − ε)) / 2ε with ε scaled to the element's size,
/// and it must agree with the analytic one within
/// `absoluteTolerance + relativeTolerance · max(|analytic|, |numeric|)`.
/// Float32 limits the accuracy: keep inputs away from kinks (|x| near 0 for relu, abs).
/// - Parameters:
///   - inputs: the points to differentiate at (they are copied; the originals are untouched).
///   - epsilon: the relative finite-difference step.
///   - function: the function of the inputs to check.
public func checkGradients(at inputs: [Tensor], epsilon: Float = 1e-2,
                           absoluteTolerance: Float = 2e-3, relativeTolerance: Float = 2e-2,
                           _ function: ([Tensor]) -> Tensor) -> GradientCheckResult {
    let leaves = inputs.map { Tensor(shape: $0.shape, scalars: $0.scalars, requiresGradient: true) }
    let output = function(leaves)
    var random = RandomSource(seed: 12345)
    let weights = Tensor.randomNormal(output.shape, using: &random)
    let gradients = (output * weights).sum().gradients()

    // The projected loss in double precision, with recording off.
    func loss(_ values: [Tensor]) -> Double {
        withoutGradients {
            let y = function(values)
            return zip(y.scalars, weights.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
    }

    var result = GradientCheckResult()
    for (i, leaf) in leaves.enumerated() {
        let analytic = gradients[leaf]?.scalars ?? [Float](repeating: 0, count: leaf.count)
        for j in 0..<leaf.count {
            let x = leaf.scalars[j]
            let h = epsilon * max(1, Swift.abs(x))
            let plus = leaves.map { $0.detached() }, minus = leaves.map { $0.detached() }
            plus[i].scalars[j] = x + h
            minus[i].scalars[j] = x - h
            let numeric = Float((loss(plus) - loss(minus)) / Double((x + h) - (x - h)))
            let a = analytic[j]
            result.checked += 1
            if !(Swift.abs(a - numeric) <= absoluteTolerance + relativeTolerance * max(Swift.abs(a), Swift.abs(numeric))) {
                result.mismatches.append((i, j, a, numeric))
            }
        }
    }
    return result
}
