import Foundation

// Quantiles by bracketed search, in Double, in bounded time for any legal parameter.

/// The smallest integer k in [0, `upper`] with cdf(k) ≥ p: the quantile of a distribution on
/// 0, 1, 2, …. From `start` (a normal or Cornish–Fisher guess), the stride doubles until the
/// answer is bracketed, then bisection closes the bracket: O(log |answer − start|) cdf calls,
/// at most about 2 · 1100 whatever the parameters. p = 0 gives 0; p = 1 gives `upper` (+∞ for
/// an unbounded support);
/// a NaN cdf (a parameter where it cannot be evaluated) gives NaN.
func discreteQuantile(_ p: Double, start: Double, upper: Double = .infinity, cdf: (Double) -> Double) -> Double {
    if p.isNaN || p < 0 || p > 1 { return .nan }
    if p == 0 { return 0 }
    if p == 1 { return upper }
    guard !start.isNaN else { return .nan }
    let k = Swift.max(0, Swift.min(start.rounded(.down), upper, 0x1p1023))
    let atStart = cdf(k)
    if atStart.isNaN { return .nan }
    // Invariant: cdf(high) ≥ p and (low < 0 or cdf(low) < p).
    var low: Double, high: Double, stride = 1.0
    if atStart >= p {
        high = k
        low = k - 1
        while low >= 0 {
            let f = cdf(low)
            if f.isNaN { return .nan }
            if f < p { break }
            high = low
            stride *= 2
            low = high - stride
        }
        low = Swift.max(low, -1)
    } else {
        low = k
        high = Swift.min(k + 1, upper)
        while high < upper {
            let f = cdf(high)
            if f.isNaN { return .nan }
            if f >= p { break }
            low = high
            stride *= 2
            guard stride < 0x1p1023 else { return .infinity }    // the cdf never reaches p
            high = Swift.min(low + stride, upper)
        }
    }
    while high - low > 1 {
        let middle = (low + (high - low) / 2).rounded(.down)
        if middle <= low || middle >= high { break }             // adjacent Doubles beyond 2⁵³
        let f = cdf(middle)
        if f.isNaN { return .nan }
        if f >= p { high = middle } else { low = middle }
    }
    return high
}

/// A start for `discreteQuantile`: the Cornish–Fisher approximation
/// μ + σ (z + (z² − 1) γ/6) with z = Φ⁻¹(p) and skewness γ, clamped at 0.
func cornishFisherStart(_ p: Double, mean: Double, standardDeviation: Double, skewness: Double) -> Double {
    guard p > 0 && p < 1 else { return mean }
    let z = StandardNormal.quantile(p)
    let guess = mean + standardDeviation * (z + (z * z - 1) * skewness / 6)
    return guess.isFinite ? Swift.max(0, guess) : mean
}

/// The u in [`low`, `high`] where a continuous cdf, written as a function of u, reaches p,
/// by bisection until the bracket is a few ulps wide (at most 2100 halvings).
///
/// `lowerTail(u)` is F(x(u)) and `upperTail(u)` is 1 − F(x(u)); the search compares the one
/// that is small at p (the lower tail for p ≤ ½), so probabilities like 10⁻³⁰⁰ or 1 − 10⁻¹⁰
/// keep their relative precision. u is a monotone reparameterisation of x chosen by the
/// family (x itself, ln x for a positive support, logit x on (0, 1)), so that bisection in u
/// reaches relative precision in x even for quantiles such as 10⁻¹³ or 1 − 10⁻¹². A NaN tail
/// gives NaN.
func bisectQuantile(_ p: Double, low: Double, high: Double,
                    lowerTail: (Double) -> Double, upperTail: (Double) -> Double) -> Double {
    if p.isNaN || p < 0 || p > 1 { return .nan }
    var low = low, high = high
    let useLower = p <= 0.5
    let target = useLower ? p : 1 - p
    for _ in 0..<2100 {
        let middle = low + (high - low) / 2
        if middle <= low || middle >= high { break }
        let f = useLower ? lowerTail(middle) : upperTail(middle)
        if f.isNaN { return .nan }
        // Reached p at `middle`: F ≥ p (lower tail), or 1 − F ≤ 1 − p (upper tail).
        if useLower ? f >= target : f <= target { high = middle } else { low = middle }
    }
    return low + (high - low) / 2
}

/// Whether a quantile x from a library inverse is finite and reproduces p through the tails
/// F and 1 − F to `tolerance` relative (GSL's inverses return NaN, or sometimes a value that
/// does not invert, when their Newton iteration fails).
func invertsCDF(_ x: Double, _ p: Double, lowerTail: Double, upperTail: Double, tolerance: Double = 1e-6) -> Bool {
    guard x.isFinite else { return false }
    return p <= 0.5 ? Swift.abs(lowerTail - p) <= tolerance * p : Swift.abs(upperTail - (1 - p)) <= tolerance * (1 - p)
}
