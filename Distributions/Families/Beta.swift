import CGSL
import Foundation
import LikelyTensor

/// The beta distribution on [0, 1]:
///
///     ln p(x) = (α − 1) ln x + (β − 1) ln(1 − x) − ln B(α, β),   0 ≤ x ≤ 1.
public struct Beta: UnivariateDistribution, EntropyDistribution {
    /// α > 0 (pseudo-count of successes).
    public let alpha: Tensor
    /// β > 0 (pseudo-count of failures).
    public let beta: Tensor

    /// Beta(alpha, beta); both must be > 0.
    public init(alpha: Tensor, beta: Tensor) { (self.alpha, self.beta) = Family.beta.checked(alpha, beta) }

    // MARK: - Parameters

    /// `false`: a continuous distribution.
    public static var isDiscrete: Bool { false }

    // MARK: - Statistics

    /// α/(α + β).
    public var mean: Tensor { (alpha / (alpha + beta)).broadcast(to: batchShape) }
    /// αβ / ((α + β)² (α + β + 1)).
    public var variance: Tensor {
        let s = alpha + beta
        return (alpha * beta / (square(s) * (s + 1))).broadcast(to: batchShape)
    }
    /// ln B(α, β) − (α − 1)ψ(α) − (β − 1)ψ(β) + (α + β − 2)ψ(α + β) (`Scalar.entropy`).
    public var entropy: Tensor { elementwise { $0.entropy } }

    /// I_x(α, β); below x = 10⁻²⁰ from its leading terms in log space,
    /// x^α/(α B(α, β)) · (1 + α(1 − β)x/(α + 1)): GSL gives 0 at I(10⁻⁵⁰; 0.001, 0.001) = 0.446.
    static func cdf(_ x: Double, alpha: Double, beta: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        guard x < 1e-20 else { return gsl_cdf_beta_P(x, alpha, beta) }
        return Foundation.exp(alpha * Foundation.log(x) - Foundation.log(alpha) - gsl_sf_lnbeta(alpha, beta)
                              + Foundation.log1p(alpha * (1 - beta) * x / (alpha + 1)))
    }

    /// 1 − I_x(α, β) = I₁₋ₓ(β, α) given x and 1 − x formed separately; as 1 − I_x(α, β) where
    /// x < 10⁻²⁰ (1 − x rounds to 1 there, though a Beta(0.001, 1000) still has 0.1 of its mass above).
    static func survival(_ x: Double, complement: Double, alpha: Double, beta: Double) -> Double {
        x < 1e-20 ? 1 - cdf(x, alpha: alpha, beta: beta) : cdf(complement, alpha: beta, beta: alpha)
    }

    // MARK: - Log-probability

    /// ln p(x), −∞ outside [0, 1]: ∂/∂α = ln x − ψ(α) + ψ(α + β), ∂/∂β = ln(1 − x) − ψ(β) + ψ(α + β),
    /// ∂/∂x = (α − 1)/x − (β − 1)/(1 − x).
    public func logProb(_ value: Tensor) -> Tensor {
        pointwise([value, alpha, beta]) { v, d in
            let x = v[0], a = v[1], b = v[2]
            guard x >= 0 && x <= 1 else { return -.infinity }
            let logX = Foundation.log(x), log1mX = Foundation.log1p(-x)
            let psiSum = gsl_sf_psi(a + b)
            d[0] = (a - 1) / x - (b - 1) / (1 - x)
            d[1] = logX - gsl_sf_psi(a) + psiSum
            d[2] = log1mX - gsl_sf_psi(b) + psiSum
            return Scalar(alpha: a, beta: b).logProb(x)
        }
    }
}

// MARK: - Double

extension Beta: ScalarBatch {
    /// [α, β].
    public var kernelParameters: [Tensor] { [alpha, beta] }

    public func kernel(_ θ: UnsafePointer<Double>) -> Scalar { Scalar(alpha: θ[0], beta: θ[1]) }

    /// Beta(α, β) with α and β in Double.
    public struct Scalar: ScalarDistribution {
        /// α > 0.
        public let alpha: Double
        /// β > 0.
        public let beta: Double

