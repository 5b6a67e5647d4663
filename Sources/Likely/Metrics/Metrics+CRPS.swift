import LikelyTensor
import Foundation

/// The continuous ranked probability score, CRPS(F, y) = ∫ (F(t) − 1{t ≥ y})² dt.
///
/// A proper score in the target's units: it equals the absolute error for a point forecast
/// and shrinks as the predictive distribution concentrates around the observation. Unlike the
/// NLL it stays finite when an observation falls far in a tail. Lower is better.
extension Metrics {
    /// CRPS of a Normal N(μ, σ²) at y, in closed form:
    /// σ [z (2Φ(z) − 1) + 2φ(z) − 1/√π] with z = (y − μ)/σ.
    ///
    /// For σ = 0 it is the absolute error |y − μ|.
    public static func crpsNormal(mean: Double, standardDeviation: Double, observation: Double) -> Double {
        precondition(standardDeviation >= 0, "standard deviation must be ≥ 0, got \(standardDeviation)")
        guard standardDeviation > 0 else { return Swift.abs(observation - mean) }
        let z = (observation - mean) / standardDeviation
        let phi = StandardNormal.density(z), cdf = StandardNormal.cdf(z)
        return standardDeviation * (z * (2 * cdf - 1) + 2 * phi - 1 / Double.pi.squareRoot())
    }

    /// Mean Normal CRPS over N observations, each with its own μᵢ and σᵢ.
    /// - Returns: (1/N) Σᵢ CRPS(N(μᵢ, σᵢ²), yᵢ); 0 for empty arrays.
    public static func meanCRPSNormal(means: [Double], standardDeviations: [Double], observations: [Double]) -> Double {
        requireSameCount(means.count, observations.count, "means and observations")
        requireSameCount(standardDeviations.count, observations.count, "standard deviations and observations")
        guard !observations.isEmpty else { return 0 }
        var sum = 0.0
        for i in observations.indices {
            sum += crpsNormal(mean: means[i], standardDeviation: standardDeviations[i], observation: observations[i])
        }
        return sum / Double(observations.count)
    }

    /// CRPS of any continuous distribution from its CDF, by numerical integration:
    /// ∫_L^y F(t)² dt + ∫_y^U (1 − F(t))² dt over [L, U] = [min(lower, y), max(upper, y)].
    ///
    /// The integral is split at y (where the integrand jumps) and each side integrated by
    /// adaptive Simpson on 64 starting panels to an absolute tolerance of about 1e-10 × (U − L).
    /// The mass outside [lower, upper] is dropped, so choose them far in the tails (see
    /// `crps(cdf:quantile:observation:)`).
    /// - Parameters:
    ///   - cdf: F(t), non-decreasing from 0 to 1.
    ///   - y: the observation.
    ///   - lower: L, where F is negligibly above 0.
    ///   - upper: U, where F is negligibly below 1.
    public static func crps(cdf: (Double) -> Double, observation y: Double, lower: Double, upper: Double) -> Double {
        precondition(lower.isFinite && upper.isFinite && lower < upper,
                     "CRPS integration range must be finite with lower < upper, got [\(lower), \(upper)]")
        precondition(y.isFinite, "CRPS observation must be finite, got \(y)")
        let a = Swift.min(lower, y), b = Swift.max(upper, y)
        let tolerance = 1e-10 * (b - a)
        let below = y > a ? adaptiveSimpson({ let f = cdf($0); return f * f }, a, y, tolerance) : 0
        let above = b > y ? adaptiveSimpson({ let f = 1 - cdf($0); return f * f }, y, b, tolerance) : 0
        return below + above
    }

