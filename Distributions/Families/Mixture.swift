import Foundation
import LikelyTensor

/// A finite mixture of T distributions of one family, per element of the batch:
///
///     p(x) = Σₜ wₜ pₜ(x),   ln p(x) = logsumexp_t (ln wₜ + ln pₜ(x)).
///
/// Every component has the same `batchShape` B; the weights have shape `[T]` (shared by the
/// batch) or `B + [T]` (per row). The MC-dropout predictive of T stochastic passes is
/// `Mixture(equallyWeighted:)` of the T per-pass distributions.
public struct Mixture<Component: Distribution>: Distribution {
    /// The T members, each of batch shape `batchShape`.
    public let components: [Component]
    /// ln wₜ, normalised along the last axis, of shape `[T]` or `batchShape + [T]`.
    public let logWeights: Tensor

    /// A mixture with non-negative `weights` of shape `[T]` or `batchShape + [T]`
    /// (normalised here along the last axis).
    public init(components: [Component], weights: Tensor) {
        Mixture.checkComponents(components)
        precondition(weights.shape.last == components.count,
                     "mixture weights need a last axis of \(components.count) (one per component), got shape \(weights.shape)")
        checkDomain(weights, "mixture weights", "≥ 0", { $0 >= 0 })
        self.components = components
        self.logWeights = log(weights) - log(weights.sum(alongAxis: -1, keepingDimensions: true))
    }

    /// A mixture whose weights are softmax(`logits`) along the last axis (`[T]` or
    /// `batchShape + [T]`): the parameterisation of a mixture-density head.
    public init(components: [Component], logits: Tensor) {
        Mixture.checkComponents(components)
        precondition(logits.shape.last == components.count,
                     "mixture logits need a last axis of \(components.count) (one per component), got shape \(logits.shape)")
        self.components = components
        self.logWeights = logits.logSoftmax(alongAxis: -1)
    }

    /// The equally weighted mixture (wₜ = 1/T): the predictive of T MC-dropout passes.
    public init(equallyWeighted components: [Component]) {
        Mixture.checkComponents(components)
        self.components = components
        self.logWeights = Tensor.full(-Foundation.log(Float(components.count)), shape: [components.count])
    }

    private static func checkComponents(_ components: [Component]) {
        precondition(!components.isEmpty, "a mixture needs at least one component")
        let shape = components[0].batchShape
        precondition(components.allSatisfy { $0.batchShape == shape },
                     "mixture components need one batch shape, got \(components.map(\.batchShape))")
    }

    // MARK: - Parameters

    /// The broadcast shape of the parameters: one distribution per element.
    public var batchShape: [Int] { components[0].batchShape }

    /// wₜ, of shape `[T]` or `batchShape + [T]`.
    public var weights: Tensor { exp(logWeights) }

    /// A per-component statistic stacked on a new last axis: `batchShape + [T]`.
    func stacked(_ statistic: (Component) -> Tensor) -> Tensor {
        Tensor.stack(components.map(statistic), alongAxis: -1)
    }

    // MARK: - Statistics

    /// Σₜ wₜ μₜ (the law of total expectation).
    public var mean: Tensor { (weights * stacked(\.mean)).sum(alongAxis: -1) }

    /// Σₜ wₜ σₜ² + Σₜ wₜ (μₜ − μ)² (the law of total variance): aleatoric + epistemic.
    public var variance: Tensor { aleatoricVariance + epistemicVariance }

    /// Σₜ wₜ σₜ², the expected variance of the members (the noise they each predict).
    public var aleatoricVariance: Tensor { (weights * stacked(\.variance)).sum(alongAxis: -1) }

    /// Σₜ wₜ (μₜ − μ)², the variance of the members' means (their disagreement).
    public var epistemicVariance: Tensor {
        let means = stacked(\.mean)
        let centre = mean.expandingShape(at: -1)
        return (weights * square(means - centre)).sum(alongAxis: -1)
    }

    // MARK: - Log-probability

    /// logsumexp_t (ln wₜ + ln pₜ(x)), differentiable in every component's parameters and the
    /// weights; −∞ where every component gives −∞.
    public func logProb(_ value: Tensor) -> Tensor {
        (stacked { $0.logProb(value) } + logWeights).logSumExp(alongAxis: -1)
    }

    // MARK: - Sampling

