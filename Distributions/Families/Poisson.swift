import CGSL
import Foundation
import LikelyTensor

/// The Poisson distribution on 0, 1, 2, … with rate λ ≥ 0:
///
///     ln p(k) = k ln λ − λ − ln Γ(k + 1).
///
/// Built from a log-rate η = ln λ (a count head's raw output), ln p(k) = kη − e^η − ln k!,
/// which never forms ln λ and stays finite for any finite η.
public struct Poisson: UnivariateDistribution, EntropyDistribution {
    /// λ ≥ 0, the mean.
    public let rate: Tensor
    /// η = ln λ when built from it.
    public let logRate: Tensor?

    /// Poisson(rate); every rate must be ≥ 0.
    public init(rate: Tensor) {
        Family.poisson.checkDomain(rate, "rate")
        self.rate = rate
        self.logRate = nil
    }

    /// Poisson(exp(logRate)).
    public init(logRate: Tensor) {
        self.logRate = logRate
        self.rate = exp(logRate)
    }

    // MARK: - Parameters

    /// `true`: the support is the integers.
    public static var isDiscrete: Bool { true }

    // MARK: - Statistics

    /// λ.
    public var mean: Tensor { rate }
    /// λ.
    public var variance: Tensor { rate }
    /// −Σₖ p(k) ln p(k): summed for λ < 50; from λ = 50 on the asymptotic series
    /// ½ ln(2πeλ) − 1/(12λ) − 1/(24λ²) − 19/(360λ³) (error below 10⁻⁸), where the direct sum
    /// would need ~√λ terms and loses precision.
    public var entropy: Tensor { elementwise { $0.entropy } }

    static func entropy(rate lambda: Double) -> Double {
        guard lambda >= 50 else { return discreteEntropy(mean: lambda) { k in Poisson.logMass(k, rate: lambda) } }
        let inverse = 1 / lambda
        return 0.5 * Foundation.log(2 * Double.pi * M_E * lambda)
            - inverse * (1.0 / 12 + inverse * (1.0 / 24 + inverse * 19.0 / 360))
    }

    /// The smallest k with P(X ≤ k) ≥ p (+∞ at p = 1 unless λ = 0), searched from the Cornish–Fisher
    /// guess λ + √λ (z + (z² − 1)/(6√λ)): O(log) cdf calls at any rate.
    static func quantile(_ p: Double, rate lambda: Double) -> Double {
        if lambda == 0 { return p >= 0 && p <= 1 ? 0 : .nan }        // all the mass at 0
        let sd = lambda.squareRoot()
        let start = cornishFisherStart(p, mean: lambda, standardDeviation: sd, skewness: sd > 0 ? 1 / sd : 0)
        return discreteQuantile(p, start: start) { k in Poisson.cdf(k, rate: lambda) }
    }

    /// P(X ≤ ⌊x⌋) = Q(⌊x⌋ + 1, λ), the regularised upper incomplete gamma function
    /// (`regularizedGamma`: GSL, or Temme's expansion at large counts), 0 below 0.
    static func cdf(_ x: Double, rate: Double) -> Double {
        if x < 0 { return 0 }
        if rate == 0 { return 1 }
        return regularizedGamma(x.rounded(.down) + 1, rate).q
    }

    /// ln p(k). For k ≥ 16 in the saddle-point form of Loader (2000),
    /// −½ ln(2πk) − stirlerr(k) − λ[(1 + ε) ln(1 + ε) − ε] with ε = (k − λ)/λ and
    /// stirlerr(k) = ln k! − (k + ½) ln k + k − ½ ln 2π: the direct k ln λ − λ − ln k! cancels
    /// terms of size λ (at λ = 10¹² it is off by 10⁻²).
    static func logMass(_ k: Double, rate: Double) -> Double {
        guard isCount(k) else { return -.infinity }
        return continuedLogMass(k, rate: rate)
    }

