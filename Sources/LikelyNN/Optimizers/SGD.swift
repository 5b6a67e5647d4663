/// Stochastic gradient descent with optional momentum (Keras `SGD`, default η = 0.01).
///
/// Without momentum: w ← w − η·g. With momentum μ: v ← μ·v − η·g, then w ← w + v, or with
/// Nesterov w ← w + μ·v − η·g. Slot: `velocity` (only with momentum).
public final class SGD: Optimizer {
    /// The learning-rate schedule, weight decay, clipping and per-parameter slots shared by every optimizer.
    public var core: OptimizerCore
    /// μ, in [0, 1).
    public let momentum: Float
    /// Whether to use the Nesterov look-ahead.
    public let nesterov: Bool

    /// An SGD optimizer.
    public init(learningRate: LearningRateSchedule = 0.01, momentum: Float = 0, nesterov: Bool = false,
                weightDecay: Float = 0, clipNorm: Float? = nil) {
        precondition(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got \(momentum)")
        core = OptimizerCore(schedule: learningRate, weightDecay: weightDecay, clipNorm: clipNorm)
        self.momentum = momentum
        self.nesterov = nesterov
    }

    /// The same rule and settings at step 0 with no slots (each fit trains its own copy).
    public func fresh() -> any Optimizer {
        SGD(learningRate: schedule, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay, clipNorm: clipNorm)
    }

    /// The names of the per-parameter state tensors (the optimizer state file's keys).
    public var slotNames: [String] { momentum > 0 ? ["velocity"] : [] }
    /// The value a slot starts at, for a parameter of this shape.
    public func initialSlotValue(_ slot: Int) -> Float { 0 }

    /// One update of `parameter` from its gradient and slots, at `learningRate`, for the 1-based `step`.
    public func apply(to w: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                      slots v: UnsafeMutableBufferPointer<Float>, learningRate eta: Float, step: Int) {
        let mu = momentum
        if mu == 0 {
            for i in 0..<w.count { w[i] -= eta * g[i] }
        } else if nesterov {
            for i in 0..<w.count { v[i] = mu * v[i] - eta * g[i]; w[i] += mu * v[i] - eta * g[i] }
        } else {
            for i in 0..<w.count { v[i] = mu * v[i] - eta * g[i]; w[i] += v[i] }
        }
    }
}