    /// Per element: a component t drawn with probability wₜ, then a draw from it.
    public func sample(using random: inout RandomSource) -> Tensor {
        let shape = batchShape, t = components.count, n = elementCount(shape)
        let draws = withoutGradients { stacked { $0.sample(using: &random) } }
        let w = withoutGradients { weights.broadcast(to: shape + [t]) }
        var out = [Float](repeating: 0, count: n)
        w.scalars.withUnsafeBufferPointer { all in
            for i in 0..<n {
                let chosen = Categorical.firstClass(reaching: random.uniform(), UnsafeBufferPointer(rebasing: all[(i * t)..<((i + 1) * t)]))
                out[i] = draws.scalars[i * t + chosen]
            }
        }
        return Tensor(shape: shape, scalars: out)
    }
}

extension Mixture: UnivariateDistribution where Component: UnivariateDistribution {
    /// Discrete when its components are.
    public static var isDiscrete: Bool { Component.isDiscrete }

    /// Σₜ wₜ Fₜ(x).
    public func cdf(_ value: Tensor) -> Tensor {
        withoutGradients { (weights * stacked { $0.cdf(value) }).sum(alongAxis: -1) }
    }

    /// F⁻¹(p) (`quantiles(_:shape:)`), rounded to Float.
    public func quantile(_ probability: Tensor) -> Tensor {
        withoutGradients {
            let shape = broadcastShape(batchShape, probability.shape)
            let p = probability.broadcast(to: shape).scalars.map(Double.init)
            return Tensor(shape: shape, scalars: quantiles(p, shape: shape).map(Float.init))
        }
    }

    /// F⁻¹(pᵢ) in Double, one probability per element of `shape` (the batch shape or one it
    /// broadcasts to; row-major), by bisection on the mixture cdf inside
    /// [minₜ Qₜ(p), maxₜ Qₜ(p)], which brackets it because F(minₜ Qₜ(p)) ≤ p ≤ F(maxₜ Qₜ(p)).
    /// The component quantiles come from their scalar kernels in Double (`ScalarElements`), so
    /// a quantile beyond Float's range (3.4·10³⁸) is found, not +∞; the cdf is evaluated in
    /// Double at Double points (`MixtureCDF`), so F is compared with p even where it is within
    /// 10⁻⁸ of 1. Continuous families: halvings until the bracket is 2⁻²⁴ of its size wide
    /// (Float's precision; at most 1100); discrete families: bisection over the integers.
    ///
    /// Components with element kernels (every continuous family, and mixtures of them), one
    /// probability per element of the batch: instead, the Newton search of
    /// `MixtureRows.quantiles(eachRow:)`, to 10⁻¹⁰ of each element's width.
    public func quantiles(_ p: [Double], shape: [Int]) -> [Double] {
        if shape == batchShape, let rows { return rows.quantiles(eachRow: p) }
        let n = p.count, mixtureCDF = MixtureCDF(self, shape: shape)
        var low = [Double](repeating: .infinity, count: n), high = [Double](repeating: -.infinity, count: n)
        for component in components {
            let q = (component as? any ScalarElements).map { c in zip(c.scalars(broadcastTo: shape), p).map { $0.quantile($1) } }
                ?? component.quantile(Tensor(shape: shape, scalars: p.map(Float.init))).scalars.map(Double.init)
            for i in 0..<n {
                low[i] = Swift.min(low[i], q[i])
                high[i] = Swift.max(high[i], q[i])
                if q[i].isNaN { (low[i], high[i]) = (.nan, .nan) }
            }
        }
        // Elements already settled: equal brackets, or p outside (0, 1).
        var settled = (0..<n).map { low[$0] == high[$0] || !(low[$0].isFinite && high[$0].isFinite) }
        if Component.isDiscrete {
            let atLow = mixtureCDF(low)
            for i in 0..<n where !settled[i] && atLow[i] >= p[i] { high[i] = low[i]; settled[i] = true }
            while settled.contains(false) {
                var middle = low
                for i in 0..<n { middle[i] = ((low[i] + high[i]) / 2).rounded(.down) }
                let f = mixtureCDF(middle)
                for i in 0..<n where !settled[i] {
                    if f[i] >= p[i] { high[i] = middle[i] } else { low[i] = middle[i] }
                    if high[i] - low[i] <= 1 { settled[i] = true }
                }
            }
            return high
        }
        for _ in 0..<1100 where settled.contains(false) {
            var middle = low
            for i in 0..<n { middle[i] = low[i] + (high[i] - low[i]) / 2 }
            let f = mixtureCDF(middle)
            for i in 0..<n where !settled[i] {
                // Adjacent Doubles: nothing lies between the bracket's ends.
                if middle[i] <= low[i] || middle[i] >= high[i] { settled[i] = true; continue }
                if f[i] >= p[i] { high[i] = middle[i] } else { low[i] = middle[i] }
                if high[i] - low[i] <= 0x1p-24 * Swift.max(Swift.abs(low[i]), Swift.abs(high[i])) { settled[i] = true }
            }
        }
        var result = low
        for i in 0..<n where low[i] != high[i] { result[i] = low[i] + (high[i] - low[i]) / 2 }
        return result
    }

