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

    /// The broadcast shape of the parameters: one distribution per element.
    public var batchShape: [Int] { broadcastShape(loc.shape, scale.shape) }

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

    /// ½ e^((x−μ)/b) below μ, 1 − ½ e^(−(x−μ)/b) above (GSL `gsl_cdf_laplace_P`).
    public func cdf(_ value: Tensor) -> Tensor {
        pointwiseValue([value, loc, scale]) { a in gsl_cdf_laplace_P(a[0] - a[1], a[2]) }
    }

    /// μ + b ln(2p) for p ≤ ½, μ − b ln(2 − 2p) above (GSL `gsl_cdf_laplace_Pinv`).
    public func quantile(_ probability: Tensor) -> Tensor {
        pointwiseValue([probability, loc, scale]) { a in
            guard a[0] >= 0 && a[0] <= 1 else { return .nan }
            if a[0] == 0 { return -.infinity }
            if a[0] == 1 { return .infinity }
            return a[1] + gsl_cdf_laplace_Pinv(a[0], a[2])
        }
    }

    // MARK: - Log-probability

    /// ln p(x): ∂/∂μ = sign(x − μ)/b, ∂/∂b = −1/b + |x − μ|/b², ∂/∂x = −sign(x − μ)/b.
    public func logProb(_ value: Tensor) -> Tensor {
        pointwise([value, loc, scale]) { a, d in
            let r = a[0] - a[1], b = a[2]
            let sign: Double = r > 0 ? 1 : (r < 0 ? -1 : 0)
            d[0] = -sign / b
            d[1] = sign / b
            d[2] = -1 / b + Swift.abs(r) / (b * b)
            return -Foundation.log(2 * b) - Swift.abs(r) / b
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

// MARK: - Declaration

extension Family {
    /// laplace: loc (identity), scale (the head's scale link).
    public static let laplace = Family(
        name: "laplace", support: .real,
        parameters: [
            Parameter("loc", .real, link: .identity, role: .location, summary: "the median μ"),
            Parameter("scale", .positive, link: .exp, followsScaleLink: true, role: .scale, summary: "the scale b"),
        ],
        build: { p in Laplace(loc: p["loc"].value, scale: p["scale"].value) })
}
