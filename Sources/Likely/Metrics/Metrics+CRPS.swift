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
    ///   - observation: y.
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

    /// CRPS of a distribution on the integers from its CDF, exactly (up to truncation):
    /// Σ_{k=lower}^{upper−1} (F(k) − 1{k ≥ y})², since F is constant on each [k, k + 1).
    /// - Parameters:
    ///   - cdf: F(k) = P(X ≤ k).
    ///   - observation: the integer y.
    ///   - lower: a k with F(k − 1) ≈ 0 (0 for counts).
    ///   - upper: a k with F(k) ≈ 1; the range is widened to include y.
    public static func crpsDiscrete(cdf: (Int) -> Double, observation y: Int, lower: Int, upper: Int) -> Double {
        precondition(lower <= upper, "discrete CRPS range needs lower ≤ upper, got \(lower)...\(upper)")
        let a = Swift.min(lower, y), b = Swift.max(upper, y + 1)
        var sum = 0.0
        for k in a..<b {
            let d = cdf(k) - (k >= y ? 1 : 0)
            sum += d * d
        }
        return sum
    }

    /// Sample-based CRPS for any distribution one can draw from (for instance the
    /// MC-dropout mixture): CRPS ≈ (1/M) Σᵢ |xᵢ − y| − 1/(2M²) Σᵢ Σⱼ |xᵢ − xⱼ|,
    /// the energy form E|X − y| − ½ E|X − X'| with both expectations over the M draws.
    ///
    /// Computed in O(M log M): with the draws sorted, Σᵢ Σⱼ |xᵢ − xⱼ| = 2 Σᵢ (2i − M − 1) x₍ᵢ₎
    /// (i from 1). With M draws the estimate is biased low by E|X − X'|/(2M).
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
