import Foundation
import LikelyTensor

/// A link maps a network's raw, unconstrained output onto a parameter's domain
/// (`forward`), and a parameter value back to a raw output (`inverse`, for initialising a
/// bias so that the first prediction is sensible).
///
/// | link | forward y = f(x) | domain of y | inverse x = f⁻¹(y) |
/// |---|---|---|---|
/// | identity | x | ℝ | y |
/// | exp | eˣ | (0, ∞) | ln y |
/// | softplus(floor: m) | ln(1 + eˣ) + m | (m, ∞) | ln(e^(y − m) − 1) |
/// | sigmoid | 1 / (1 + e⁻ˣ) | (0, 1) | ln y − ln(1 − y) |
/// | softmax | eˣⁱ / Σⱼ eˣʲ along the last axis | simplex | ln y (up to an additive constant) |
public enum Link: Equatable, Sendable, CustomStringConvertible {
    /// y = x.
    case identity
    /// y = eˣ. For a Normal scale, prefer `Normal(loc:logScale:)`, which never forms eˣ in
    /// the log-density.
    case exp
    /// y = softplus(x) + floor. The floor keeps a scale away from 0, where the
    /// log-density's −ln σ would be infinite once softplus underflows (x below about −88 in
    /// Float32); `Link.defaultSoftplusFloor` is 1e-6.
    case softplus(floor: Float)
    /// y = σ(x), for probabilities and gates.
    case sigmoid
    /// y = softmax(x) along the last axis, for class probabilities.
    case softmax

    /// The floor used by `Link.softplus` when a family declares it as a default: 1e-6.
    public static let defaultSoftplusFloor: Float = 1e-6

    /// softplus with the default floor of 1e-6.
    public static var softplus: Link { .softplus(floor: defaultSoftplusFloor) }

    /// The parameter value f(x) for a raw output x (differentiable).
    public func forward(_ x: Tensor) -> Tensor {
        switch self {
        case .identity: return x
        case .exp: return LikelyTensor.exp(x)
        case .softplus(let floor): return LikelyTensor.softplus(x) + floor
        case .sigmoid: return LikelyTensor.sigmoid(x)
        case .softmax: return x.softmax(alongAxis: -1)
        }
    }

    /// The raw output x = f⁻¹(y) for a parameter value y (differentiable). For softmax the
    /// result is ln y, one of the raw vectors (they differ by a constant) mapping to y.
    public func inverse(_ y: Tensor) -> Tensor {
        switch self {
        case .identity: return y
        case .exp: return LikelyTensor.log(y)
        case .softplus(let floor):
            // ln(e^u − 1) = u + ln(1 − e^−u) = u + ln(−expm1(−u)), stable for large u.
            let u = y - floor
            return u + LikelyTensor.log(-LikelyTensor.expm1(-u))
        case .sigmoid: return LikelyTensor.log(y) - LikelyTensor.log1p(-y)
        case .softmax: return LikelyTensor.log(y)
        }
    }

    /// The link's name as written in model files and on the command line.
    public var description: String {
        switch self {
        case .identity: return "identity"
        case .exp: return "exp"
        case .softplus(let floor): return floor == Link.defaultSoftplusFloor ? "softplus" : "softplus(floor: \(floor))"
        case .sigmoid: return "sigmoid"
        case .softmax: return "softmax"
        }
    }
}
