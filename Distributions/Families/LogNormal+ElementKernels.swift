import CGSL
import Foundation

/// θ = [μ, σ] of ln X.
extension LogNormal: LocationScaleElements {
    package static var coordinate: ElementCoordinate { .logarithm }

    /// Φ((ln x − μ)/σ), 0 for x ≤ 0 (`Scalar.cdf`).
    package static func cdf(_ x: Double, _ θ: UnsafePointer<Double>) -> Double { Scalar(loc: θ[0], scale: θ[1]).cdf(x) }

    /// φ(z)/(σ x) with z = (ln x − μ)/σ, 0 for x ≤ 0.
    package static func density(_ x: Double, _ θ: UnsafePointer<Double>) -> Double {
        guard x > 0 else { return 0 }
        let z = (Foundation.log(x) - θ[0]) / θ[1]
        return Foundation.exp(StandardNormal.logDensity(z)) / (θ[1] * x)
    }

    /// e^(μ + σ²/2) Φ((ln x − μ − σ²)/σ).
    package static func partialMean(_ x: Double, _ θ: UnsafePointer<Double>) -> Double {
        x <= 0 ? 0 : mean(θ) * gsl_cdf_ugaussian_P((Foundation.log(x) - θ[0] - θ[1] * θ[1]) / θ[1])
    }

    package static func mean(_ θ: UnsafePointer<Double>) -> Double { Foundation.exp(θ[0] + θ[1] * θ[1] / 2) }

    package static func spread(_ θ: UnsafePointer<Double>) -> (centre: Double, width: Double) { (θ[0], θ[1]) }

    /// ln x within μ ± 3.1σ (Φ(−3.1) = 9.7·10⁻⁴).
    package static func span(_ θ: UnsafePointer<Double>) -> (low: Double, high: Double) { (θ[0] - 3.1 * θ[1], θ[0] + 3.1 * θ[1]) }
}
