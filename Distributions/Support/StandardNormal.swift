import CGSL
import Foundation
import LikelyTensor

/// The standard normal distribution N(0, 1) in Double: the one implementation of φ, Φ and Φ⁻¹
/// that the families, the metrics (CRPS) and the plots share, as static functions; an instance
/// is the standard member of `Normal`'s location–scale kernel.
public struct StandardNormal: StandardMember {
    /// N(0, 1).
    public init() {}

    /// ½ ln 2π.
    public static let halfLogTwoPi = 0.5 * Foundation.log(2 * Double.pi)

    /// φ(z) = exp(−z²/2) / √(2π).
    public static func density(_ z: Double) -> Double { Foundation.exp(logDensity(z)) }

    /// ln φ(z) = −z²/2 − ½ ln 2π.
    public static func logDensity(_ z: Double) -> Double { -0.5 * z * z - halfLogTwoPi }

    /// Φ(z) = ½ erfc(−z/√2), accurate in both tails (GSL `gsl_cdf_ugaussian_P`: no 1 − small
    /// cancellation).
    public static func cdf(_ z: Double) -> Double { gsl_cdf_ugaussian_P(z) }

    /// ln Φ(z), accurate in the far lower tail (finite at z = −10⁴, where Φ underflows):
    /// ln(erfc(−z/√2)/2) through GSL's `gsl_sf_log_erfc`.
    public static func logCDF(_ z: Double) -> Double {
        _ = gslErrorHandlerOff
        return gsl_sf_log_erfc(-z / 2.squareRoot()) - Foundation.log(2.0)
    }

    /// Φ⁻¹(p), GSL `gsl_cdf_ugaussian_Pinv` (relative error about 10⁻¹⁵; −∞ at 0, +∞ at 1,
    /// NaN outside [0, 1]).
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0 && p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        return gsl_cdf_ugaussian_Pinv(p)
    }

    // MARK: - The standard member

    /// ln φ(z).
    public func logProb(_ z: Double) -> Double { Self.logDensity(z) }
    /// Φ(z).
    public func cdf(_ z: Double) -> Double { Self.cdf(z) }
    /// Φ⁻¹(p).
    public func quantile(_ p: Double) -> Double { Self.quantile(p) }
    /// 0.
    public var mean: Double { 0 }
    /// 1.
    public var variance: Double { 1 }
    /// ½ + ½ ln 2π.
    public var entropy: Double { 0.5 + Self.halfLogTwoPi }
    /// GSL's ziggurat.
    public func sample(using random: inout RandomSource) -> Double { random.normal() }
}
