/// How a per-example loss `[N]` becomes the loss that is reported or differentiated.
public enum Reduction: Sendable, Hashable {
    /// (1/N) Σᵢ ℓᵢ, a scalar.
    case mean
    /// Σᵢ ℓᵢ, a scalar (a micro-batch's share of a larger batch's mean is its sum divided by
    /// the larger batch's size).
    case sum
    /// ℓᵢ per example, `[N]`.
    case none

    /// Applies the reduction to per-example losses `[N]`.
    public func apply(_ losses: Tensor) -> Tensor {
        switch self {
        case .mean: losses.mean()
        case .sum: losses.sum()
        case .none: losses
        }
    }
}
