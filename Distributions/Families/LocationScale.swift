import Foundation
import LikelyTensor

/// The standard member Z of a location–scale family (μ = 0, σ = 1), in Double: every member
/// is X = μ + σZ, and `LocationScale` shifts and scales Z's answers once for every such family
/// (normal, Laplace, Student's t).
public protocol StandardMember: ScalarDistribution {
    /// ln f_X(x) = ln f(d/σ) − ln σ for the offset d = x − μ. A family overrides it where a
    /// finite d/σ can overflow or lose digits.
    func logProb(offset: Double, scale: Double) -> Double
}

extension StandardMember {
    /// ln f(d/σ) − ln σ.
    public func logProb(offset: Double, scale: Double) -> Double { logProb(offset / scale) - Foundation.log(scale) }
}

/// X = μ + σZ for the standard member Z of a location–scale family, in Double:
///
///     ln p(x) = ln f((x − μ)/σ) − ln σ,   F(x) = F_Z((x − μ)/σ),   F⁻¹(p) = μ + σ F_Z⁻¹(p),
///     E[X] = μ + σ E[Z],   sd[X] = σ sd[Z],   H[X] = H[Z] + ln σ.
///
/// The scalar kernel of `Normal`, `Laplace` and `StudentT` (their `Scalar`).
public struct LocationScale<Standard: StandardMember>: ScalarDistribution {
    /// The standard member Z.
    public let standard: Standard
    /// μ.
    public let loc: Double
    /// σ > 0.
    public let scale: Double

    /// μ + σZ; the caller checks scale > 0 (`Family.scalarDistribution`).
    public init(_ standard: Standard, loc: Double, scale: Double) {
        self.standard = standard
        self.loc = loc
        self.scale = scale
    }

    /// ln f((x − μ)/σ) − ln σ.
    public func logProb(_ x: Double) -> Double { standard.logProb(offset: x - loc, scale: scale) }
    /// F_Z((x − μ)/σ).
    public func cdf(_ x: Double) -> Double { standard.cdf((x - loc) / scale) }
    /// μ + σ F_Z⁻¹(p).
    public func quantile(_ p: Double) -> Double { loc + scale * standard.quantile(p) }
    /// μ + σ E[Z] (μ itself where E[Z] = 0, whatever σ).
    public var mean: Double { standard.mean == 0 ? loc : loc + scale * standard.mean }
    /// σ² Var[Z].
    public var variance: Double { scale * scale * standard.variance }
    /// σ sd[Z], formed directly (σ² overflows first).
    public var standardDeviation: Double { scale * standard.standardDeviation }
    /// H[Z] + ln σ.
    public var entropy: Double { standard.entropy + Foundation.log(scale) }
    /// Those of Z.
    public var finiteMoments: (mean: Bool, variance: Bool) { standard.finiteMoments }
    /// μ + σZ with Z drawn by the standard member.
    public func sample(using random: inout RandomSource) -> Double { loc + scale * standard.sample(using: &random) }
}
