import CGSL
import Foundation
import LikelyTensor

/// The negative binomial distribution on 0, 1, 2, … with total count r > 0 and probability
/// p ∈ [0, 1) (torch's convention: p is the probability of each counted event):
///
///     ln p(k) = ln Γ(k + r) − ln Γ(k + 1) − ln Γ(r) + r ln(1 − p) + k ln p,
///
/// mean r p/(1 − p), variance r p/(1 − p)²: an over-dispersed Poisson. scipy's `nbinom(n=r,
/// p=1−p)` is the same distribution.
public struct NegativeBinomial: UnivariateDistribution, EntropyDistribution {
    /// r > 0 (real-valued).
    public let totalCount: Tensor
    /// p ∈ [0, 1).
    public let probs: Tensor

    /// NegativeBinomial(totalCount, probs); r must be > 0 and p in [0, 1).
    public init(totalCount: Tensor, probs: Tensor) { (self.totalCount, self.probs) = Family.negativeBinomial.checked(totalCount, probs) }

    // MARK: - Parameters

    /// `true`: the support is the integers.
    public static var isDiscrete: Bool { true }

    // MARK: - Statistics

    /// r p/(1 − p).
    public var mean: Tensor { (totalCount * probs / (1 - probs)).broadcast(to: batchShape) }
    /// r p/(1 − p)².
    public var variance: Tensor { (totalCount * probs / square(1 - probs)).broadcast(to: batchShape) }
    /// √(r p) / (1 − p), in Double.
    public var standardDeviation: Tensor { elementwise { $0.standardDeviation } }
    /// −Σₖ p(k) ln p(k) (`Scalar.entropy`).
    public var entropy: Tensor { elementwise { $0.entropy } }

    /// P(X ≤ k) = I₁₋ₚ(r, k + 1), the regularised incomplete beta function (GSL
    /// `gsl_sf_beta_inc`, for any k). Once rp ≥ 10⁵ GSL's continued fraction fails near the
    /// mean or converges to a wrong value (with an error estimate up to 0.04 at r = 10¹²);
    /// there, unless GSL's own error estimate is below 10⁻⁹, the Edgeworth expansion
    /// `edgeworthCDF` is used instead: its error is O((rp)^−3/2), below 10⁻⁸ absolute.
    static func cdf(_ x: Double, r: Double, p: Double) -> Double {
        if x < 0 { return 0 }
        if p == 0 { return 1 }
        let k = x.rounded(.down)
        var result = gsl_sf_result()
        let status = gsl_sf_beta_inc_e(r, k + 1, 1 - p, &result)
        let converged = status == 0 || status == 15                      // GSL_EUNDRFLW: the value is 0
        let large = r * p >= 1e5
        if converged && (0...1).contains(result.val) && (!large || result.err <= 1e-9) { return result.val }
        return large ? edgeworthCDF(k, r: r, p: p) : .nan
    }

    /// The Edgeworth expansion of P(X ≤ k) to second order, with continuity correction:
    ///
    ///     F ≈ Φ(z) − φ(z) [γ/6 He₂(z) + κ/24 He₃(z) + γ²/72 He₅(z)],   z = (k + ½ − μ)/σ,
    ///
    /// μ = rp/(1 − p), σ = √(rp)/(1 − p), skewness γ = (1 + p)/√(rp), excess kurtosis
    /// κ = 6/r + (1 − p)²/(rp); He₂ = z² − 1, He₃ = z³ − 3z, He₅ = z⁵ − 10z³ + 15z.
    /// Clamped to [0, 1]; far in the tails (|z| > 38) it is 0 or 1.
    static func edgeworthCDF(_ k: Double, r: Double, p: Double) -> Double {
        let mean = r * p / (1 - p), sd = (r * p).squareRoot() / (1 - p)
        let skewness = (1 + p) / (r * p).squareRoot(), kurtosis = 6 / r + (1 - p) * (1 - p) / (r * p)
        let z = (k + 0.5 - mean) / sd
        if z < -38 { return 0 }
        if z > 38 { return 1 }
        let z2 = z * z
        let density = StandardNormal.density(z)
        let correction = skewness / 6 * (z2 - 1) + kurtosis / 24 * z * (z2 - 3)
            + skewness * skewness / 72 * z * (z2 * z2 - 10 * z2 + 15)
        return Swift.min(Swift.max(StandardNormal.cdf(z) - density * correction, 0), 1)
    }

