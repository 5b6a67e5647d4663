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
        Family.studentT.checkDomain(df, "df")
        Family.studentT.checkDomain(scale, "scale")
        self.df = df
        self.loc = loc
        self.scale = scale
    }

    // MARK: - Parameters

    /// `false`: a continuous distribution.
    public static var isDiscrete: Bool { false }

    // MARK: - Statistics

    /// μ for ν > 1, NaN otherwise (the mean does not exist).
    public var mean: Tensor { elementwise { $0.mean } }
    /// σ² ν/(ν − 2) for ν > 2, +∞ for 1 < ν ≤ 2, NaN for ν ≤ 1.
    public var variance: Tensor { elementwise { $0.variance } }
    /// σ √(ν/(ν − 2)) for ν > 2, +∞ for 1 < ν ≤ 2, NaN for ν ≤ 1, in Double (σ² overflows
    /// Float once σ > 1.8·10¹⁹).
    public var standardDeviation: Tensor { elementwise { $0.standardDeviation } }
    /// (ν+1)/2 · (ψ((ν+1)/2) − ψ(ν/2)) + ½ ln ν + ln B(ν/2, ½) + ln σ (`Scalar.entropy`).
    public var entropy: Tensor { elementwise { $0.entropy } }

    /// F_ν(z) of the standard t through the tail P(T < −|z|) = ½ I_u(ν/2, ½) with u = ν/(ν + z²)
    /// (GSL `gsl_sf_beta_inc`); where u < 10⁻²⁰, by the leading term of the series in log
    /// space (u itself may underflow): GSL's `gsl_cdf_tdist_P` gives 0 at z = −10¹⁰⁰ for
    /// ν = 0.05, where the tail is 4.5·10⁻⁶. From ν = 10¹⁰ on, the normal cdf with its 1/ν
    /// correction: u = ν/(ν + z²) is so close to 1 there that its rounding moves I_u by
    /// ν·10⁻¹⁸ relative (10⁻⁶ at ν = 10¹²; GSL's inverse gives NaN at ν = 10³⁰).
    static func cdf(_ z: Double, df v: Double) -> Double {
        if z.isNaN { return .nan }
        if v >= largeDF {
            // Φ(z) − φ(z)(z³ + z)/(4ν) (Abramowitz & Stegun 26.7.5), relative error below 10⁻⁸ while
            // Φ is a normal Double (|z| < 38); on the lower tail for z < 0 so it keeps its digits.
            let t = Swift.abs(z), correction = StandardNormal.density(t) * (t * t * t + t) / (4 * v)
            let tail = StandardNormal.cdf(-t) + correction
            return z < 0 ? tail : 1 - tail
        }
        let t = Swift.abs(z), halfDF = v / 2
        let tail: Double
        if t > 1e10 * Swift.max(v.squareRoot(), 1) {
            // u < 10⁻²⁰: the leading term ½ u^(ν/2)/((ν/2) B(ν/2, ½)) in log space, ln u = ln ν − 2 ln t.
            let logU = Foundation.log(v) - 2 * Foundation.log(t)
            tail = 0.5 * Foundation.exp(halfDF * logU - Foundation.log(halfDF) - gsl_sf_lnbeta(halfDF, 0.5))
        } else {
            tail = 0.5 * gsl_sf_beta_inc(halfDF, 0.5, v / (v + t * t))
        }
        return z < 0 ? tail : 1 - tail
    }

    /// F_ν⁻¹(p) of the standard t. The Cauchy case ν = 1 is exact, −cot(πp) = −1/tan(πp) on the nearer
    /// tail (tan(π(p − ½)) loses 10⁻⁵ of its value at p = 10⁻¹²). Far in a tail, where
    /// u = ν/(ν + t²) is below 10⁻²⁰, from the leading term of ½ I_u(ν/2, ½) ≈ u^(ν/2)/(ν B(ν/2, ½)):
    /// ln u = (ln(2p) + ln(ν/2) + ln B(ν/2, ½))/(ν/2) and t = exp((ln ν − ln u)/2), which stays
    /// finite where u itself underflows (ν = 0.05, p = 10⁻¹²: t ≈ 10²⁴⁰; GSL gives NaN);
    /// elsewhere GSL `gsl_cdf_tdist_Pinv`.
    static func quantile(_ p: Double, df v: Double) -> Double {
        guard p >= 0 && p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = Swift.min(p, 1 - p), sign: Double = p < 0.5 ? -1 : 1
        if v == 1 { return p == 0.5 ? 0 : sign / Foundation.tan(Double.pi * q) }
        if v >= largeDF {
            // The inverse of the expansion in `cdf`: z + (z³ + z)/(4ν) with z = Φ⁻¹(p).
            let z = StandardNormal.quantile(p)
            return z + (z * z * z + z) / (4 * v)
        }
        let halfDF = v / 2
        let logU = (Foundation.log(2 * q) + Foundation.log(halfDF) + gsl_sf_lnbeta(halfDF, 0.5)) / halfDF
        if logU < -46 { return sign * Foundation.exp((Foundation.log(v) - logU) / 2) }
        return gsl_cdf_tdist_Pinv(p, v)
    }

    // MARK: - Log-probability

    /// ln t(x | ν, μ, σ) = ln Γ((ν+1)/2) − ln Γ(ν/2) − ½ ln(νπ) − ln σ − (ν+1)/2 · ln(1 + z²/ν),
    /// differentiable in x, ν, μ, σ. With z = (x − μ)/σ and w = ν + z²:
    /// ∂/∂μ = (ν+1) z/(σ w), ∂/∂σ = −1/σ + (ν+1) z²/(σ w), ∂/∂x = −∂/∂μ,
    /// ∂/∂ν = ½ψ((ν+1)/2) − ½ψ(ν/2) − 1/(2ν) − ½ ln(1 + z²/ν) + (ν+1) z²/(2ν w).
    public func logProb(_ value: Tensor) -> Tensor {
        pointwise([value, df, loc, scale]) { a, d in
            let v = a[1], sigma = a[3]
            let z = (a[0] - a[2]) / sigma
            let w = v + z * z
            let log1pTerm = StudentT.logOnePlusSquare(z, df: v)
            d[2] = (v + 1) * z / (sigma * w)
            d[0] = -d[2]
            d[3] = -1 / sigma + (v + 1) * z * z / (sigma * w)
            d[1] = 0.5 * gsl_sf_psi((v + 1) / 2) - 0.5 * gsl_sf_psi(v / 2) - 1 / (2 * v)
                - 0.5 * log1pTerm + (v + 1) * z * z / (2 * v * w)
            return Scalar(df: v, loc: a[2], scale: sigma).logProb(a[0])
        }
    }

    /// The ν from which the cdf and quantile use the normal with its 1/ν correction.
    static let largeDF = 1e10

    /// ln(1 + z²/ν), as 2 ln(|z|/√ν) once z² would overflow (|z| > 1.3·10¹⁵⁴).
    static func logOnePlusSquare(_ z: Double, df v: Double) -> Double {
        let r = Swift.abs(z) / v.squareRoot()
        return r > 1e150 ? 2 * Foundation.log(r) : Foundation.log1p(r * r)
    }

    /// ln Γ((ν+1)/2) − ln Γ(ν/2) − ½ ln(νπ). From ν = 10⁵ on, with x = ν/2, the series
    /// ln Γ(x + ½) − ln Γ(x) = ½ ln x − 1/(8x) + 1/(192x³), so the whole is
    /// −½ ln 2π − 1/(4ν) + 1/(24ν³): the difference of the two ln Γ loses 2·10⁻⁴ at ν = 10¹².
    static func logNormaliser(_ v: Double) -> Double {
        guard v < 1e5 else { return -0.5 * Foundation.log(2 * Double.pi) - 1 / (4 * v) + 1 / (24 * v * v * v) }
        return gsl_sf_lngamma((v + 1) / 2) - gsl_sf_lngamma(v / 2) - 0.5 * Foundation.log(v * Double.pi)
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

// MARK: - Double

extension StudentT: ScalarBatch {
    /// t(ν, μ, σ) in Double: μ + σT for T ~ t(ν).
    public typealias Scalar = LocationScale<StandardT>

    /// [ν, μ, σ].
    public var kernelParameters: [Tensor] { [df, loc, scale] }

    public func kernel(_ θ: UnsafePointer<Double>) -> Scalar { Scalar(df: θ[0], loc: θ[1], scale: θ[2]) }
}

extension LocationScale where Standard == StandardT {
    /// t(df, loc, scale); the caller checks df > 0 and scale > 0.
    public init(df: Double, loc: Double, scale: Double) { self.init(StandardT(df: df), loc: loc, scale: scale) }

    /// ν.
    public var df: Double { standard.df }
}

/// Student's t with ν degrees of freedom, location 0 and scale 1.
public struct StandardT: StandardMember {
    /// ν > 0.
    public let df: Double

    /// t(ν); the caller checks ν > 0.
    public init(df: Double) { self.df = df }

    /// ln Γ((ν+1)/2) − ln Γ(ν/2) − ½ ln(νπ) − (ν+1)/2 · ln(1 + z²/ν).
    public func logProb(_ z: Double) -> Double { logProb(offset: z, scale: 1) }
    /// The density at z = d/σ less ln σ; where z overflows, ln(z²/ν) from ln|d| − ln σ.
    public func logProb(offset: Double, scale: Double) -> Double {
        let z = offset / scale
        let logTerm = z.isFinite || offset.isNaN
            ? StudentT.logOnePlusSquare(z, df: df)
            : 2 * (Foundation.log(Swift.abs(offset)) - Foundation.log(scale)) - Foundation.log(df)
        return StudentT.logNormaliser(df) - Foundation.log(scale) - (df + 1) / 2 * logTerm
    }
    /// F_ν(z) (`StudentT.cdf(_:df:)`).
    public func cdf(_ z: Double) -> Double { StudentT.cdf(z, df: df) }
    /// F_ν⁻¹(p) (`StudentT.quantile(_:df:)`).
    public func quantile(_ p: Double) -> Double { StudentT.quantile(p, df: df) }
    /// 0 for ν > 1, NaN otherwise (the mean does not exist).
    public var mean: Double { df > 1 ? 0 : .nan }
    /// ν/(ν − 2) for ν > 2, +∞ for 1 < ν ≤ 2, NaN for ν ≤ 1.
    public var variance: Double { df > 2 ? df / (df - 2) : (df > 1 ? .infinity : .nan) }
    /// √(ν/(ν − 2)) for ν > 2, +∞ for 1 < ν ≤ 2, NaN for ν ≤ 1.
    public var standardDeviation: Double { df > 2 ? (df / (df - 2)).squareRoot() : (df > 1 ? .infinity : .nan) }
    /// The mean exists for ν > 1, the variance is finite for ν > 2.
    public var finiteMoments: (mean: Bool, variance: Bool) { (df > 1, df > 2) }
    /// (ν+1)/2 · (ψ((ν+1)/2) − ψ(ν/2)) + ½ ln ν + ln B(ν/2, ½). From ν = 10⁵ on the series
    /// ½ ln(2πe) + 1/ν + 1/(4ν²) (error O(ν⁻³)): the terms of the direct sum cancel to the
    /// normal's entropy, and at ν = 10³⁰ the digamma difference is 0.
    public var entropy: Double {
        let v = df
        guard v < 1e5 else { return 0.5 + halfLogTwoPi + 1 / v + 1 / (4 * v * v) }
        return (v + 1) / 2 * (gsl_sf_psi((v + 1) / 2) - gsl_sf_psi(v / 2)) + 0.5 * Foundation.log(v) + gsl_sf_lnbeta(v / 2, 0.5)
    }
    /// GSL `gsl_ran_tdist(ν)`.
    public func sample(using random: inout RandomSource) -> Double { random.studentT(degreesOfFreedom: df) }
}

// MARK: - Declaration

extension Family {
    /// studentt: loc (identity), scale (the head's scale link), df = 1 + softplus(r) (ν > 1
    /// from a head, so the mean exists), in this order of raw outputs.
    public static let studentT = Family.locationScale(
        name: "studentt", location: "the centre μ", scale: "the scale σ",
        more: [Parameter("df", .positive, link: .softplus(floor: 1), summary: "the degrees of freedom ν")],
        build: { p in StudentT(df: p["df"].value, loc: p["loc"].value, scale: p["scale"].value) },
        scalar: { p in StudentT.Scalar(df: p.number("df"), loc: p.number("loc"), scale: p.number("scale")) })
}
