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
    /// √(e^σ² − 1) e^(μ + σ²/2), in log space in Double: exp(μ + σ²/2 + ½ ln expm1(σ²)),
    /// finite wherever the sd itself is below Float's largest value.
    public var standardDeviation: Tensor {
        pointwiseValue([loc, scale]) { a in
            let s2 = a[1] * a[1]
            return Foundation.exp(a[0] + s2 / 2 + Foundation.log(Foundation.expm1(s2)) / 2)
        }
    }
    /// μ + ½ + ½ ln 2π + ln σ.
    public var entropy: Tensor { (loc + (logScale ?? log(scale)) + Float(0.5 + halfLogTwoPi)).broadcast(to: batchShape) }

    /// Φ((ln x − μ)/σ) for x > 0, 0 otherwise.
    public func cdf(_ value: Tensor) -> Tensor {
        pointwiseValue([value, loc, scale]) { a in
            a[0] <= 0 ? 0 : gsl_cdf_ugaussian_P((Foundation.log(a[0]) - a[1]) / a[2])
        }
    }

    /// exp(μ + σ Φ⁻¹(p)).
    public func quantile(_ probability: Tensor) -> Tensor {
        pointwiseValue([probability, loc, scale]) { a in
            guard a[0] >= 0 && a[0] <= 1 else { return .nan }
            return Foundation.exp(a[1] + a[2] * gsl_cdf_ugaussian_Pinv(a[0]))
        }
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
        })
}