    /// CRPS of a continuous distribution from its CDF and quantile function, integrating over
    /// [Q(ε), Q(1 − ε)] with ε = 10⁻⁷ (widened to include y), so that the dropped tail mass
    /// contributes less than about ε · (tail scale).
    public static func crps(cdf: (Double) -> Double, quantile: (Double) -> Double, observation: Double) -> Double {
        let epsilon = 1e-7
        var lower = quantile(epsilon), upper = quantile(1 - epsilon)
        if !(lower < upper) {  // a (near-)point mass: give the integrator a small interval
            let centre = lower.isFinite ? lower : observation
            lower = centre - 1e-9 * Swift.max(1, Swift.abs(centre))
            upper = centre + 1e-9 * Swift.max(1, Swift.abs(centre))
        }
        return crps(cdf: cdf, observation: observation, lower: lower, upper: upper)
    }

    /// CRPS of a distribution on the integers, Σₖ (F(k) − 1{k ≥ y})² (F is constant on each
    /// [k, k + 1)), from F on a grid of integers `points` k₀ < k₁ < … < k_m that spans the mass
    /// (F(k₀ − 1) ≈ 0, F(k_m) ≈ 1) and holds y − 1 and y where they lie inside it.
    ///
    /// Each grid point contributes its own term gⱼ = (F(kⱼ) − 1{kⱼ ≥ y})²; the integers
    /// strictly between kⱼ and kⱼ₊₁ contribute (kⱼ₊₁ − kⱼ − 1)(gⱼ + gⱼ₊₁)/2 (the terms are
    /// smooth there, so the trapezoid is exact to O(stride²/sd²)); on a grid of step 1 the sum
    /// is exact. Outside the grid every term is 1 (F ≈ 0 above y, or F ≈ 1 below it): y < k₀
    /// adds k₀ − y, y > k_m + 1 adds y − 1 − k_m.
    /// - Parameters:
    ///   - points: the grid, increasing integers.
    ///   - cdf: F(kⱼ) at each grid point.
    ///   - y: the observation, an integer.
    public static func crpsDiscrete(points: [Double], cdf: [Double], observation y: Double) -> Double {
        requireSameCount(points.count, cdf.count, "grid points and cdf values")
        precondition(!points.isEmpty, "discrete CRPS needs at least one grid point")
        func term(_ j: Int) -> Double {
            let d = cdf[j] - (points[j] >= y ? 1 : 0)
            return d * d
        }
        var sum = 0.0, previous = term(0)
        sum += previous
        for j in 1..<points.count {
            let current = term(j)
            sum += current + (points[j] - points[j - 1] - 1) * (previous + current) / 2
            previous = current
        }
        if y < points[0] { sum += points[0] - y }
        if y > points[points.count - 1] + 1 { sum += y - 1 - points[points.count - 1] }
        return sum
    }

    /// E|X| for X ~ N(μ, σ²): σ · 2φ(μ/σ) + μ (2Φ(μ/σ) − 1); |μ| for σ = 0.
    public static func expectedAbsoluteNormal(mean mu: Double, standardDeviation sigma: Double) -> Double {
        guard sigma > 0 else { return Swift.abs(mu) }
        let z = mu / sigma
        return 2 * sigma * StandardNormal.density(z) + mu * (2 * StandardNormal.cdf(z) - 1)
    }

