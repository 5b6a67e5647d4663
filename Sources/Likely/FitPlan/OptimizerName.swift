import Foundation

/// The optimizers a `FitPlan` (and `--optimizer`) names.
public enum OptimizerName: String, CaseIterable, Sendable {
    case adam, sgd, rmsprop, adagrad

    /// Keras's default learning rate: 0.01 for sgd, 0.001 for the others.
    public var defaultLearningRate: Float { self == .sgd ? 0.01 : 0.001 }

    /// Whether the rule has a momentum setting (sgd and rmsprop).
    public var hasMomentum: Bool { self == .sgd || self == .rmsprop }

    /// The optimizer at a constant learning rate, `defaultLearningRate` unless one is given,
    /// with L2 `weightDecay` added to every gradient.
    /// - Precondition: `momentum` is 0 unless `hasMomentum`.
    public func make(learningRate: Float?, momentum: Float = 0, weightDecay: Float = 0) -> any Optimizer {
        precondition(momentum == 0 || hasMomentum, "\(rawValue) has no momentum setting, got momentum \(momentum)")
        let rate = LearningRateSchedule.constant(learningRate ?? defaultLearningRate)
        return switch self {
        case .adam: Adam(learningRate: rate, weightDecay: weightDecay)
        case .sgd: SGD(learningRate: rate, momentum: momentum, weightDecay: weightDecay)
        case .rmsprop: RMSprop(learningRate: rate, momentum: momentum, weightDecay: weightDecay)
        case .adagrad: Adagrad(learningRate: rate, weightDecay: weightDecay)
        }
    }
}
