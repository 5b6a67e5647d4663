import CGSL
import Foundation

// Double-precision helpers shared by the kernels. Each states the formula it evaluates.

/// ½ ln 2π.
let halfLogTwoPi = StandardNormal.halfLogTwoPi

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

/// Whether x is a non-negative integer (the support of the count families).
@inline(__always)
func isCount(_ x: Double) -> Bool { x >= 0 && x == x.rounded(.down) && x.isFinite }

/// −Σₖ pₖ ln pₖ over k = 0, 1, 2, … for a log-mass `logMass`, summed until the mean is passed
/// and a term's mass is below e^−45 ≈ 3e-20 (the count families' tails then fall at least
/// geometrically, so the rest is negligible), or `upper` is reached.
///
/// With `smoothFrom` K₀ (a mass that changes by at most about 1% from one k to the next
/// beyond K₀, and `logMass` defined between the integers) the terms from K₀ on are summed by
/// Euler–Maclaurin, Σ_{k≥K₀} g(k) ≈ ∫_{K₀}^∞ g + g(K₀)/2 − g′(K₀)/12 with g = −e^ℓ ℓ, the
/// integral by Simpson's rule on 4096 panels in t = ln(x/K₀) up to the first x past the mean
/// where ℓ < −50: a tail of 10⁹ terms costs 4100 evaluations.
func discreteEntropy(mean: Double, upper: Double = .infinity, smoothFrom: Double = .infinity,
                     logMass: (Double) -> Double) -> Double {
    var total = 0.0, k = 0.0
    while k <= upper && k < smoothFrom {
        let lp = logMass(k)
        if lp > -.infinity { total -= Foundation.exp(lp) * lp }
        if k > mean && lp < -45 { return total }
        if k > 1e8 { return total }
        k += 1
    }
    guard k >= smoothFrom else { return total }
    func g(_ x: Double) -> Double {
        let l = logMass(x)
        return l > -.infinity ? -Foundation.exp(l) * l : 0
    }
    var end = Swift.max(mean, smoothFrom) * 2
    while logMass(end) >= -50 && end < 1e300 { end *= 2 }
    let panels = 4096, span = Foundation.log(end / smoothFrom), h = span / Double(panels)
    var integral = 0.0
    for i in 0...panels {
        let x = smoothFrom * Foundation.exp(Double(i) * h)
        let weight: Double = i == 0 || i == panels ? 1 : (i % 2 == 1 ? 4 : 2)
        integral += weight * g(x) * x
    }
    integral *= h / 3
    let derivative = (g(smoothFrom + 1) - g(smoothFrom - 1)) / 2
    return total + integral + g(smoothFrom) / 2 - derivative / 12
}

/// stirlerr(k) = ln k! − (k + ½) ln k + k − ½ ln 2π, the error of Stirling's formula:
/// 1/(12k) − 1/(360k³) + 1/(1260k⁵) − 1/(1680k⁷) for k ≥ 16 (error below 10⁻¹⁶), directly below.
func stirlingError(_ k: Double) -> Double {
    guard k >= 16 else { return gsl_sf_lngamma(k + 1) - (k + 0.5) * Foundation.log(k) + k - halfLogTwoPi }
    let inverse = 1 / k, inverse2 = inverse * inverse
    return inverse * (1.0 / 12 - inverse2 * (1.0 / 360 - inverse2 * (1.0 / 1260 - inverse2 / 1680)))
}

/// The deviance term x ln(x/M) + M − x ≥ 0 of Loader's saddle-point masses (Loader 2000, bd0),
/// as M((1 + ε) ln(1 + ε) − ε) with ε = (x − M)/M, which keeps its digits when x ≈ M ≫ 1;
/// directly where ε overflows (M tiny).
func saddlePointDeviance(_ x: Double, mean m: Double) -> Double {
    let eps = (x - m) / m
    return eps.isFinite
        ? m * (gsl_sf_log_1plusx_mx(eps) + eps * Foundation.log1p(eps))
        : x * Foundation.log(x / m) + m - x
}