    /// k ln λ − λ − ln Γ(k + 1) for any real k > −1, in the same saddle-point form from k = 16
    /// on: the log-mass continued between the integers (a Gamma(k + 1) log-density at λ).
    static func continuedLogMass(_ k: Double, rate: Double) -> Double {
        guard k >= 16 && rate > 0 else { return xlogy(k, rate) - rate - gsl_sf_lngamma(k + 1) }
        let deviance = saddlePointDeviance(k, mean: rate)
        return -0.5 * Foundation.log(2 * Double.pi * k) - stirlingError(k) - deviance
    }

    // MARK: - Log-probability

    /// ln p(k), −∞ unless k is a non-negative integer. ∂/∂λ = k/λ − 1; ∂/∂η = k − e^η.
    public func logProb(_ value: Tensor) -> Tensor {
        if let logRate {
            return pointwise([value, logRate]) { a, d in
                let k = a[0], eta = a[1]
                guard isCount(k) else { return -.infinity }
                let lambda = Foundation.exp(eta)
                d[1] = k - lambda
                return k < 16 ? k * eta - lambda - gsl_sf_lngamma(k + 1) : Poisson.logMass(k, rate: lambda)
            }
        }
        return pointwise([value, rate]) { a, d in
            let k = a[0], lambda = a[1]
            guard isCount(k) else { return -.infinity }
            d[1] = k / lambda - 1
            return Poisson.logMass(k, rate: lambda)
        }
    }

    // MARK: - Sampling

    /// GSL `gsl_ran_poisson(λ)`, through `poissonDraw` above λ = 10⁹ (GSL's counts are 32-bit).
    public func sample(using random: inout RandomSource) -> Tensor {
        sampleElementwise([rate], using: &random) { r, a in poissonDraw(&r, a[0]) }
    }
}

// MARK: - Double

extension Poisson: ScalarBatch {
    /// [λ], or [ln λ] when built from the log-rate.
    public var kernelParameters: [Tensor] { [logRate ?? rate] }

    /// λ = e^η in Double when built from the log-rate.
    public func kernel(_ θ: UnsafePointer<Double>) -> Scalar { Scalar(rate: logRate == nil ? θ[0] : Foundation.exp(θ[0])) }

    /// Poisson(λ) with λ in Double.
    public struct Scalar: ScalarDistribution {
        /// λ ≥ 0.
        public let rate: Double

        /// Poisson(rate); the caller checks rate ≥ 0.
        public init(rate: Double) { self.rate = rate }

        /// k ln λ − λ − ln k! (`Poisson.logMass`), −∞ unless k is a count.
        public func logProb(_ x: Double) -> Double { Poisson.logMass(x, rate: rate) }
        /// Q(⌊x⌋ + 1, λ).
        public func cdf(_ x: Double) -> Double { Poisson.cdf(x, rate: rate) }
        /// The smallest k with P(X ≤ k) ≥ p.
        public func quantile(_ p: Double) -> Double { Poisson.quantile(p, rate: rate) }
        /// λ.
        public var mean: Double { rate }
        /// λ.
        public var variance: Double { rate }
        /// `Poisson.entropy(rate:)`.
        public var entropy: Double { Poisson.entropy(rate: rate) }
        /// `poissonDraw` (GSL below λ = 10⁹).
        public func sample(using random: inout RandomSource) -> Double { poissonDraw(&random, rate) }
    }
}

// MARK: - Declaration

extension Family {
    /// poisson: the rate through exp (a head gives `Poisson(logRate:)` its raw output).
    public static let poisson = Family(
        name: "poisson", support: .counts,
        parameters: [Parameter("rate", .nonNegative, link: .exp, summary: "the rate λ")],
        build: { p in p["rate"].fromLogarithm(Poisson.init(logRate:), else: Poisson.init(rate:)) },
        scalar: { p in Poisson.Scalar(rate: p.number("rate")) })
}