    static func logMass(_ k: Double, r: Double, p: Double) -> Double {
        guard isCount(k) else { return -.infinity }
        return continuedLogMass(k, r: r, p: p)
    }

    /// ln Γ(k + r) − ln Γ(k + 1) − ln Γ(r) + r ln(1 − p) + k ln p for any real k ≥ 0: the
    /// log-mass continued between the integers. From n = k + r = 10⁵ on (k ≥ 1, p > 0) in
    /// Loader's saddle-point form of r/n times a binomial(n, p) mass at k,
    ///
    ///     ln(r/n) + stirlerr(n) − stirlerr(k) − stirlerr(r) − bd0(k, np) − bd0(r, n(1 − p)) + ½ ln(n/(2πkr)),
    ///
    /// because the ln Γ terms of size n ln n cancel (at r = 10¹⁰ the direct sum is off by 3·10⁻⁶
    /// relative).
    static func continuedLogMass(_ k: Double, r: Double, p: Double) -> Double {
        let n = k + r
        guard n >= 1e5 && k >= 1 && p > 0 else {
            return gsl_sf_lngamma(k + r) - gsl_sf_lngamma(k + 1) - gsl_sf_lngamma(r) + r * Foundation.log1p(-p) + xlogy(k, p)
        }
        return Foundation.log(r / n) + stirlingError(n) - stirlingError(k) - stirlingError(r)
            - saddlePointDeviance(k, mean: n * p) - saddlePointDeviance(r, mean: n * (1 - p))
            + 0.5 * Foundation.log(n / (2 * Double.pi * k * r))
    }

    // MARK: - Log-probability

    /// ln p(k), −∞ unless k is a non-negative integer:
    /// ∂/∂r = ψ(k + r) − ψ(r) + ln(1 − p), ∂/∂p = k/p − r/(1 − p).
    public func logProb(_ value: Tensor) -> Tensor {
        pointwise([value, totalCount, probs]) { a, d in
            let k = a[0], r = a[1], p = a[2]
            guard isCount(k) else { return -.infinity }
            d[1] = gsl_sf_psi(k + r) - gsl_sf_psi(r) + Foundation.log1p(-p)
            d[2] = (k == 0 ? 0 : k / p) - r / (1 - p)
            return NegativeBinomial.logMass(k, r: r, p: p)
        }
    }
}

// MARK: - Double

extension NegativeBinomial: ScalarBatch {
    /// [r, p].
    public var kernelParameters: [Tensor] { [totalCount, probs] }

    public func kernel(_ θ: UnsafePointer<Double>) -> Scalar { Scalar(totalCount: θ[0], probs: θ[1]) }

    /// NegativeBinomial(r, p) with r and p in Double.
    public struct Scalar: ScalarDistribution {
        /// r > 0.
        public let totalCount: Double
        /// p ∈ [0, 1).
        public let probs: Double

        /// NegativeBinomial(totalCount, probs); the caller checks r > 0 and 0 ≤ p < 1.
        public init(totalCount: Double, probs: Double) { (self.totalCount, self.probs) = (totalCount, probs) }

