import CGSL
import Foundation
import LikelyTensor

/// Student's t distribution with ν degrees of freedom, location μ and scale σ:
///
///     ln p(x) = ln Γ((ν+1)/2) − ln Γ(ν/2) − ½ ln(νπ) − ln σ − (ν+1)/2 · ln(1 + z²/ν),
///     z = (x − μ)/σ,  x ∈ ℝ.
///
/// `df` ν > 0, `loc` μ, `scale` σ > 0 broadcast to `batchShape`.
public struct StudentT: UnivariateDistribution, EntropyDistribution, ReparameterizedDistribution {
    /// ν > 0, the degrees of freedom.
    public let df: Tensor
    /// μ, the centre (the mean when ν > 1).
    public let loc: Tensor
    /// σ > 0.
    public let scale: Tensor

    /// t(df, loc, scale); df and scale must be > 0.
    public init(df: Tensor, loc: Tensor, scale: Tensor) {
        checkDomain(df, "StudentT df", "> 0", { $0 > 0 })
        checkDomain(scale, "StudentT scale", "> 0", { $0 > 0 })
        self.df = df
        self.loc = loc
        self.scale = scale
    }

    // MARK: - Parameters

    public var batchShape: [Int] { commonShape([df, loc, scale]) }

    public static var isDiscrete: Bool { false }

    // MARK: - Statistics

    /// μ for ν > 1, NaN otherwise (the mean does not exist).
    public var mean: Tensor { pointwiseValue([df, loc]) { a in a[0] > 1 ? a[1] : .nan } }
    /// σ² ν/(ν − 2) for ν > 2, +∞ for 1 < ν ≤ 2, NaN for ν ≤ 1.
    public var variance: Tensor {
        pointwiseValue([df, scale]) { a in
            a[0] > 2 ? a[1] * a[1] * a[0] / (a[0] - 2) : (a[0] > 1 ? .infinity : .nan)
        }
    }
    /// σ √(ν/(ν − 2)) for ν > 2, +∞ for 1 < ν ≤ 2, NaN for ν ≤ 1, in Double (σ² overflows
    /// Float once σ > 1.8·10¹⁹).
    public var standardDeviation: Tensor {
        pointwiseValue([df, scale]) { a in a[0] > 2 ? a[1] * (a[0] / (a[0] - 2)).squareRoot() : (a[0] > 1 ? .infinity : .nan) }
    }
    /// (ν+1)/2 · (ψ((ν+1)/2) − ψ(ν/2)) + ½ ln ν + ln B(ν/2, ½) + ln σ.
    public var entropy: Tensor {
        pointwiseValue([df, scale]) { a in
            let v = a[0]
            return (v + 1) / 2 * (gsl_sf_psi((v + 1) / 2) - gsl_sf_psi(v / 2))
                + 0.5 * Foundation.log(v) + gsl_sf_lnbeta(v / 2, 0.5) + Foundation.log(a[1])
        }
    }

    /// F_ν((x − μ)/σ), GSL `gsl_cdf_tdist_P`.
    public func cdf(_ value: Tensor) -> Tensor {
        pointwiseValue([value, df, loc, scale]) { a in gsl_cdf_tdist_P((a[0] - a[2]) / a[3], a[1]) }
    }

    /// μ + σ F_ν⁻¹(p), GSL `gsl_cdf_tdist_Pinv`.
    public func quantile(_ probability: Tensor) -> Tensor {
        pointwiseValue([probability, df, loc, scale]) { a in
            guard a[0] >= 0 && a[0] <= 1 else { return .nan }
            if a[0] == 0 { return -.infinity }
            if a[0] == 1 { return .infinity }
            return a[2] + a[3] * gsl_cdf_tdist_Pinv(a[0], a[1])
        }
    }

    // MARK: - Log-probability

    /// ln t(x | ν, μ, σ), differentiable in x, ν, μ, σ. With z = (x − μ)/σ and w = ν + z²:
    /// ∂/∂μ = (ν+1) z/(σ w), ∂/∂σ = −1/σ + (ν+1) z²/(σ w), ∂/∂x = −∂/∂μ,
    /// ∂/∂ν = ½ψ((ν+1)/2) − ½ψ(ν/2) − 1/(2ν) − ½ ln(1 + z²/ν) + (ν+1) z²/(2ν w).
    public func logProb(_ value: Tensor) -> Tensor {
        pointwise([value, df, loc, scale]) { a, d in
            let v = a[1], sigma = a[3]
            let z = (a[0] - a[2]) / sigma
            let w = v + z * z
            let log1pTerm = Foundation.log1p(z * z / v)
            d[2] = (v + 1) * z / (sigma * w)
            d[0] = -d[2]
            d[3] = -1 / sigma + (v + 1) * z * z / (sigma * w)
            d[1] = 0.5 * gsl_sf_psi((v + 1) / 2) - 0.5 * gsl_sf_psi(v / 2) - 1 / (2 * v)
                - 0.5 * log1pTerm + (v + 1) * z * z / (2 * v * w)
            return gsl_sf_lngamma((v + 1) / 2) - gsl_sf_lngamma(v / 2) - 0.5 * Foundation.log(v * Double.pi)
                - Foundation.log(sigma) - (v + 1) / 2 * log1pTerm
        }
    }

    // MARK: - Sampling

    /// μ + σ T with T from GSL `gsl_ran_tdist(ν)`.
    public func sample(using random: inout RandomSource) -> Tensor {
        sampleElementwise([df, loc, scale], using: &random) { r, a in a[1] + a[2] * r.studentT(degreesOfFreedom: a[0]) }
    }

    /// μ + σ T with T ~ t(ν) drawn through GSL: differentiable in μ and σ (not in ν).
    public func reparameterizedSample(using random: inout RandomSource) -> Tensor {
        let standard = sampleElementwise([df.broadcast(to: batchShape)], using: &random) { r, a in r.studentT(degreesOfFreedom: a[0]) }
        return loc + scale * standard
    }
}

// MARK: - Declaration

extension Family {
    /// studentt: loc (identity), scale (the head's scale link), df = 1 + softplus(r) (ν > 1
    /// from a head, so the mean exists), in this order of raw outputs.
    public static let studentT = Family(
        name: "studentt", support: .real,
        parameters: [
            Parameter("loc", .real, link: .identity, role: .location, summary: "the centre μ"),
            Parameter("scale", .positive, link: .exp, followsScaleLink: true, role: .scale, summary: "the scale σ"),
            Parameter("df", .positive, link: .softplus(floor: 1), summary: "the degrees of freedom ν"),
        ],
        build: { p in StudentT(df: p["df"].value, loc: p["loc"].value, scale: p["scale"].value) })
}
