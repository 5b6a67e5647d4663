import LikelyTensor

/// How a class distribution (`Bernoulli`, `Categorical`) was given: logits, the stable form a
/// classifier head produces, or probabilities.
enum ClassParameters {
    case logits(Tensor)
    case probs(Tensor)

    /// The tensor as given: the logits or the probabilities.
    var given: Tensor {
        switch self {
        case .logits(let t), .probs(let t): return t
        }
    }
}
