/// RMSprop (Keras `RMSprop`, default η = 0.001, ρ = 0.9, momentum 0, ε = 1e-7, not centered).
///
/// v ← ρ·v + (1 − ρ)·g²; centered: ḡ ← ρ·ḡ + (1 − ρ)·g and d = v − ḡ² + ε, else d = v + ε;
/// Δ = η·g/√d; with momentum μ: m ← μ·m + Δ and w ← w − m, else w ← w − Δ.
/// Slots: `velocity`, then `average_gradient` (centered), then `momentum` (μ > 0).
public final class RMSprop: Optimizer {
    /// The learning-rate schedule, weight decay, clipping and per-parameter slots shared by every optimizer.
    public var core: OptimizerCore
    /// ρ, the decay of the squared-gradient average.
    public let rho: Float
    /// μ.
    public let momentum: Float
    /// ε.
    public let epsilon: Float
    /// Whether to divide by the gradient's variance estimate instead of its second moment.
    public let centered: Bool

    /// An RMSprop optimizer.
    public init(learningRate: LearningRateSchedule = 0.001, rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7,
                centered: Bool = false, weightDecay: Float = 0, clipNorm: Float? = nil) {
        precondition(rho >= 0 && rho < 1, "rho must be in [0, 1), got \(rho)")
        precondition(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got \(momentum)")
        precondition(epsilon > 0, "epsilon must be positive, got \(epsilon)")
        core = OptimizerCore(schedule: learningRate, weightDecay: weightDecay, clipNorm: clipNorm)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
    }

    /// The same rule and settings at step 0 with no slots (each fit trains its own copy).
    public func fresh() -> any Optimizer {
        RMSprop(learningRate: schedule, rho: rho, momentum: momentum, epsilon: epsilon, centered: centered,
                weightDecay: weightDecay, clipNorm: clipNorm)
    }

    /// The names of the per-parameter state tensors (the optimizer state file's keys).
    public var slotNames: [String] {
        ["velocity"] + (centered ? ["average_gradient"] : []) + (momentum > 0 ? ["momentum"] : [])
    }
    /// The value a slot starts at, for a parameter of this shape.
    public func initialSlotValue(_ slot: Int) -> Float { 0 }

    /// One update of `parameter` from its gradient and slots, at `learningRate`, for the 1-based `step`.
    public func apply(to w: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                      slots s: UnsafeMutableBufferPointer<Float>, learningRate eta: Float, step: Int) {
        let n = w.count
        let averageOffset = centered ? n : 0
        let momentumOffset = (centered ? 2 : 1) * n
        for i in 0..<n {
            s[i] = rho * s[i] + (1 - rho) * g[i] * g[i]
            var denominator = s[i] + epsilon
            if centered {
                s[averageOffset + i] = rho * s[averageOffset + i] + (1 - rho) * g[i]
                denominator -= s[averageOffset + i] * s[averageOffset + i]
            }
            let increment = eta * g[i] / denominator.squareRoot()
            if momentum > 0 {
                s[momentumOffset + i] = momentum * s[momentumOffset + i] + increment
                w[i] -= s[momentumOffset + i]
            } else {
                w[i] -= increment
            }
        }
    }
}
