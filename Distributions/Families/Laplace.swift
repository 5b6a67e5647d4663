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

    /// ½ e^((x−μ)/b) below μ, 1 − ½ e^(−(x−μ)/b) above (`Scalar.cdf`).
    public func cdf(_ value: Tensor) -> Tensor {
        pointwiseValue([value, loc, scale]) { a in Scalar(loc: a[1], scale: a[2]).cdf(a[0]) }
    }

    /// μ + b ln(2p) for p ≤ ½, μ − b ln(2 − 2p) above (`Scalar.quantile`).
    public func quantile(_ probability: Tensor) -> Tensor {
        pointwiseValue([probability, loc, scale]) { a in Scalar(loc: a[1], scale: a[2]).quantile(a[0]) }
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

extension Laplace: ScalarElements {
    /// Laplace(μ, b) with μ and b in Double.
    public struct Scalar: ScalarDistribution {
        /// μ, the mean and median.
        public let loc: Double
        /// b > 0.
        public let scale: Double

        /// Laplace(loc, scale); the caller checks scale > 0.
        public init(loc: Double, scale: Double) {
            self.loc = loc
            self.scale = scale
        }

        /// −ln(2b) − |x − μ|/b.
        public func logProb(_ x: Double) -> Double { -Foundation.log(2 * scale) - Swift.abs(x - loc) / scale }
        /// ½ e^((x−μ)/b) below μ, 1 − ½ e^(−(x−μ)/b) above (GSL `gsl_cdf_laplace_P`).
        public func cdf(_ x: Double) -> Double { gsl_cdf_laplace_P(x - loc, scale) }
        /// μ + b ln(2p) for p ≤ ½, μ − b ln(2 − 2p) above (GSL `gsl_cdf_laplace_Pinv`).
        public func quantile(_ p: Double) -> Double {
            guard p >= 0 && p <= 1 else { return .nan }
            if p == 0 { return -.infinity }
            if p == 1 { return .infinity }
            return loc + gsl_cdf_laplace_Pinv(p, scale)
        }
        /// μ.
        public var mean: Double { loc }
        /// 2b².
        public var variance: Double { 2 * scale * scale }
        /// √2 b, formed directly (2b² overflows first).
        public var standardDeviation: Double { 2.squareRoot() * scale }
        /// 1 + ln(2b).
        public var entropy: Double { 1 + Foundation.log(2 * scale) }
        /// μ + GSL `gsl_ran_laplace(b)`.
        public func sample(using random: inout RandomSource) -> Double { loc + random.laplace(scale: scale) }
    }

    /// Each element in Double.
    public func scalars(broadcastTo shape: [Int]) -> [any ScalarDistribution] {
        elementArguments([loc, scale], broadcastTo: shape).map { Scalar(loc: $0[0], scale: $0[1]) }
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
        build: { p in Laplace(loc: p["loc"].value, scale: p["scale"].value) },
        scalar: { p in Laplace.Scalar(loc: p.number("loc"), scale: p.number("scale")) })
}
