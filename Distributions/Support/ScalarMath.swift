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

/// The smallest integer k ≥ 0 with cdf(k) ≥ p (the quantile of a distribution on 0, 1, 2, …),
/// found by stepping from `start`. p = 0 gives 0; p = 1 gives +∞ unless `upper` bounds the
/// support.
func discreteQuantile(_ p: Double, start: Double, upper: Double = .infinity, cdf: (Double) -> Double) -> Double {
    if p.isNaN || p < 0 || p > 1 { return .nan }
    if p == 0 { return 0 }
    if p == 1 { return upper }
    var k = Swift.max(0, Swift.min(start.rounded(.down), upper))
    if cdf(k) >= p {
        while k > 0 && cdf(k - 1) >= p { k -= 1 }
        return k
    }
    // Step up, doubling the stride, then bisect back: O(log) cdf calls for far quantiles.
    var low = k, stride = 1.0
    var high = k + stride
    while high < upper && cdf(high) < p {
        low = high
        stride *= 2
        high = Swift.min(upper, low + stride)
        if stride > 1e15 { return .infinity }
    }
    while high - low > 1 {
        let mid = (low + (high - low) / 2).rounded(.down)
        if cdf(mid) >= p { high = mid } else { low = mid }
    }
    return high
}

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
