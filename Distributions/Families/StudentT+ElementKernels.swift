import CGSL
import Foundation

/// θ = [ν, μ, σ, ln Γ((ν+1)/2) − ln Γ(ν/2) − ½ ln(νπ), ln σ].
extension StudentT: ElementKernels {
    package static var elementParameterCount: Int { 5 }
    package static var coordinate: ElementCoordinate { .real }

    package var elementParameters: [Double] {
        interleavedElements([df, loc, scale], shape: batchShape, extras: 2) { θ in
            θ[3] = StudentT.logNormaliser(θ[0])
            θ[4] = Foundation.log(θ[2])
        }
    }

    package static func cdf(_ x: Double, _ θ: UnsafePointer<Double>) -> Double { StudentT.cdf((x - θ[1]) / θ[2], df: θ[0]) }

    /// t_ν(z)/σ with z = (x − μ)/σ.
    package static func density(_ x: Double, _ θ: UnsafePointer<Double>) -> Double {
        let z = (x - θ[1]) / θ[2]
        return Foundation.exp(θ[3] - θ[4] - (θ[0] + 1) / 2 * logOnePlusSquare(z, df: θ[0]))
    }

    /// μ F(x) − σ (ν + z²)/(ν − 1) t_ν(z) for ν > 1 (E[T · 1{T ≤ z}] = −(ν + z²) t_ν(z)/(ν − 1)),
    /// with (ν + z²) t_ν(z) = exp(ln ν + (1 − (ν+1)/2) ln(1 + z²/ν) + the log-normaliser);
    /// NaN for ν ≤ 1, where E[X] does not exist.
    package static func partialMean(_ x: Double, _ θ: UnsafePointer<Double>) -> Double {
        let v = θ[0]
        guard v > 1 else { return .nan }
        let z = (x - θ[1]) / θ[2]
        if z == -.infinity { return 0 }
        if z == .infinity { return θ[1] }
        let weighted = Foundation.exp(Foundation.log(v) + θ[3] + (1 - (v + 1) / 2) * logOnePlusSquare(z, df: v))
        return θ[1] * cdf(x, θ) - θ[2] * weighted / (v - 1)
    }

    package static func mean(_ θ: UnsafePointer<Double>) -> Double { θ[0] > 1 ? θ[1] : .nan }

    package static func spread(_ θ: UnsafePointer<Double>) -> (centre: Double, width: Double) { (θ[1], θ[2]) }

    /// μ ± 30σ (ν = 2 leaves 5.5·10⁻⁴ beyond each end, ν = 3 leaves 3.7·10⁻⁵; the heads give ν > 1,
    /// and a heavier tail only widens what the exact tail means take over).
    package static func span(_ θ: UnsafePointer<Double>) -> (low: Double, high: Double) { (θ[1] - 30 * θ[2], θ[1] + 30 * θ[2]) }
}