        /// ln Γ(k + r) − ln Γ(k + 1) − ln Γ(r) + r ln(1 − p) + k ln p, −∞ unless k is a count.
        public func logProb(_ x: Double) -> Double { NegativeBinomial.logMass(x, r: totalCount, p: probs) }
        /// P(X ≤ ⌊x⌋) (`NegativeBinomial.cdf(_:r:p:)`).
        public func cdf(_ x: Double) -> Double { NegativeBinomial.cdf(x, r: totalCount, p: probs) }
        /// The smallest k with P(X ≤ k) ≥ q (+∞ at q = 1 unless p = 0), searched from the Cornish–Fisher guess
        /// with mean rp/(1 − p), sd √(rp)/(1 − p), skewness (1 + p)/√(rp): O(log) cdf calls.
        public func quantile(_ q: Double) -> Double {
            let r = totalCount, p = probs
            if p == 0 { return q >= 0 && q <= 1 ? 0 : .nan }          // all the mass at 0
            let sd = (r * p).squareRoot() / (1 - p)
            let start = cornishFisherStart(q, mean: r * p / (1 - p), standardDeviation: sd,
                                           skewness: r * p > 0 ? (1 + p) / (r * p).squareRoot() : 0)
            return discreteQuantile(q, start: start) { k in NegativeBinomial.cdf(k, r: r, p: p) }
        }
        /// r p/(1 − p).
        public var mean: Double { totalCount * probs / (1 - probs) }
        /// r p/(1 − p)².
        public var variance: Double { totalCount * probs / (1 - probs) / (1 - probs) }
        /// √(r p)/(1 − p).
        public var standardDeviation: Double { (totalCount * probs).squareRoot() / (1 - probs) }
        /// −Σₖ p(k) ln p(k), summed until the tail mass is below 1e-15 for rp < 1000, the terms
        /// beyond k = 10⁵ by `discreteEntropy`'s Euler–Maclaurin tail when the mean is larger (a
        /// small r with p → 1: mean 3·10⁹ at r = 200; the plain sum stopped at 10⁸ terms, near
        /// 0). From rp = 1000 on (where the sum would take ~σ terms: 10⁸ and a wrong 0 at r = 10⁹)
        /// the asymptotic form ½ ln(2πe σ²) − γ²/12 with σ² = rp/(1 − p)² and skewness
        /// γ = (1 + p)/√(rp), whose error is O((rp)⁻²), below 5·10⁻⁸ there (the Poisson's series
        /// is its limit p → 0). Beyond 10⁵ with rp < 1000, θ = p/(1 − p) > 100, so the mass
        /// changes by at most about 1% per step.
        public var entropy: Double {
            let r = totalCount, p = probs
            if r * p >= 1000 {
                let variance = r * p / ((1 - p) * (1 - p)), skewness2 = (1 + p) * (1 + p) / (r * p)
                return 0.5 * Foundation.log(2 * Double.pi * M_E * variance) - skewness2 / 12
            }
            let mean = r * p / (1 - p)
            return discreteEntropy(mean: mean, smoothFrom: mean > 1e5 ? 1e5 : .infinity) { k in
                NegativeBinomial.continuedLogMass(k, r: r, p: p)
            }
        }
        /// A gamma–Poisson mixture, as GSL `gsl_ran_negative_binomial(1 − p, r)` draws it:
        /// Poisson(G · p/(1 − p)) with G ~ Gamma(r, 1), through `poissonDraw` so that any mean works.
        public func sample(using random: inout RandomSource) -> Double {
            guard probs != 0 else { return 0 }
            let mean = random.gamma(shape: totalCount, scale: 1) * probs / (1 - probs)
            return poissonDraw(&random, mean)
        }
    }
}

// MARK: - Declaration

extension Family {
    /// negbinomial: total count r (the head's scale link), probs p (sigmoid).
    public static let negativeBinomial = Family(
        name: "negbinomial", support: .counts,
        parameters: [
            Parameter("total_count", .positive, link: .exp, followsScaleLink: true, summary: "the total count r"),
            Parameter("probs", .halfOpenUnitInterval, link: .sigmoid, summary: "the success probability p"),
        ],
        build: { p in NegativeBinomial(totalCount: p["total_count"].value, probs: p["probs"].value) },
        scalar: { p in NegativeBinomial.Scalar(totalCount: p.number("total_count"), probs: p.number("probs")) })
}
