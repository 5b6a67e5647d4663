import CGSL
import Foundation
import LikelyTensor

/// The Laplace (double-exponential) distribution:
///
///     ln p(x) = −ln(2b) − |x − μ| / b,   x ∈ ℝ.
///
/// `loc` μ and `scale` b > 0 broadcast to `batchShape`; its NLL is the scaled absolute error.
public struct Laplace: UnivariateDistribution, EntropyDistribution, ReparameterizedDistribution {
    /// μ, the mean and median.
    public let loc: Tensor
    /// b > 0.
    public let scale: Tensor

    /// Laplace(loc, scale); every scale must be > 0.
    public init(loc: Tensor, scale: Tensor) {
        Family.laplace.checkDomain(scale, "scale")
        self.loc = loc
        self.scale = scale
    }

    // MARK: - Parameters

    /// `false`: a continuous distribution.
    public static var isDiscrete: Bool { false }

    // MARK: - Statistics

    /// μ.
    public var mean: Tensor { loc.broadcast(to: batchShape) }
    /// 2b².
    public var variance: Tensor { (2 * square(scale)).broadcast(to: batchShape) }
    /// √2 b, formed directly: 2b² overflows Float once b > 1.3·10¹⁹.
    public var standardDeviation: Tensor { (Float(2).squareRoot() * scale).broadcast(to: batchShape) }
    /// 1 + ln(2b).
    public var entropy: Tensor { (log(2 * scale) + 1).broadcast(to: batchShape) }

    // MARK: - Log-probability

    /// ln p(x): ∂/∂μ = sign(x − μ)/b, ∂/∂b = −1/b + |x − μ|/b², ∂/∂x = −sign(x − μ)/b.
    public func logProb(_ value: Tensor) -> Tensor {
        pointwise([value, loc, scale]) { a, d in
            let r = a[0] - a[1], b = a[2]
            let sign: Double = r > 0 ? 1 : (r < 0 ? -1 : 0)
            d[0] = -sign / b
            d[1] = sign / b
            d[2] = -1 / b + Swift.abs(r) / (b * b)
            return Scalar(loc: a[1], scale: b).logProb(a[0])
        }
    }

    // MARK: - Sampling

    /// μ + GSL `gsl_ran_laplace(b)`.
    public func sample(using random: inout RandomSource) -> Tensor {
        sampleElementwise([loc, scale], using: &random) { r, a in a[0] + r.laplace(scale: a[1]) }
    }

    /// μ − b · sign(u) · ln(1 − 2|u|) with u uniform on (−½, ½): differentiable in μ and b.
    public func reparameterizedSample(using random: inout RandomSource) -> Tensor {
        let shape = batchShape
        let standard = Tensor(shape: shape, scalars: (0..<elementCount(shape)).map { _ in
            let u = random.uniformPositive() - 0.5
            return Float(-(u < 0 ? -1.0 : 1.0) * Foundation.log1p(-2 * Swift.abs(u)))
        })
        return loc + scale * standard
    }
}

// MARK: - Double

extension Laplace: ScalarBatch {
    /// Laplace(μ, b) in Double: μ + bZ for the standard Laplace Z.
    public typealias Scalar = LocationScale<StandardLaplace>

    /// [μ, b].
    public var kernelParameters: [Tensor] { [loc, scale] }

    public func kernel(_ θ: UnsafePointer<Double>) -> Scalar { Scalar(loc: θ[0], scale: θ[1]) }
}

extension LocationScale where Standard == StandardLaplace {
    /// Laplace(loc, scale); the caller checks scale > 0.
    public init(loc: Double, scale: Double) { self.init(StandardLaplace(), loc: loc, scale: scale) }
}

/// The standard Laplace distribution, f(z) = ½ e^−|z| (GSL's Laplace with a = 1).
public struct StandardLaplace: StandardMember {
    /// Laplace(0, 1).
    public init() {}

    /// −ln 2 − |z|.
    public func logProb(_ z: Double) -> Double { -Foundation.log(2.0) - Swift.abs(z) }
    /// −ln(2b) − |d|/b, as written (one rounding of 2b).
    public func logProb(offset: Double, scale: Double) -> Double { -Foundation.log(2 * scale) - Swift.abs(offset) / scale }
    /// ½ eᶻ below 0, 1 − ½ e⁻ᶻ above (GSL `gsl_cdf_laplace_P`).
    public func cdf(_ z: Double) -> Double { gsl_cdf_laplace_P(z, 1) }
    /// ln(2p) for p ≤ ½, −ln(2 − 2p) above (GSL `gsl_cdf_laplace_Pinv`).
    public func quantile(_ p: Double) -> Double {
        guard p >= 0 && p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        return gsl_cdf_laplace_Pinv(p, 1)
    }
    /// 0.
    public var mean: Double { 0 }
    /// 2.
    public var variance: Double { 2 }
    /// √2.
    public var standardDeviation: Double { 2.squareRoot() }
    /// 1 + ln 2.
    public var entropy: Double { 1 + Foundation.log(2.0) }
    /// GSL `gsl_ran_laplace(1)`.
    public func sample(using random: inout RandomSource) -> Double { random.laplace(scale: 1) }
}

// MARK: - Declaration

extension Family {
    /// laplace: loc (identity), scale (the head's scale link).
    public static let laplace = Family.locationScale(
        name: "laplace", location: "the median μ", scale: "the scale b",
        build: { p in Laplace(loc: p["loc"].value, scale: p["scale"].value) },
        scalar: { p in Laplace.Scalar(loc: p.number("loc"), scale: p.number("scale")) })
}