    /// CRPS of the Normal mixture Σᵢ wᵢ N(μᵢ, σᵢ²) at y, in closed form (Grimit et al. 2006):
    ///
    ///     CRPS = Σᵢ wᵢ E|Xᵢ − y| − ½ Σᵢ Σⱼ wᵢ wⱼ E|Xᵢ − Xⱼ|,
    ///
    /// with Xᵢ − y ~ N(μᵢ − y, σᵢ²) and Xᵢ − Xⱼ ~ N(μᵢ − μⱼ, σᵢ² + σⱼ²) (`expectedAbsoluteNormal`).
    /// O(K²) for K components; the weights must sum to 1.
    public static func crpsNormalMixture(weights: [Double], means: [Double], standardDeviations: [Double],
                                         observation y: Double) -> Double {
        requireSameCount(weights.count, means.count, "mixture weights and means")
        requireSameCount(standardDeviations.count, means.count, "mixture standard deviations and means")
        var first = 0.0, second = 0.0
        for i in weights.indices {
            first += weights[i] * expectedAbsoluteNormal(mean: means[i] - y, standardDeviation: standardDeviations[i])
            // The pairs i < j twice, the diagonal E|Xᵢ − Xᵢ′| = 2σᵢ/√π once.
            second += weights[i] * weights[i] * expectedAbsoluteNormal(mean: 0, standardDeviation: standardDeviations[i] * 2.0.squareRoot())
            for j in 0..<i {
                let spread = (standardDeviations[i] * standardDeviations[i] + standardDeviations[j] * standardDeviations[j]).squareRoot()
                second += 2 * weights[i] * weights[j] * expectedAbsoluteNormal(mean: means[i] - means[j], standardDeviation: spread)
            }
        }
        return first - 0.5 * second
    }

    /// Sample-based CRPS for any distribution one can draw from (for instance the
    /// MC-dropout mixture): CRPS ≈ (1/M) Σᵢ |xᵢ − y| − 1/(2M²) Σᵢ Σⱼ |xᵢ − xⱼ|,
    /// the energy form E|X − y| − ½ E|X − X'| with both expectations over the M draws.
    ///
    /// Computed in O(M log M): with the draws sorted, Σᵢ Σⱼ |xᵢ − xⱼ| = 2 Σᵢ (2i − M − 1) x₍ᵢ₎
    /// (i from 1). With M draws the estimate is biased high by E|X − X'|/(2M): the double sum
    /// includes the M zero terms i = j, so its mean is (1 − 1/M) E|X − X'|.
    public static func crps(samples: [Double], observation y: Double) -> Double {
        precondition(!samples.isEmpty, "sample-based CRPS needs at least one draw")
        let sorted = samples.sorted()
        let m = Double(sorted.count)
        var absolute = 0.0, spread = 0.0
        for (i, x) in sorted.enumerated() {
            absolute += Swift.abs(x - y)
            spread += (2 * Double(i + 1) - m - 1) * x
        }
        return absolute / m - spread / (m * m)
    }

    /// Adaptive Simpson's rule of `f` over [a, b], started on 64 equal panels.
    static func adaptiveSimpson(_ f: (Double) -> Double, _ a: Double, _ b: Double, _ tolerance: Double) -> Double {
        let panels = 64
        let h = (b - a) / Double(panels)
        var total = 0.0
        for p in 0..<panels {
            let lo = a + Double(p) * h, hi = p == panels - 1 ? b : lo + h
            let mid = 0.5 * (lo + hi)
            let (flo, fmid, fhi) = (f(lo), f(mid), f(hi))
            let whole = (hi - lo) / 6 * (flo + 4 * fmid + fhi)
            total += simpsonRefine(f, lo, hi, flo, fmid, fhi, whole, tolerance / Double(panels), depth: 30)
        }
        return total
    }

    private static func simpsonRefine(_ f: (Double) -> Double, _ a: Double, _ b: Double,
                                      _ fa: Double, _ fm: Double, _ fb: Double,
                                      _ whole: Double, _ tolerance: Double, depth: Int) -> Double {
        let m = 0.5 * (a + b)
        let lm = 0.5 * (a + m), rm = 0.5 * (m + b)
        let flm = f(lm), frm = f(rm)
        let left = (m - a) / 6 * (fa + 4 * flm + fm)
        let right = (b - m) / 6 * (fm + 4 * frm + fb)
        let delta = left + right - whole
        if depth <= 0 || Swift.abs(delta) <= 15 * tolerance {
            return left + right + delta / 15
        }
        return simpsonRefine(f, a, m, fa, flm, fm, left, tolerance / 2, depth: depth - 1)
            + simpsonRefine(f, m, b, fm, frm, fb, right, tolerance / 2, depth: depth - 1)
    }
}