    /// The mixture laid out row by row (one row per element of the batch), when its components
    /// have element kernels (`MixtureRows`).
    package var rows: (any RowMixture)? {
        let n = elementCount(batchShape), t = components.count
        let w: [Float] = withoutGradients { weights.broadcast(to: batchShape + [t]) }.scalars
        return mixtureRows(components.map { $0 as any UnivariateDistribution }, rows: n, weights: w.map(Double.init))
    }

    /// Σₜ wₜ Fₜ(xᵢ) in Double, one point xᵢ per element of `shape` (the batch shape or one it
    /// broadcasts to; row-major) (`MixtureCDF`).
    func elementCDF(_ points: [Double], shape: [Int]) -> [Double] { MixtureCDF(self, shape: shape)(points) }
}

/// The cdf of a mixture in Double at one point per element of a shape, prepared once for the
/// many evaluations of a quantile search: the weights renormalised in Double (Float weights
/// sum to 1 only to ~3·10⁻⁸, which would shift a quantile within 10⁻⁷ of 1 by a whole tail)
/// and each component's elements as scalar kernels (`ScalarElements`; a nested mixture
/// through its own `elementCDF`, anything else through its tensor cdf).
struct MixtureCDF {
    private enum Part {
        case scalars([any ScalarDistribution])
        case evaluate(([Double]) -> [Double])
    }
    private let weights: [Double], parts: [Part]

    init<C: UnivariateDistribution>(_ mixture: Mixture<C>, shape: [Int]) {
        let t = mixture.components.count
        var w = withoutGradients { mixture.weights.broadcast(to: shape + [t]) }.scalars.map { Double($0) }
        for i in 0..<(w.count / Swift.max(t, 1)) {
            let sum = w[(i * t)..<((i + 1) * t)].reduce(0, +)
            for j in 0..<t { w[i * t + j] /= sum }
        }
        weights = w
        parts = mixture.components.map { component in
            if let nested = component as? any ElementCDF { return .evaluate { nested.elementCDF($0, shape: shape) } }
            if let elements = component as? any ScalarElements { return .scalars(elements.scalars(broadcastTo: shape)) }
            return .evaluate { component.cdf(Tensor(shape: shape, scalars: $0.map(Float.init))).scalars.map(Double.init) }
        }
    }

    /// Σₜ wₜ Fₜ(xᵢ), clamped to [0, 1].
    func callAsFunction(_ points: [Double]) -> [Double] {
        let t = parts.count
        var total = [Double](repeating: 0, count: points.count)
        for (j, part) in parts.enumerated() {
            switch part {
            case .scalars(let kernels):
                for i in points.indices { total[i] += weights[i * t + j] * kernels[i].cdf(points[i]) }
            case .evaluate(let cdf):
                let f = cdf(points)
                for i in points.indices { total[i] += weights[i * t + j] * f[i] }
            }
        }
        return total.map { Swift.min(Swift.max($0, 0), 1) }
    }
}

/// A mixture's quantile search in Double (`Mixture.quantiles(_:shape:)`), for callers that
/// hold it as `any UnivariateDistribution`.
public protocol MixtureQuantiles {
    /// F⁻¹(pᵢ) in Double, one probability per element of `shape`.
    func quantiles(_ p: [Double], shape: [Int]) -> [Double]
}

extension Mixture: MixtureQuantiles where Component: UnivariateDistribution {}

/// A distribution whose cdf can be evaluated in Double at one point per batch element.
protocol ElementCDF {
    func elementCDF(_ points: [Double], shape: [Int]) -> [Double]
}

extension Mixture: ElementCDF where Component: UnivariateDistribution {}

extension Mixture: EntropyDistribution where Component == Categorical {
    /// Σₜ wₜ pₜ, the averaged class probabilities, of shape `batchShape + [K]`.
    public var probs: Tensor {
        let stackedProbs = Tensor.stack(components.map(\.probs), alongAxis: -2)   // B + [T, K]
        return (stackedProbs * weights.expandingShape(at: -1)).sum(alongAxis: -2)
    }

    /// The entropy of the averaged probabilities (the predictive entropy; exact, since a
    /// mixture of categoricals is a categorical).
    public var entropy: Tensor { Categorical(probs: probs).entropy }

    /// Σₜ wₜ H(pₜ), the expected entropy of the members; predictive entropy minus this is the
    /// mutual information (the epistemic part).
    public var expectedEntropy: Tensor { (weights * stacked(\.entropy)).sum(alongAxis: -1) }
}
