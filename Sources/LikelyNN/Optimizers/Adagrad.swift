/// Adagrad (Keras `Adagrad`, default η = 0.001, initial accumulator 0.1, ε = 1e-7).
///
/// a ← a + g², w ← w − η·g/√(a + ε). Slot: `accumulator`.
public final class Adagrad: Optimizer {
    /// The learning-rate schedule, weight decay, clipping and per-parameter slots shared by every optimizer.
    public var core: OptimizerCore
    /// The accumulator's starting value.
    public let initialAccumulator: Float
    /// ε.
    public let epsilon: Float

    /// An Adagrad optimizer.
    public init(learningRate: LearningRateSchedule = 0.001, initialAccumulator: Float = 0.1, epsilon: Float = 1e-7,
                weightDecay: Float = 0, clipNorm: Float? = nil) {
        precondition(initialAccumulator >= 0, "initial accumulator must be ≥ 0, got \(initialAccumulator)")
        precondition(epsilon > 0, "epsilon must be positive, got \(epsilon)")
        core = OptimizerCore(schedule: learningRate, weightDecay: weightDecay, clipNorm: clipNorm)
        self.initialAccumulator = initialAccumulator
        self.epsilon = epsilon
    }

    /// The same rule and settings at step 0 with no slots (each fit trains its own copy).
    public func fresh() -> any Optimizer {
        Adagrad(learningRate: schedule, initialAccumulator: initialAccumulator, epsilon: epsilon,
                weightDecay: weightDecay, clipNorm: clipNorm)
    }

    /// The names of the per-parameter state tensors (the optimizer state file's keys).
    public var slotNames: [String] { ["accumulator"] }
    /// The value a slot starts at, for a parameter of this shape.
    public func initialSlotValue(_ slot: Int) -> Float { initialAccumulator }

    /// One update of `parameter` from its gradient and slots, at `learningRate`, for the 1-based `step`.
    public func apply(to w: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                      slots a: UnsafeMutableBufferPointer<Float>, learningRate eta: Float, step: Int) {
        for i in 0..<w.count {
            a[i] += g[i] * g[i]
            w[i] -= eta * g[i] / (a[i] + epsilon).squareRoot()
        }
    }
}
