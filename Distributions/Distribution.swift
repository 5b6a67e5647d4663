import LikelyTensor

/// A batch of probability distributions of one family, one per element of `batchShape`,
/// whose parameters are tensors.
///
/// Parameters broadcast against each other; `batchShape` is their broadcast shape. A value
/// passed to `logProb` broadcasts against the batch. Out-of-support values have log-probability
/// −∞ (never NaN), and their gradient is 0.
public protocol Distribution {
    /// The shape of the batch: one distribution per element (per row of a `[N, K]`
    /// categorical's logits).
    var batchShape: [Int] { get }

    /// ln p(value) element-wise, of the broadcast shape of `value` and `batchShape`:
    /// a log-density for continuous families, a log-mass for discrete ones. Differentiable
    /// in every parameter tensor; the negative log-likelihood loss is `-logProb(y).mean()`.
    func logProb(_ value: Tensor) -> Tensor

    /// One draw per distribution, of shape `batchShape` (not differentiable).
    func sample(using random: inout RandomSource) -> Tensor

    /// `count` independent draws per distribution, of shape `[count] + batchShape`.
    func sample(count: Int, using random: inout RandomSource) -> Tensor

    /// E[X], of shape `batchShape` (NaN where the mean does not exist, e.g. Student's t with
    /// df ≤ 1).
    var mean: Tensor { get }

    /// Var[X], of shape `batchShape` (+∞ where it diverges, NaN where it does not exist).
    var variance: Tensor { get }

    /// √Var[X].
    var standardDeviation: Tensor { get }
}

extension Distribution {
    /// √Var[X].
    public var standardDeviation: Tensor { sqrt(variance) }

    /// `count` independent draws per distribution, of shape `[count] + batchShape`, drawn one
    /// batch after another from `random`.
    public func sample(count: Int, using random: inout RandomSource) -> Tensor {
        precondition(count >= 1, "sample count must be at least 1, got \(count)")
        let draws = (0..<count).map { _ in sample(using: &random) }
        return withoutGradients { Tensor.stack(draws, alongAxis: 0) }
    }
}

/// A distribution over the real line or a subset of it, with a cdf and a quantile function.
public protocol UnivariateDistribution: Distribution {
    /// Whether the support is the integers (then `quantile` returns integers and a mixture
    /// inverts its cdf over the integers).
    static var isDiscrete: Bool { get }

    /// F(x) = P(X ≤ x) element-wise, of the broadcast shape of `value` and `batchShape`.
    func cdf(_ value: Tensor) -> Tensor

    /// F⁻¹(p) = inf { x : F(x) ≥ p } element-wise for probabilities p in [0, 1] (NaN outside).
    func quantile(_ probability: Tensor) -> Tensor
}

/// A distribution over the classes 0, 1, …, K−1 (Bernoulli: K = 2), whose probabilities are
/// what a classifier reports.
public protocol ClassDistribution: Distribution {
    /// K, the number of classes.
    var classCount: Int { get }

    /// P(X = k) for every class, of shape `batchShape + [K]`; each row sums to 1.
    var classProbabilities: Tensor { get }
}

/// A distribution with a closed-form (or exactly summed) entropy.
public protocol EntropyDistribution: Distribution {
    /// H = −E[ln p(X)] in nats, of shape `batchShape`.
    var entropy: Tensor { get }
}

/// A location-scale family: a draw is `loc + scale · ε` for a parameter-free ε, so it can be
/// differentiated in `loc` and `scale` (the reparameterisation trick of variational layers).
public protocol ReparameterizedDistribution: Distribution {
    /// One draw per distribution, of shape `batchShape`, recorded on the tape as a
    /// differentiable function of the location and scale parameters.
    func reparameterizedSample(using random: inout RandomSource) -> Tensor
}
