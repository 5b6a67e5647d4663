import CGSL
import Foundation

/// The standard Normal density, CDF and quantile in Double precision.
enum StandardNormal {
    /// φ(z) = exp(−z²/2) / √(2π).
    static func density(_ z: Double) -> Double { exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() }

    /// Φ(z) = ½ erfc(−z/√2), accurate in both tails (no 1 − small cancellation).
    static func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// Φ⁻¹(p) for p in (0, 1), GSL `gsl_cdf_ugaussian_Pinv` (relative error about 1e-15).
    static func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "a standard Normal quantile needs p in (0, 1), got \(p)")
        return gsl_cdf_ugaussian_Pinv(p)
    }
}
