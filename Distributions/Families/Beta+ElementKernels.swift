import CGSL
import Foundation

/// θ = [α, β, −ln B(α, β)].
extension Beta: ElementKernels {
    package static var elementParameterCount: Int { 3 }
    package static var coordinate: ElementCoordinate { .logit }

    package var elementParameters: [Double] {
        interleavedElements([alpha, beta], shape: batchShape, extras: 1) { θ in θ[2] = -gsl_sf_lnbeta(θ[0], θ[1]) }
    }

    /// I_x(α, β).
    package static func cdf(_ x: Double, _ θ: UnsafePointer<Double>) -> Double { Beta.cdf(x, alpha: θ[0], beta: θ[1]) }

    /// x^(α−1) (1 − x)^(β−1) / B(α, β) inside (0, 1), 0 outside.
    package static func density(_ x: Double, _ θ: UnsafePointer<Double>) -> Double {
        guard x > 0 && x < 1 else { return 0 }
        return Foundation.exp(θ[2] + (θ[0] - 1) * Foundation.log(x) + (θ[1] - 1) * Foundation.log1p(-x))
    }

    /// α/(α + β) · I_x(α + 1, β).
    package static func partialMean(_ x: Double, _ θ: UnsafePointer<Double>) -> Double {
        mean(θ) * Beta.cdf(x, alpha: θ[0] + 1, beta: θ[1])
    }

    package static func mean(_ θ: UnsafePointer<Double>) -> Double { θ[0] / (θ[0] + θ[1]) }

    /// logit X has mean ψ(α) − ψ(β) and standard deviation √(ψ′(α) + ψ′(β)).
    package static func spread(_ θ: UnsafePointer<Double>) -> (centre: Double, width: Double) {
        (gsl_sf_psi(θ[0]) - gsl_sf_psi(θ[1]), (gsl_sf_psi_1(θ[0]) + gsl_sf_psi_1(θ[1])).squareRoot())
    }

    /// logit x from I_x(α, β) ≈ x^α/(α B(α, β)) near 0 (x = (10⁻³ α B)^(1/α)) and its mirror
    /// 1 − I_x ≈ (1 − x)^β/(β B) near 1.
    package static func span(_ θ: UnsafePointer<Double>) -> (low: Double, high: Double) {
        let lnB = -θ[2], third = Foundation.log(1e-3)
        let logLow = Swift.min((third + Foundation.log(θ[0]) + lnB) / θ[0], -1e-9)     // ln x
        let logHigh = Swift.min((third + Foundation.log(θ[1]) + lnB) / θ[1], -1e-9)    // ln(1 − x)
        // logit x = ln x − ln(1 − x).
        let low = logLow - Foundation.log(-Foundation.expm1(logLow))
        let high = Foundation.log(-Foundation.expm1(logHigh)) - logHigh
        return (Swift.min(low, high), Swift.max(low, high))
    }
}
