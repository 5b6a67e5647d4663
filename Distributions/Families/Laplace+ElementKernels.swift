import CGSL
import Foundation

/// θ = [μ, b].
extension Laplace: LocationScaleElements {
    package static var coordinate: ElementCoordinate { .real }

    /// ½ e^((x−μ)/b) below μ, 1 − ½ e^(−(x−μ)/b) above (`Scalar.cdf`).
    package static func cdf(_ x: Double, _ θ: UnsafePointer<Double>) -> Double { Scalar(loc: θ[0], scale: θ[1]).cdf(x) }

    /// e^(−|x − μ|/b) / (2b).
    package static func density(_ x: Double, _ θ: UnsafePointer<Double>) -> Double {
        Foundation.exp(-Swift.abs(x - θ[0]) / θ[1]) / (2 * θ[1])
    }

    /// ½ e^((x−μ)/b) (x − b) for x ≤ μ; μ − ½ e^(−(x−μ)/b) (x + b) above.
    package static func partialMean(_ x: Double, _ θ: UnsafePointer<Double>) -> Double {
        let r = x - θ[0], b = θ[1]
        if r <= 0 { return r == -.infinity ? 0 : 0.5 * Foundation.exp(r / b) * (x - b) }
        return θ[0] - (r == .infinity ? 0 : 0.5 * Foundation.exp(-r / b) * (x + b))
    }

    package static func mean(_ θ: UnsafePointer<Double>) -> Double { θ[0] }

    package static func spread(_ θ: UnsafePointer<Double>) -> (centre: Double, width: Double) { (θ[0], θ[1]) }

    /// μ ± 6.3b (½e^−6.3 = 9.2·10⁻⁴).
    package static func span(_ θ: UnsafePointer<Double>) -> (low: Double, high: Double) { (θ[0] - 6.3 * θ[1], θ[0] + 6.3 * θ[1]) }

    /// Xᵢ − Xⱼ has the density [bᵢ e^(−|z|/bᵢ) − bⱼ e^(−|z|/bⱼ)] / (2(bᵢ² − bⱼ²)) around
    /// d = μᵢ − μⱼ, so E|Xᵢ − Xⱼ| = |d| + (bᵢ³ e^(−|d|/bᵢ) − bⱼ³ e^(−|d|/bⱼ)) / (bᵢ² − bⱼ²);
    /// as bⱼ → bᵢ = b its limit |d| + e^(−|d|/b) (3b + |d|)/2 (used while the two scales are
    /// within 10⁻⁴ of each other, where the difference quotient cancels).
    package static func meanAbsoluteDifference(_ θi: UnsafePointer<Double>, _ θj: UnsafePointer<Double>) -> Double? {
        let d = Swift.abs(θi[0] - θj[0]), bi = θi[1], bj = θj[1]
        if Swift.abs(bi - bj) <= 1e-4 * Swift.max(bi, bj) {
            let b = (bi + bj) / 2
            return d + Foundation.exp(-d / b) * (3 * b + d) / 2
        }
        let ti = bi * bi * bi * Foundation.exp(-d / bi), tj = bj * bj * bj * Foundation.exp(-d / bj)
        return d + (ti - tj) / ((bi - bj) * (bi + bj))
    }
}
