import Foundation

/// Adam (Keras `Adam`, default η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7).
///
/// m ← m + (1 − β₁)(g − m), v ← v + (1 − β₂)(g² − v),
/// w ← w − α·m/(√v + ε) with α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ) at the 1-based step t.
/// Slots: `m`, `v`. L2 `weightDecay` is added to the gradient; for decoupled decay use `AdamW`.
public class Adam: Optimizer {
    /// The learning-rate schedule, weight decay, clipping and per-parameter slots shared by every optimizer.
    public var core: OptimizerCore
    /// β₁, the decay of the first moment.
    public let beta1: Float
    /// β₂, the decay of the second moment.
    public let beta2: Float
    /// ε.
    public let epsilon: Float
    /// λ_d, AdamW's decoupled decay (0 for Adam).
    let decoupledDecay: Float

    /// An Adam optimizer.
    public convenience init(learningRate: LearningRateSchedule = 0.001, beta1: Float = 0.9, beta2: Float = 0.999,
                            epsilon: Float = 1e-7, weightDecay: Float = 0, clipNorm: Float? = nil) {
        self.init(core: OptimizerCore(schedule: learningRate, weightDecay: weightDecay, clipNorm: clipNorm),
                  beta1: beta1, beta2: beta2, epsilon: epsilon, decoupledDecay: 0)
    }

    init(core: OptimizerCore, beta1: Float, beta2: Float, epsilon: Float, decoupledDecay: Float) {
        precondition(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got \(beta1)")
        precondition(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got \(beta2)")
        precondition(epsilon > 0, "epsilon must be positive, got \(epsilon)")
        precondition(decoupledDecay >= 0, "decoupled weight decay must be ≥ 0, got \(decoupledDecay)")
        self.core = core
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.decoupledDecay = decoupledDecay
    }

    /// The same rule and settings at step 0 with no slots (each fit trains its own copy).
    public func fresh() -> any Optimizer {
        Adam(core: core.fresh, beta1: beta1, beta2: beta2, epsilon: epsilon, decoupledDecay: decoupledDecay)
    }

    /// The names of the per-parameter state tensors (the optimizer state file's keys).
    public var slotNames: [String] { ["m", "v"] }
    /// The value a slot starts at, for a parameter of this shape.
    public func initialSlotValue(_ slot: Int) -> Float { 0 }

    /// One update of `parameter` from its gradient and slots, at `learningRate`, for the 1-based `step`.
    public func apply(to w: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                      slots s: UnsafeMutableBufferPointer<Float>, learningRate eta: Float, step: Int) {
        adamUpdate(w, g, s, eta: eta, beta1: beta1, beta2: beta2, epsilon: epsilon, step: step, decoupledDecay: decoupledDecay)
    }
}

/// AdamW (Keras `AdamW`, default η = 0.001, decoupled weight decay 0.004): before the Adam
/// step, w ← w − η·λ_d·w, which shrinks weights without passing through the moments.
/// Slots: `m`, `v`.
public final class AdamW: Adam {
    /// λ_d, the decoupled decay.
    public var decoupledWeightDecay: Float { decoupledDecay }

    /// An AdamW optimizer; `weightDecay` (L2 on the gradient) stays 0 unless asked for.
    public init(learningRate: LearningRateSchedule = 0.001, decoupledWeightDecay: Float = 0.004, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-7, weightDecay: Float = 0, clipNorm: Float? = nil) {
        super.init(core: OptimizerCore(schedule: learningRate, weightDecay: weightDecay, clipNorm: clipNorm),
                   beta1: beta1, beta2: beta2, epsilon: epsilon, decoupledDecay: decoupledWeightDecay)
    }

    /// A copy with no moments and no step count, so that each fit starts afresh.
    public override func fresh() -> any Optimizer {
        AdamW(learningRate: schedule, decoupledWeightDecay: decoupledDecay, beta1: beta1, beta2: beta2, epsilon: epsilon,
              weightDecay: weightDecay, clipNorm: clipNorm)
    }
}

/// The shared Adam rule; slots hold m then v.
@inline(__always)
func adamUpdate(_ w: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ s: UnsafeMutableBufferPointer<Float>,
                eta: Float, beta1: Float, beta2: Float, epsilon: Float, step: Int, decoupledDecay: Float) {
    let n = w.count
    let t = Double(step)
    let alpha = Float(Double(eta) * (1 - pow(Double(beta2), t)).squareRoot() / (1 - pow(Double(beta1), t)))
    let shrink = eta * decoupledDecay
    for i in 0..<n {
        if shrink != 0 { w[i] -= shrink * w[i] }
        s[i] += (g[i] - s[i]) * (1 - beta1)
        s[n + i] += (g[i] * g[i] - s[n + i]) * (1 - beta2)
        w[i] -= alpha * s[i] / (s[n + i].squareRoot() + epsilon)
    }
}
