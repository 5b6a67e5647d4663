import CGSL
import Foundation
import LikelyTensor

/// The log-normal distribution: ln X ~ N(μ, σ²),
///
///     ln p(x) = −(ln x − μ)² / (2σ²) − ln σ − ½ ln 2π − ln x,   x > 0.
///
/// `loc` μ and `scale` σ > 0 are the mean and standard deviation of ln X.
public struct LogNormal: UnivariateDistribution, EntropyDistribution, ReparameterizedDistribution {
    /// The normal distribution of ln X.
    public let logarithm: Normal
    /// μ, the mean of ln X.
    public var loc: Tensor { logarithm.loc }
    /// σ > 0, the standard deviation of ln X.
    public var scale: Tensor { logarithm.scale }
    /// ln σ when built from it (the log-density then uses it directly).
    public var logScale: Tensor? { logarithm.logScale }

    /// LogNormal(loc, scale); every scale must be > 0.
    public init(loc: Tensor, scale: Tensor) {
        Family.logNormal.checkDomain(scale, "scale")
        logarithm = Normal(loc: loc, scale: scale)
    }

    /// LogNormal(loc, exp(logScale)).
    public init(loc: Tensor, logScale: Tensor) { logarithm = Normal(loc: loc, logScale: logScale) }

    // MARK: - Parameters

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
    public var standardDeviation: Tensor { elementwise { $0.standardDeviation } }
    /// μ + ½ + ½ ln 2π + ln σ.
    public var entropy: Tensor { (loc + (logScale ?? log(scale)) + Float(0.5 + halfLogTwoPi)).broadcast(to: batchShape) }

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

extension LogNormal: ScalarBatch {
    /// [μ, σ], or [μ, ln σ] when built from the log-scale.
    public var kernelParameters: [Tensor] { [loc, logScale ?? scale] }

    /// σ = e^(ln σ) in Double when built from the log-scale.
    public func kernel(_ θ: UnsafePointer<Double>) -> Scalar {
        Scalar(loc: θ[0], scale: logScale == nil ? θ[1] : Foundation.exp(θ[1]))
    }

    /// ln X ~ N(μ, σ²) with μ and σ in Double: the normal kernel of ln X, moved to x.
    public struct Scalar: ScalarDistribution {
        /// The distribution of ln X.
        public let logarithm: Normal.Scalar
        /// μ, the mean of ln X.
        public var loc: Double { logarithm.loc }
        /// σ > 0, the standard deviation of ln X.
        public var scale: Double { logarithm.scale }

        /// LogNormal(loc, scale); the caller checks scale > 0.
        public init(loc: Double, scale: Double) { logarithm = Normal.Scalar(loc: loc, scale: scale) }

        /// ln N(ln x | μ, σ) − ln x, −∞ for x ≤ 0.
        public func logProb(_ x: Double) -> Double {
            guard x > 0 else { return -.infinity }
            let y = Foundation.log(x)
            return logarithm.logProb(y) - y
        }
        /// Φ((ln x − μ)/σ), 0 for x ≤ 0.
        public func cdf(_ x: Double) -> Double { x <= 0 ? 0 : logarithm.cdf(Foundation.log(x)) }
        /// exp(μ + σ Φ⁻¹(p)).
        public func quantile(_ p: Double) -> Double { Foundation.exp(logarithm.quantile(p)) }
        /// e^(μ + σ²/2).
        public var mean: Double { Foundation.exp(loc + scale * scale / 2) }
        /// (e^σ² − 1) e^(2μ + σ²) as exp(2μ + σ² + ln(e^σ² − 1)): finite wherever the value is.
        public var variance: Double { Foundation.exp(2 * loc + scale * scale + Self.logExpm1(scale * scale)) }
        /// exp(μ + σ²/2 + ½ ln(e^σ² − 1)).
        public var standardDeviation: Double { Foundation.exp(loc + scale * scale / 2 + Self.logExpm1(scale * scale) / 2) }
        /// μ + ½ + ½ ln 2π + ln σ.
        public var entropy: Double { loc + logarithm.entropy }
        /// GSL `gsl_ran_lognormal(μ, σ)`.
        public func sample(using random: inout RandomSource) -> Double { random.logNormal(logMean: loc, logStandardDeviation: scale) }

        /// ln(eˢ − 1), as s + ln(1 − e^−s) once eˢ would overflow.
        static func logExpm1(_ s: Double) -> Double {
            s > 50 ? s + Foundation.log1p(-Foundation.exp(-s)) : Foundation.log(Foundation.expm1(s))
        }
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
