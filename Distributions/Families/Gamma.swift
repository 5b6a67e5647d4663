import CGSL
import Foundation
import LikelyTensor

/// The gamma distribution with concentration (shape) α and rate β:
///
///     ln p(x) = α ln β + (α − 1) ln x − β x − ln Γ(α),   x > 0
///
/// (at x = 0 the density is β for α = 1, +∞ for α < 1 and 0 for α > 1). Mean α/β.
public struct Gamma: UnivariateDistribution, EntropyDistribution {
    /// α > 0.
    public let concentration: Tensor
    /// β > 0 (the inverse of GSL's and scipy's scale).
    public let rate: Tensor

    /// Gamma(concentration, rate); both must be > 0.
    public init(concentration: Tensor, rate: Tensor) { (self.concentration, self.rate) = Family.gamma.checked(concentration, rate) }

    // MARK: - Parameters

    /// `false`: a continuous distribution.
    public static var isDiscrete: Bool { false }

    // MARK: - Statistics

    /// α/β.
    public var mean: Tensor { (concentration / rate).broadcast(to: batchShape) }
    /// α/β².
    public var variance: Tensor { (concentration / square(rate)).broadcast(to: batchShape) }
    /// √α / β, in Double (α/β² overflows Float long before the sd does).
    public var standardDeviation: Tensor { elementwise { $0.standardDeviation } }
    /// α − ln β + ln Γ(α) + (1 − α) ψ(α) (`Scalar.entropy`).
    public var entropy: Tensor { elementwise { $0.entropy } }

    /// The quantile of Gamma(α, 1).
    static func standardQuantile(_ p: Double, concentration alpha: Double) -> Double {
        guard p >= 0 && p <= 1 else { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        let library = alpha < largeShape ? gsl_cdf_gamma_Pinv(p, alpha, 1) : .nan
        if library.isFinite {
            let tails = regularizedGamma(alpha, library)
            if invertsCDF(library, p, lowerTail: tails.p, upperTail: tails.q) { return library }
        }
        let logX = bisectQuantile(p, low: -745, high: 710,
                                  lowerTail: { regularizedGamma(alpha, Foundation.exp($0)).p },
                                  upperTail: { regularizedGamma(alpha, Foundation.exp($0)).q })
        return Foundation.exp(logX)
    }

    // MARK: - Log-probability

    /// ln p(x), −∞ for x < 0: ∂/∂α = ln β + ln x − ψ(α), ∂/∂β = α/β − x, ∂/∂x = (α − 1)/x − β.
    public func logProb(_ value: Tensor) -> Tensor {
        pointwise([value, concentration, rate]) { a, d in
            let x = a[0], alpha = a[1], beta = a[2]
            guard x >= 0 else { return -.infinity }
            let logX = Foundation.log(x)
            d[0] = (alpha - 1) / x - beta
            d[1] = Foundation.log(beta) + logX - gsl_sf_psi(alpha)
            d[2] = alpha / beta - x
            return Scalar(concentration: alpha, rate: beta).logProb(x)
        }
    }
}

// MARK: - Double

extension Gamma: ScalarBatch {
    /// [α, β].
    public var kernelParameters: [Tensor] { [concentration, rate] }

    public func kernel(_ θ: UnsafePointer<Double>) -> Scalar { Scalar(concentration: θ[0], rate: θ[1]) }

    /// Gamma(α, β) with α and β in Double.
    public struct Scalar: ScalarDistribution {
        /// α > 0.
        public let concentration: Double
        /// β > 0.
        public let rate: Double

        /// Gamma(concentration, rate); the caller checks both > 0.
        public init(concentration: Double, rate: Double) { (self.concentration, self.rate) = (concentration, rate) }

        /// ln β + (α − 1) ln(βx) − βx − ln Γ(α), −∞ for x < 0: the Poisson log-mass at α − 1
        /// with rate βx plus ln β, in its saddle-point form from α = 17 on (the direct terms
        /// cancel: at α = 10³⁰ they are of size 10³²).
        public func logProb(_ x: Double) -> Double {
            guard x >= 0 else { return -.infinity }
            if concentration == 1 { return Foundation.log(rate) - rate * x }
            return Foundation.log(rate) + Poisson.continuedLogMass(concentration - 1, rate: rate * x)
        }
        /// P(α, βx) (`regularizedGamma`: GSL, or Temme's expansion for α ≥ 10⁴), 0 for x ≤ 0.
        public func cdf(_ x: Double) -> Double { x <= 0 ? 0 : regularizedGammaP(concentration, x * rate) }
        /// The x with P(α, βx) = p: GSL `gsl_cdf_gamma_Pinv` where it inverts the cdf, else (its
        /// Newton iteration fails for α ≲ 0.13, e.g. at p = 0.05 for α = 0.1, x = 5.9e-14)
        /// bisection on ln(βx) ∈ [−745, 710], comparing the tail that is small at p.
        public func quantile(_ p: Double) -> Double { Gamma.standardQuantile(p, concentration: concentration) / rate }
        /// α/β.
        public var mean: Double { concentration / rate }
        /// α/β², as (α/β)/β.
        public var variance: Double { concentration / rate / rate }
        /// √α / β.
        public var standardDeviation: Double { concentration.squareRoot() / rate }
        /// α − ln β + ln Γ(α) + (1 − α) ψ(α); from α = 10⁴ on the asymptotic series
        /// ½ ln(2πeα) − ln β − 1/(3α) − 1/(12α²) (error below 10⁻¹³ there), because the terms of
        /// size α cancel (at α = 10³⁰ the direct sum is 0, the entropy 35.5).
        public var entropy: Double {
            let alpha = concentration
            guard alpha < 1e4 else {
                return 0.5 * Foundation.log(2 * Double.pi * M_E * alpha) - Foundation.log(rate) - 1 / (3 * alpha) - 1 / (12 * alpha * alpha)
            }
            return alpha - Foundation.log(rate) + gsl_sf_lngamma(alpha) + (1 - alpha) * gsl_sf_psi(alpha)
        }
        /// GSL `gsl_ran_gamma(α, 1/β)` (Marsaglia–Tsang).
        public func sample(using random: inout RandomSource) -> Double { random.gamma(shape: concentration, scale: 1 / rate) }
    }
}

// MARK: - Declaration

extension Family {
    /// gamma: concentration and rate, both through the head's scale link.
    public static let gamma = Family(
        name: "gamma", support: .positive,
        parameters: [
            Parameter("concentration", .positive, link: .exp, followsScaleLink: true, summary: "the shape α"),
            Parameter("rate", .positive, link: .exp, followsScaleLink: true, role: .inverseScale, summary: "the rate β"),
        ],
        build: { p in Gamma(concentration: p["concentration"].value, rate: p["rate"].value) },
        scalar: { p in Gamma.Scalar(concentration: p.number("concentration"), rate: p.number("rate")) })
}
