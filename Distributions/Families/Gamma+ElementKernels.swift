import CGSL
import Foundation

/// θ = [α, β, α ln β − ln Γ(α)].
extension Gamma: ElementKernels {
    package static var elementParameterCount: Int { 3 }
    package static var coordinate: ElementCoordinate { .logarithm }

    package var elementParameters: [Double] {
        interleavedElements([concentration, rate], shape: batchShape, extras: 1) { θ in
            θ[2] = θ[0] * Foundation.log(θ[1]) - gsl_sf_lngamma(θ[0])
        }
    }

    /// P(α, βx), 0 for x ≤ 0.
    package static func cdf(_ x: Double, _ θ: UnsafePointer<Double>) -> Double { x <= 0 ? 0 : regularizedGammaP(θ[0], θ[1] * x) }

    /// β^α x^(α−1) e^(−βx) / Γ(α) for x > 0, 0 below.
    package static func density(_ x: Double, _ θ: UnsafePointer<Double>) -> Double {
        x <= 0 ? 0 : Foundation.exp(θ[2] + (θ[0] - 1) * Foundation.log(x) - θ[1] * x)
    }

    /// (α/β) P(α + 1, βx).
    package static func partialMean(_ x: Double, _ θ: UnsafePointer<Double>) -> Double {
        x <= 0 ? 0 : mean(θ) * regularizedGammaP(θ[0] + 1, θ[1] * x)
    }

    package static func mean(_ θ: UnsafePointer<Double>) -> Double { θ[0] / θ[1] }

    /// ln X has mean ψ(α) − ln β and standard deviation √ψ′(α).
    package static func spread(_ θ: UnsafePointer<Double>) -> (centre: Double, width: Double) {
        (gsl_sf_psi(θ[0]) - Foundation.log(θ[1]), gsl_sf_psi_1(θ[0]).squareRoot())
    }

    /// ln x from the bounds P(α, βx) ≤ (βx)^α/Γ(α + 1) below (so βx = (10⁻³ Γ(α + 1))^(1/α)) and,
    /// above, Q(α, βx) ≤ e^(−βx)/Γ(α) at βx ≥ 1 for α < 1 (βx = 7.1), βx = α + 6√α for α ≥ 1
    /// (at most e^−7 ≈ 9·10⁻⁴ beyond it, at α = 1).
    package static func span(_ θ: UnsafePointer<Double>) -> (low: Double, high: Double) {
        let alpha = θ[0], logRate = Foundation.log(θ[1])
        let low = (Foundation.log(1e-3) + gsl_sf_lngamma(alpha + 1)) / alpha - logRate
        let high = Foundation.log(alpha < 1 ? 7.1 : alpha + 6 * alpha.squareRoot()) - logRate
        return (Swift.min(low, high), high)
    }
}
