import CGSL
import Foundation

/// The regularised incomplete gamma functions P(a, x) = γ(a, x)/Γ(a) and Q(a, x) = 1 − P(a, x),
/// both returned so that whichever tail is small keeps its relative precision.
///
/// GSL's `gsl_sf_gamma_inc_P/Q` are accurate for moderate a, but for x > 10⁶ with a ≈ x they use
/// an expansion in 1/x that is only valid for a ≪ x (a Poisson cdf at λ = 10⁷ is then off by 1 %,
/// at 10¹² by orders of magnitude). From a ≥ `largeShape` on, Temme's uniform asymptotic
/// expansion is used instead (N. M. Temme, *Special Functions*, 1996, §11.3.2): with
/// ε = (x − a)/a, η = sign(ε) √(2(ε − ln(1 + ε))),
///
///     Q = ½ erfc(η √(a/2)) + R,   P = ½ erfc(−η √(a/2)) − R,
///     R = e^(−aη²/2) / √(2πa) · (c₀(η) + c₁(η)/a),
///     c₀ = 1/ε − 1/η,   c₁ = 1/η³ − 1/ε³ − 1/ε² − 1/(12ε),
///
/// whose error is of order c₂/a² relative to R, uniformly in x (below 10⁻¹⁰ from a = 10⁴ on;
/// c₀ and c₁ switch to their series in ε near ε = 0). Bounded time for any a and x.
func regularizedGamma(_ a: Double, _ x: Double) -> (p: Double, q: Double) {
    _ = gslErrorHandlerOff
    if a.isNaN || x.isNaN || a <= 0 { return (.nan, .nan) }
    if x <= 0 { return (0, 1) }
    if x == .infinity { return (1, 0) }
    if x < 1e-10 && a < largeShape {
        // P = x^a/Γ(a + 1) · (1 − a x/(a + 1) + O(x²)) in log space: GSL gives 0 at
        // P(0.001, 10⁻⁴⁶), which is 0.900.
        let logP = a * Foundation.log(x) - gsl_sf_lngamma(a + 1) + Foundation.log1p(-a * x / (a + 1))
        return (Foundation.exp(logP), -Foundation.expm1(logP))
    }
    guard a >= largeShape else { return (gsl_sf_gamma_inc_P(a, x), gsl_sf_gamma_inc_Q(a, x)) }
    let eps = (x - a) / a
    let logTerm = eps > -1 ? gsl_sf_log_1plusx_mx(eps) : -.infinity   // ln(1 + ε) − ε ≤ 0
    let eta = (eps >= 0 ? 1.0 : -1.0) * (-2 * logTerm).squareRoot()
    let c0: Double, c1: Double
    if Swift.abs(eps) < 7.4e-4 {                       // (DBL_EPSILON)^(1/5): the closed forms cancel
        c0 = -1.0 / 3 + eps * (1.0 / 12 - eps * (23.0 / 540 - eps * (353.0 / 12960 - eps * 589.0 / 30240)))
        c1 = -1.0 / 540 - eps / 288
    } else {
        let lambda = x / a
        let rootTerm = (-2 * logTerm / (eps * eps)).squareRoot()
        c0 = (1 - 1 / rootTerm) / eps
        let eta3 = eta * eta * eta, eps3 = eps * eps * eps
        c1 = -(eta3 * (lambda * lambda + 10 * lambda + 1) - 12 * eps3) / (12 * eta3 * eps3)
    }
    let weight = Foundation.exp(a * logTerm)          // 0 far in a tail (x → 0 makes c₁ NaN)
    let r = weight == 0 ? 0 : weight / (2 * Double.pi * a).squareRoot() * (c0 + c1 / a)
    let z = Swift.min(40, Swift.max(-40, eta * (a / 2).squareRoot()))   // GSL's erfc is NaN near ±1e75
    return (0.5 * gsl_sf_erfc(-z) - r, 0.5 * gsl_sf_erfc(z) + r)
}

/// P(a, x) alone: `regularizedGamma(a, x).p` without its second GSL call (for Q) where GSL
/// serves, which halves the cost of a gamma cdf.
func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
    guard a > 0 && a < largeShape && x >= 1e-10 && x < .infinity else { return regularizedGamma(a, x).p }
    _ = gslErrorHandlerOff
    return gsl_sf_gamma_inc_P(a, x)
}

/// The shape from which `regularizedGamma` uses Temme's expansion: GSL's series need about
/// 36√a terms near x = a and give up after 5000, which they reach from a ≈ 2·10⁴ on.
let largeShape = 1.0e4
