import CGSL
import Foundation
import LikelyTensor

/// The log-normal distribution: ln X ~ N(μ, σ²),
///
///     ln p(x) = −(ln x − μ)² / (2σ²) − ln σ − ½ ln 2π − ln x,   x > 0.
///
/// `loc` μ and `scale` σ > 0 are the mean and standard deviation of ln X.
public struct LogNormal: UnivariateDistribution, EntropyDistribution, ReparameterizedDistribution {
    /// μ, the mean of ln X.
    public let loc: Tensor
    /// σ > 0, the standard deviation of ln X.
    public let scale: Tensor
    /// ln σ when built from it (the log-density then uses it directly).
    public let logScale: Tensor?

    /// LogNormal(loc, scale); every scale must be > 0.
    public init(loc: Tensor, scale: Tensor) {
        Family.logNormal.checkDomain(scale, "scale")
        self.loc = loc
        self.scale = scale
        self.logScale = nil
    }

    /// LogNormal(loc, exp(logScale)).
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

    /// e^(μ + σ²/2).
    public var mean: Tensor { exp(loc + 0.5 * square(scale)).broadcast(to: batchShape) }
    /// (e^σ² − 1) e^(2μ + σ²), with e^σ² − 1 as expm1 for small σ.
    public var variance: Tensor {
        let s2 = square(scale)
        return (expm1(s2) * exp(2 * loc + s2)).broadcast(to: batchShape)
    }
    /// √(e^σ² − 1) e^(μ + σ²/2), in log space in Double (`Scalar.standardDeviation`).
    public var standardDeviation: Tensor {
        pointwiseValue([loc, scale]) { a in Scalar(loc: a[0], scale: a[1]).standardDeviation }
    }
    /// μ + ½ + ½ ln 2π + ln σ.
    public var entropy: Tensor { (loc + (logScale ?? log(scale)) + Float(0.5 + halfLogTwoPi)).broadcast(to: batchShape) }

    /// Φ((ln x − μ)/σ) for x > 0, 0 otherwise (`Scalar.cdf`).
    public func cdf(_ value: Tensor) -> Tensor {
        pointwiseValue([value, loc, scale]) { a in Scalar(loc: a[1], scale: a[2]).cdf(a[0]) }
    }

    /// exp(μ + σ Φ⁻¹(p)) (`Scalar.quantile`).
    public func quantile(_ probability: Tensor) -> Tensor {
        pointwiseValue([probability, loc, scale]) { a in Scalar(loc: a[1], scale: a[2]).quantile(a[0]) }
    }

    // MARK: - Log-probability

    /// ln p(x), −∞ for x ≤ 0. With y = ln x and z = (y − μ)/σ:
    /// ∂/∂μ = z/σ, ∂/∂σ = (z² − 1)/σ (∂/∂ln σ = z² − 1), ∂/∂x = −(z/σ + 1)/x.
    public func logProb(_ value: Tensor) -> Tensor {
        let useLog = logScale != nil
        return pointwise([value, loc, logScale ?? scale]) { a, d in
            guard a[0] > 0 else { return -.infinity }
            let logSigma = useLog ? a[2] : Foundation.log(a[2])
            let sigma = useLog ? Foundation.exp(a[2]) : a[2]
            let y = Foundation.log(a[0])
            let z = (y - a[1]) / sigma
            d[0] = -(z / sigma + 1) / a[0]
            d[1] = z / sigma
            d[2] = useLog ? z * z - 1 : (z * z - 1) / sigma
            return -0.5 * z * z - logSigma - halfLogTwoPi - y
        }
    }

    // MARK: - Sampling

    /// GSL `gsl_ran_lognormal(ζ = μ, σ)`.
    public func sample(using random: inout RandomSource) -> Tensor {
        sampleElementwise([loc, scale], using: &random) { r, a in r.logNormal(logMean: a[0], logStandardDeviation: a[1]) }
    }

    /// exp(μ + σ ε), differentiable in μ and σ.
    public func reparameterizedSample(using random: inout RandomSource) -> Tensor {
        exp(loc + scale * Tensor.randomNormal(batchShape, using: &random))
    }
}

// MARK: - Double

extension LogNormal: ScalarElements {
    /// ln X ~ N(μ, σ²) with μ and σ in Double.
    public struct Scalar: ScalarDistribution {
        /// μ, the mean of ln X.
        public let loc: Double
        /// σ > 0, the standard deviation of ln X.
        public let scale: Double

        /// LogNormal(loc, scale); the caller checks scale > 0.
        public init(loc: Double, scale: Double) {
            self.loc = loc
            self.scale = scale
        }

        /// ln φ((ln x − μ)/σ) − ln σ − ln x, −∞ for x ≤ 0.
        public func logProb(_ x: Double) -> Double {
            guard x > 0 else { return -.infinity }
            let y = Foundation.log(x)
            return StandardNormal.logDensity((y - loc) / scale) - Foundation.log(scale) - y
        }
        /// Φ((ln x − μ)/σ), 0 for x ≤ 0.
        public func cdf(_ x: Double) -> Double { x <= 0 ? 0 : StandardNormal.cdf((Foundation.log(x) - loc) / scale) }
        /// exp(μ + σ Φ⁻¹(p)).
        public func quantile(_ p: Double) -> Double {
            guard p >= 0 && p <= 1 else { return .nan }
            return Foundation.exp(loc + scale * StandardNormal.quantile(p))
        }
        /// e^(μ + σ²/2).
        public var mean: Double { Foundation.exp(loc + scale * scale / 2) }
        /// (e^σ² − 1) e^(2μ + σ²) as exp(2μ + σ² + ln(e^σ² − 1)): finite wherever the value is.
        public var variance: Double { Foundation.exp(2 * loc + scale * scale + Self.logExpm1(scale * scale)) }
        /// exp(μ + σ²/2 + ½ ln(e^σ² − 1)).
        public var standardDeviation: Double { Foundation.exp(loc + scale * scale / 2 + Self.logExpm1(scale * scale) / 2) }
        /// μ + ½ + ½ ln 2π + ln σ.
        public var entropy: Double { loc + 0.5 + halfLogTwoPi + Foundation.log(scale) }
        /// GSL `gsl_ran_lognormal(μ, σ)`.
        public func sample(using random: inout RandomSource) -> Double { random.logNormal(logMean: loc, logStandardDeviation: scale) }

        /// ln(eˢ − 1), as s + ln(1 − e^−s) once eˢ would overflow.
        static func logExpm1(_ s: Double) -> Double {
            s > 50 ? s + Foundation.log1p(-Foundation.exp(-s)) : Foundation.log(Foundation.expm1(s))
        }
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
    /// lognormal: loc and scale of ln X (identity; the head's scale link, exp giving the log-scale form).
    public static let logNormal = Family(
        name: "lognormal", support: .positive,
        parameters: [
            Parameter("loc", .real, link: .identity, role: .logLocation, summary: "the mean of ln X"),
            Parameter("scale", .positive, link: .exp, followsScaleLink: true, summary: "the standard deviation of ln X"),
        ],
        build: { p in
            if let logScale = p["scale"].logarithm { return LogNormal(loc: p["loc"].value, logScale: logScale) }
            return LogNormal(loc: p["loc"].value, scale: p["scale"].value)
        },
        scalar: { p in LogNormal.Scalar(loc: p.number("loc"), scale: p.number("scale")) })
}
