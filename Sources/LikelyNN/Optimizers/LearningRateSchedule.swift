import Foundation

/// The learning rate as a function of the optimizer step t = 0, 1, 2, … (Keras's schedules).
/// A float literal is a constant rate: `Adam(learningRate: 0.01)`.
public enum LearningRateSchedule: Codable, Sendable, Hashable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    /// η.
    case constant(Float)
    /// η · factor^⌊t / every⌋: multiply by `factor` every `every` steps.
    case step(initial: Float, factor: Float, every: Int)
    /// η · rate^(t / decaySteps), with ⌊t / decaySteps⌋ when `staircase` (Keras `ExponentialDecay`).
    case exponential(initial: Float, decayRate: Float, decaySteps: Int, staircase: Bool)
    /// η · ((1 − α) · ½(1 + cos(π · min(t, T)/T)) + α), T = decaySteps (Keras `CosineDecay`).
    case cosine(initial: Float, decaySteps: Int, alpha: Float)

    /// A constant learning rate written as a number: `Adam(learningRate: 0.001)`.
    public init(floatLiteral value: Float) { self = .constant(value) }
    /// A constant learning rate written as a whole number.
    public init(integerLiteral value: Int) { self = .constant(Float(value)) }

    /// The rate at step `t` (the number of updates already made).
    public func rate(atStep t: Int) -> Float {
        precondition(t >= 0, "step must be ≥ 0, got \(t)")
        switch self {
        case .constant(let eta):
            return eta
        case let .step(eta, factor, every):
            precondition(every > 0, "step schedule needs every > 0, got \(every)")
            return eta * powf(factor, Float(t / every))
        case let .exponential(eta, rate, steps, staircase):
            precondition(steps > 0, "exponential schedule needs decaySteps > 0, got \(steps)")
            let p = staircase ? Double(t / steps) : Double(t) / Double(steps)
            return eta * Float(pow(Double(rate), p))
        case let .cosine(eta, steps, alpha):
            precondition(steps > 0, "cosine schedule needs decaySteps > 0, got \(steps)")
            let progress = Double(min(t, steps)) / Double(steps)
            let decayed = (1 - Double(alpha)) * 0.5 * (1 + cos(Double.pi * progress)) + Double(alpha)
            return eta * Float(decayed)
        }
    }
}