        /// Beta(alpha, beta); the caller checks both > 0.
        public init(alpha: Double, beta: Double) { (self.alpha, self.beta) = (alpha, beta) }

        /// (α − 1) ln x + (β − 1) ln(1 − x) − ln B(α, β), −∞ outside [0, 1].
        public func logProb(_ x: Double) -> Double {
            guard x >= 0 && x <= 1 else { return -.infinity }
            // (α − 1) ln x with 0 · ln 0 = 0 at α = 1 (a uniform edge), likewise for β.
            let left = alpha == 1 ? 0 : (alpha - 1) * Foundation.log(x)
            let right = beta == 1 ? 0 : (beta - 1) * Foundation.log1p(-x)
            return left + right - gsl_sf_lnbeta(alpha, beta)
        }
        /// I_x(α, β) (`Beta.cdf(_:alpha:beta:)`).
        public func cdf(_ x: Double) -> Double { Beta.cdf(x, alpha: alpha, beta: beta) }
        /// The x with I_x(α, β) = p: GSL `gsl_cdf_beta_Pinv` where it inverts the cdf, else (it
        /// fails for extreme shapes, e.g. Beta(5, 0.05) at 0.25, x = 0.999591) bisection on
        /// u = logit x ∈ [−745, 745] with x = σ(u) and 1 − x = σ(−u) formed separately, comparing
        /// I_x(α, β) for p ≤ ½ and I₁₋ₓ(β, α) = 1 − I_x(α, β) above.
        public func quantile(_ p: Double) -> Double {
            let a = alpha, b = beta
            guard p >= 0 && p <= 1 else { return .nan }
            if p == 0 { return 0 }
            if p == 1 { return 1 }
            let library = gsl_cdf_beta_Pinv(p, a, b)
            if library > 0 && library < 1,
               invertsCDF(library, p, lowerTail: Beta.cdf(library, alpha: a, beta: b),
                          upperTail: Beta.survival(library, complement: 1 - library, alpha: a, beta: b)) {
                return library
            }
            let u = bisectQuantile(p, low: -745, high: 745,
                                   lowerTail: { Beta.cdf(sigmoidDouble($0), alpha: a, beta: b) },
                                   upperTail: { Beta.survival(sigmoidDouble($0), complement: sigmoidDouble(-$0), alpha: a, beta: b) })
            return sigmoidDouble(u)
        }
        /// α/(α + β).
        public var mean: Double { alpha / (alpha + beta) }
        /// αβ / ((α + β)² (α + β + 1)), as (α/s)(β/s)/(s + 1) with s = α + β (no overflow).
        public var variance: Double {
            let s = alpha + beta
            return (alpha / s) * (beta / s) / (s + 1)
        }
        /// ln B(α, β) − (α − 1)ψ(α) − (β − 1)ψ(β) + (α + β − 2)ψ(α + β).
        public var entropy: Double {
            gsl_sf_lnbeta(alpha, beta) - (alpha - 1) * gsl_sf_psi(alpha) - (beta - 1) * gsl_sf_psi(beta)
                + (alpha + beta - 2) * gsl_sf_psi(alpha + beta)
        }
        /// GSL `gsl_ran_beta(α, β)`.
        public func sample(using random: inout RandomSource) -> Double { random.beta(alpha, beta) }
    }
}

// MARK: - Declaration

extension Family {
    /// beta: alpha and beta, both through the head's scale link; targets strictly inside (0, 1).
    public static let beta = Family(
        name: "beta", support: .openUnitInterval,
        parameters: [
            Parameter("alpha", .positive, link: .exp, followsScaleLink: true, summary: "the pseudo-count of successes α"),
            Parameter("beta", .positive, link: .exp, followsScaleLink: true, summary: "the pseudo-count of failures β"),
        ],
        build: { p in Beta(alpha: p["alpha"].value, beta: p["beta"].value) },
        scalar: { p in Beta.Scalar(alpha: p.number("alpha"), beta: p.number("beta")) })
}
