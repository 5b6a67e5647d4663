import CGSL
import Foundation

/// θ = [μ, σ].
extension Normal: LocationScaleElements {
    package static var coordinate: ElementCoordinate { .real }

    /// Φ((x − μ)/σ) (`Scalar.cdf`).
    package static func cdf(_ x: Double, _ θ: UnsafePointer<Double>) -> Double { Scalar(loc: θ[0], scale: θ[1]).cdf(x) }

    /// φ(z)/σ with z = (x − μ)/σ.
    package static func density(_ x: Double, _ θ: UnsafePointer<Double>) -> Double {
        let z = (x - θ[0]) / θ[1]
        return Foundation.exp(StandardNormal.logDensity(z)) / θ[1]
    }

    /// μ Φ(z) − σ φ(z).
    package static func partialMean(_ x: Double, _ θ: UnsafePointer<Double>) -> Double {
        let z = (x - θ[0]) / θ[1]
        return θ[0] * gsl_cdf_ugaussian_P(z) - θ[1] * Foundation.exp(StandardNormal.logDensity(z))
    }

    package static func mean(_ θ: UnsafePointer<Double>) -> Double { θ[0] }

    package static func spread(_ θ: UnsafePointer<Double>) -> (centre: Double, width: Double) { (θ[0], θ[1]) }

    /// μ ± 3.1σ (Φ(−3.1) = 9.7·10⁻⁴).
    package static func span(_ θ: UnsafePointer<Double>) -> (low: Double, high: Double) { (θ[0] - 3.1 * θ[1], θ[0] + 3.1 * θ[1]) }

    /// Xᵢ − Xⱼ ~ N(μᵢ − μⱼ, σᵢ² + σⱼ²), and E|Z| = s · 2φ(d/s) + d (2Φ(d/s) − 1) for Z ~ N(d, s²).
    package static func meanAbsoluteDifference(_ θi: UnsafePointer<Double>, _ θj: UnsafePointer<Double>) -> Double? {
        let d = θi[0] - θj[0], s = (θi[1] * θi[1] + θj[1] * θj[1]).squareRoot()
        guard s > 0 else { return Swift.abs(d) }
        let z = d / s
        return 2 * s * Foundation.exp(StandardNormal.logDensity(z)) + d * (2 * gsl_cdf_ugaussian_P(z) - 1)
    }
}
