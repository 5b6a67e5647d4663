import CGSL
import Foundation

// Double-precision helpers shared by the kernels. Each states the formula it evaluates.

/// ½ ln 2π.
let halfLogTwoPi = 0.5 * Foundation.log(2 * Double.pi)

/// ln(1 + eˣ) without overflow: max(x, 0) + ln(1 + e^−|x|).
@inline(__always)
func softplusDouble(_ x: Double) -> Double { Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x))) }

/// σ(x) = 1 / (1 + e⁻ˣ) without overflow on either side.
@inline(__always)
func sigmoidDouble(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
    let e = Foundation.exp(x)
    return e / (1 + e)
}

/// ln(eᵃ + eᵇ) = max + ln(1 + e^(min − max)); −∞ when both are −∞.
@inline(__always)
func logAddExp(_ a: Double, _ b: Double) -> Double {
    let m = Swift.max(a, b)
    if m == -.infinity { return -.infinity }
    return m + Foundation.log1p(Foundation.exp(Swift.min(a, b) - m))
}

/// a · ln b with the convention 0 · ln 0 = 0 (and 0 · ln anything = 0).
@inline(__always)
func xlogy(_ a: Double, _ b: Double) -> Double { a == 0 ? 0 : a * Foundation.log(b) }

/// a · ln(1 + b) with 0 · ln(1 + b) = 0.
@inline(__always)
func xlog1py(_ a: Double, _ b: Double) -> Double { a == 0 ? 0 : a * Foundation.log1p(b) }

/// ln Φ(x), the log of the standard normal cdf, accurate in the far lower tail:
/// ln(erfc(−x/√2) / 2) through GSL's `gsl_sf_log_erfc`.
@inline(__always)
func logNormalCDFDouble(_ x: Double) -> Double {
    gsl_sf_log_erfc(-x / 2.squareRoot()) - Foundation.log(2.0)
}

/// ln φ(x) = −x²/2 − ½ ln 2π.
@inline(__always)
func logNormalPDFDouble(_ x: Double) -> Double { -0.5 * x * x - halfLogTwoPi }

/// Whether x is a non-negative integer (the support of the count families).
@inline(__always)
func isCount(_ x: Double) -> Bool { x >= 0 && x == x.rounded(.down) && x.isFinite }

/// −Σₖ pₖ ln pₖ over k = 0, 1, 2, … for a log-mass `logMass`, summed until the mean is passed
/// and a term's mass is below e^−45 ≈ 3e-20 (the count families' tails then fall at least
/// geometrically, so the rest is negligible), or `upper` is reached.
func discreteEntropy(mean: Double, upper: Double = .infinity, logMass: (Double) -> Double) -> Double {
    var total = 0.0, k = 0.0
    while k <= upper {
        let lp = logMass(k)
        if lp > -.infinity { total -= Foundation.exp(lp) * lp }
        if k > mean && lp < -45 { break }
        if k > 1e8 { break }
        k += 1
    }
    return total
}

/// Φ⁻¹(p), GSL `gsl_cdf_ugaussian_Pinv` (±∞ at p = 0, 1).
@inline(__always)
func standardNormalQuantile(_ p: Double) -> Double { gsl_cdf_ugaussian_Pinv(p) }

/// stirlerr(k) = ln k! − (k + ½) ln k + k − ½ ln 2π, the error of Stirling's formula:
/// 1/(12k) − 1/(360k³) + 1/(1260k⁵) − 1/(1680k⁷) for k ≥ 16 (error below 10⁻¹⁶), directly below.
func stirlingError(_ k: Double) -> Double {
    guard k >= 16 else { return gsl_sf_lngamma(k + 1) - (k + 0.5) * Foundation.log(k) + k - halfLogTwoPi }
    let inverse = 1 / k, inverse2 = inverse * inverse
    return inverse * (1.0 / 12 - inverse2 * (1.0 / 360 - inverse2 * (1.0 / 1260 - inverse2 / 1680)))
}
