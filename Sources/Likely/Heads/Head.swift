import Foundation

/// A head joins a network's raw outputs to a distribution family through links.
///
/// The network's last layer has `rawOutputCount` units; for a batch of raw outputs
/// `[N, rawOutputCount]`, `distribution(_:)` gives one distribution per row, of batch shape
/// `[N]`. The loss of every model is the same generic expression,
///
///     NLL = −(1/N) Σᵢ ln p(yᵢ | θ(xᵢ)),
///
/// computed by each family's `logProb` from the raw outputs where that is stabler (an
/// exp-scale Normal from ln σ, Bernoulli and Categorical from logits, Poisson from log-rate).
///
/// | family | raw outputs | parameters |
/// |---|---|---|
/// | normal, laplace | 2 | loc = r₀, scale = link(r₁) |
/// | studentt | 3 | loc = r₀, scale = link(r₁), df = 1 + softplus(r₂) |
/// | lognormal | 2 | loc = r₀, scale = link(r₁) (of ln y) |
/// | gamma | 2 | concentration = link(r₀), rate = link(r₁) |
/// | poisson | 1 | ln rate = r₀ |
/// | negbinomial | 2 | total count = link(r₀), probs = σ(r₁) |
/// | zip | 2 | rate = eʳ⁰, gate = σ(r₁) |
/// | bernoulli | 1 | logit = r₀ |
/// | categorical | K | logits = r |
/// | mdn | 3K | weight logits r[0..<K], locs r[K..<2K], scales link(r[2K..<3K]) |
public struct Head: Codable, Equatable, Sendable {
    /// The family predicted.
    public var family: HeadFamily
    /// The link for scale-like positive parameters.
    public var scaleLink: ScaleLink
    /// The number of classes (categorical only).
    public var classCount: Int
    /// The number of mixture components (mdn only).
    public var components: Int
    /// T of temperature scaling for Bernoulli and Categorical heads: the logits are divided by
    /// T (1: none). Fitted after training by `ProbabilisticModel.calibrateTemperature(on:)`.
    public var temperature: Float = 1

    /// - Parameters:
    ///   - family: the distribution predicted.
    ///   - scaleLink: exp (default) or softplus for positive parameters.
    ///   - classCount: K for a categorical head (≥ 2).
    ///   - components: K for a mixture-density head (≥ 1).
    public init(_ family: HeadFamily, scaleLink: ScaleLink = .exp, classCount: Int = 2, components: Int = 3) {
        precondition(classCount >= 2, "a categorical head needs at least 2 classes, got \(classCount)")
        precondition(components >= 1, "a mixture-density head needs at least 1 component, got \(components)")
        self.family = family
        self.scaleLink = scaleLink
        self.classCount = classCount
        self.components = components
    }

    /// How many raw outputs per example the network must produce.
    public var rawOutputCount: Int {
        switch family {
        case .poisson, .bernoulli: 1
        case .normal, .laplace, .logNormal, .gamma, .negativeBinomial, .zeroInflatedPoisson: 2
        case .studentT: 3
        case .categorical: classCount
        case .normalMixture: 3 * components
        }
    }

    /// The distributions for a batch of raw outputs `[N, rawOutputCount]`, one per row.
    /// - Parameters:
    ///   - raw: the network's outputs.
    ///   - scaling: for location-scale families trained on a standardized target, the map
    ///     back to original units; the distribution is then over the original target.
    public func distribution(_ raw: Tensor, scaling: TargetScaling? = nil) -> any UnivariateDistribution {
        precondition(raw.rank == 2 && raw.shape[1] == rawOutputCount,
                     "\(family.rawValue) head needs raw outputs [N, \(rawOutputCount)], got \(raw.shape)")
        func column(_ j: Int) -> Tensor { raw.slice(alongAxis: 1, j..<(j + 1)).reshaped(to: [raw.shape[0]]) }
        func columns(_ range: Range<Int>) -> Tensor { raw.slice(alongAxis: 1, range) }
        let shift = scaling?.mean ?? 0, stretch = scaling?.standardDeviation ?? 1
        let logStretch = Float(Foundation.log(Double(stretch)))
        func loc(_ r: Tensor) -> Tensor { scaling == nil ? r : r * stretch + shift }
        func positive(_ r: Tensor) -> Tensor { scaleLink.link.forward(r) }
        switch family {
        case .normal:
            return scaleLink == .exp
                ? Normal(loc: loc(column(0)), logScale: scaling == nil ? column(1) : column(1) + logStretch)
                : Normal(loc: loc(column(0)), scale: positive(column(1)) * stretch)
        case .laplace:
            return Laplace(loc: loc(column(0)), scale: positive(column(1)) * stretch)
        case .studentT:
            return StudentT(df: softplus(column(2)) + 1, loc: loc(column(0)), scale: positive(column(1)) * stretch)
        case .logNormal:
            return scaleLink == .exp
                ? LogNormal(loc: column(0), logScale: column(1))
                : LogNormal(loc: column(0), scale: positive(column(1)))
        case .gamma:
            return Gamma(concentration: positive(column(0)), rate: positive(column(1)))
        case .poisson:
            return Poisson(logRate: column(0))
        case .negativeBinomial:
            return NegativeBinomial(totalCount: positive(column(0)), probs: sigmoid(column(1)))
        case .zeroInflatedPoisson:
            return ZeroInflatedPoisson(rate: exp(column(0)), gate: sigmoid(column(1)))
        case .bernoulli:
            return Bernoulli(logits: temperature == 1 ? column(0) : column(0) / temperature)
        case .categorical:
            return Categorical(logits: temperature == 1 ? raw : raw / temperature)
        case .normalMixture:
            let k = components
            let locs = columns(k..<(2 * k)), scales = columns((2 * k)..<(3 * k))
            let members = (0..<k).map { j -> Normal in
                let l = loc(locs.slice(alongAxis: 1, j..<(j + 1)).reshaped(to: [raw.shape[0]]))
                let s = scales.slice(alongAxis: 1, j..<(j + 1)).reshaped(to: [raw.shape[0]])
                return scaleLink == .exp
                    ? Normal(loc: l, logScale: scaling == nil ? s : s + logStretch)
                    : Normal(loc: l, scale: positive(s) * stretch)
            }
            return Mixture(components: members, logits: columns(0..<k))
        }
    }

    /// The mean negative log-likelihood of `targets` `[N]` under the distributions of `raw`:
    /// the loss of every model. Differentiable in `raw`.
    public func negativeLogLikelihood(_ raw: Tensor, targets: Tensor, scaling: TargetScaling? = nil) -> Tensor {
        -distribution(raw, scaling: scaling).logProb(targets).mean()
    }
}
