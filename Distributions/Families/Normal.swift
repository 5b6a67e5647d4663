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

extension Normal: ScalarBatch {
    /// N(μ, σ²) in Double: μ + σZ for Z ~ N(0, 1).
    public typealias Scalar = LocationScale<StandardNormal>

    /// [μ, σ], or [μ, ln σ] when built from the log-scale.
    public var kernelParameters: [Tensor] { [loc, logScale ?? scale] }

    /// σ = e^(ln σ) in Double when built from the log-scale.
    public func kernel(_ θ: UnsafePointer<Double>) -> Scalar {
        Scalar(loc: θ[0], scale: logScale == nil ? θ[1] : Foundation.exp(θ[1]))
    }
}

extension LocationScale where Standard == StandardNormal {
    /// N(loc, scale²); the caller checks scale > 0 (`Family.scalarDistribution`).
    public init(loc: Double, scale: Double) { self.init(StandardNormal(), loc: loc, scale: scale) }
}

// MARK: - Declaration

extension Family {
    /// normal: loc μ (identity), scale σ (the head's scale link; exp gives `Normal(loc:logScale:)`).
    public static let normal = Family.locationScale(
        name: "normal", location: "the mean μ", scale: "the standard deviation σ",
        build: { p in
            if let logScale = p["scale"].logarithm { return Normal(loc: p["loc"].value, logScale: logScale) }
            return Normal(loc: p["loc"].value, scale: p["scale"].value)
        },
        scalar: { p in Normal.Scalar(loc: p.number("loc"), scale: p.number("scale")) })
}
