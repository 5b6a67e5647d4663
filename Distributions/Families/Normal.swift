import CGSL
import Foundation
import LikelyTensor

/// The normal distribution N(μ, σ²):
///
///     ln p(x) = −(x − μ)² / (2σ²) − ln σ − ½ ln 2π,   x ∈ ℝ.
///
/// `loc` μ and `scale` σ > 0 broadcast to `batchShape`. Built with `init(loc:logScale:)`,
/// the log-density is computed from s = ln σ directly (−s instead of −ln eˢ, and z = (x − μ)e^−s),
/// which stays finite when eˢ would underflow: the stable NLL of an exp-scale head.
public struct Normal: UnivariateDistribution, EntropyDistribution, ReparameterizedDistribution {
    /// The mean μ.
    public let loc: Tensor
    /// The standard deviation σ = e^logScale when built from a log-scale.
    public let scale: Tensor
    /// ln σ when the distribution was built from it (the log-density then uses it directly).
    public let logScale: Tensor?

    /// N(loc, scale²); every scale must be > 0.
    public init(loc: Tensor, scale: Tensor) {
        Family.normal.checkDomain(scale, "scale")
        self.loc = loc
        self.scale = scale
        self.logScale = nil
    }

    /// N(loc, exp(logScale)²): the parameterisation of a head with the exp link on the scale.
    public init(loc: Tensor, logScale: Tensor) {
        self.loc = loc
        self.logScale = logScale
        self.scale = exp(logScale)
    }

    // MARK: - Parameters

    /// The broadcast shape of the parameters: one distribution per element.
    public var batchShape: [Int] { broadcastShape(loc.shape, scale.shape) }

    /// `false`: a continuous distribution.
    public static var isDiscrete: Bool { false }

    // MARK: - Statistics

    /// μ.
    public var mean: Tensor { loc.broadcast(to: batchShape) }
    /// σ².
    public var variance: Tensor { square(scale).broadcast(to: batchShape) }
    /// σ.
    public var standardDeviation: Tensor { scale.broadcast(to: batchShape) }
    /// ½ ln(2πe σ²) = ½ + ½ ln 2π + ln σ.
    public var entropy: Tensor { (logScale ?? log(scale)).broadcast(to: batchShape) + Float(0.5 + halfLogTwoPi) }

    /// Φ((x − μ)/σ) (`Scalar.cdf`).
    public func cdf(_ value: Tensor) -> Tensor {
        pointwiseValue([value, loc, scale]) { a in Scalar(loc: a[1], scale: a[2]).cdf(a[0]) }
    }

    /// μ + σ Φ⁻¹(p) (`Scalar.quantile`; ±∞ at p = 0, 1).
    public func quantile(_ probability: Tensor) -> Tensor {
        pointwiseValue([probability, loc, scale]) { a in Scalar(loc: a[1], scale: a[2]).quantile(a[0]) }
    }

    // MARK: - Log-probability

    /// ln N(x | μ, σ), element-wise, differentiable in x, μ and σ (or ln σ):
    /// ∂/∂μ = z/σ, ∂/∂σ = (z² − 1)/σ, ∂/∂ln σ = z² − 1, ∂/∂x = −z/σ, with z = (x − μ)/σ.
    public func logProb(_ value: Tensor) -> Tensor {
        if let logScale {
            return pointwise([value, loc, logScale]) { a, d in
                let inverseScale = Foundation.exp(-a[2])
                let z = (a[0] - a[1]) * inverseScale
                d[0] = -z * inverseScale
                d[1] = z * inverseScale
                d[2] = z * z - 1
                return -0.5 * z * z - a[2] - halfLogTwoPi
            }
        }
        return pointwise([value, loc, scale]) { a, d in
            let z = (a[0] - a[1]) / a[2]
            d[0] = -z / a[2]
            d[1] = z / a[2]
            d[2] = (z * z - 1) / a[2]
            return Scalar(loc: a[1], scale: a[2]).logProb(a[0])
        }
    }

    // MARK: - Sampling

    /// μ + σ ε with ε ~ N(0, 1) from GSL's ziggurat sampler.
    public func sample(using random: inout RandomSource) -> Tensor {
        sampleElementwise([loc, scale], using: &random) { r, a in r.normal(mean: a[0], standardDeviation: a[1]) }
    }

    /// μ + σ ε, differentiable in μ and σ (ε ~ N(0, 1) is a constant of the tape).
    public func reparameterizedSample(using random: inout RandomSource) -> Tensor {
        let noise = Tensor.randomNormal(batchShape, using: &random)
        return loc + scale * noise
    }
}

// MARK: - Double

extension Normal: ScalarElements {
    /// N(μ, σ²) with μ and σ in Double.
    public struct Scalar: ScalarDistribution {
        /// μ.
        public let loc: Double
        /// σ > 0.
        public let scale: Double

        /// N(loc, scale²); the caller checks scale > 0 (`Family.scalarDistribution`).
        public init(loc: Double, scale: Double) {
            self.loc = loc
            self.scale = scale
        }

        /// −z²/2 − ln σ − ½ ln 2π with z = (x − μ)/σ.
        public func logProb(_ x: Double) -> Double {
            StandardNormal.logDensity((x - loc) / scale) - Foundation.log(scale)
        }
        /// Φ((x − μ)/σ).
        public func cdf(_ x: Double) -> Double { StandardNormal.cdf((x - loc) / scale) }
        /// μ + σ Φ⁻¹(p).
        public func quantile(_ p: Double) -> Double {
            guard p >= 0 && p <= 1 else { return .nan }
            return loc + scale * StandardNormal.quantile(p)
        }
        /// μ.
        public var mean: Double { loc }
        /// σ².
        public var variance: Double { scale * scale }
        /// σ.
        public var standardDeviation: Double { scale }
        /// ½ + ½ ln 2π + ln σ.
        public var entropy: Double { 0.5 + halfLogTwoPi + Foundation.log(scale) }
        /// μ + σ ε, ε from GSL's ziggurat.
        public func sample(using random: inout RandomSource) -> Double { random.normal(mean: loc, standardDeviation: scale) }
    }

    /// Each element in Double; σ = e^(ln σ) in Double when built from the log-scale.
    public func scalars(broadcastTo shape: [Int]) -> [any ScalarDistribution] {
        if let logScale {
            return elementArguments([loc, logScale], broadcastTo: shape).map { Scalar(loc: $0[0], scale: Foundation.exp($0[1])) }
        }
        return elementArguments([loc, scale], broadcastTo: shape).map { Scalar(loc: $0[0], scale: $0[1]) }
    }
}

// MARK: - Declaration

extension Family {
    /// normal: loc μ (identity), scale σ (the head's scale link; exp gives `Normal(loc:logScale:)`).
    public static let normal = Family(
        name: "normal", support: .real,
        parameters: [
            Parameter("loc", .real, link: .identity, role: .location, summary: "the mean μ"),
            Parameter("scale", .positive, link: .exp, followsScaleLink: true, role: .scale, summary: "the standard deviation σ"),
        ],
        build: { p in
            if let logScale = p["scale"].logarithm { return Normal(loc: p["loc"].value, logScale: logScale) }
            return Normal(loc: p["loc"].value, scale: p["scale"].value)
        },
        scalar: { p in Normal.Scalar(loc: p.number("loc"), scale: p.number("scale")) })
}
