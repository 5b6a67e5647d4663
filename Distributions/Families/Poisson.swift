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
        checkDomain(rate, "Poisson rate", "≥ 0", { $0 >= 0 })
        self.rate = rate
        self.logRate = nil
    }

    /// Poisson(exp(logRate)).
    public init(logRate: Tensor) {
        self.logRate = logRate
        self.rate = exp(logRate)
    }

    // MARK: - Parameters

    public var batchShape: [Int] { rate.shape }

    public static var isDiscrete: Bool { true }

    // MARK: - Statistics

    /// λ.
    public var mean: Tensor { rate }
    /// λ.
    public var variance: Tensor { rate }
    /// −Σₖ p(k) ln p(k), summed until the tail mass is below 1e-15.
    public var entropy: Tensor {
        pointwiseValue([rate]) { a in
            let lambda = a[0]
            return discreteEntropy(mean: lambda) { k in Poisson.logMass(k, rate: lambda) }
        }
    }

    /// P(X ≤ ⌊x⌋) (GSL `gsl_cdf_poisson_P`), 0 below 0.
    public func cdf(_ value: Tensor) -> Tensor {
        pointwiseValue([value, rate]) { a in Poisson.cdf(a[0], rate: a[1]) }
    }

    /// The smallest k with P(X ≤ k) ≥ p (+∞ at p = 1).
    public func quantile(_ probability: Tensor) -> Tensor {
        pointwiseValue([probability, rate]) { a in
            let lambda = a[1]
            return discreteQuantile(a[0], start: lambda) { k in Poisson.cdf(k, rate: lambda) }
        }
    }

    static func cdf(_ x: Double, rate: Double) -> Double {
        if x < 0 { return 0 }
        if rate == 0 { return 1 }
        let k = x.rounded(.down)
        if k >= Double(UInt32.max) { return 1 }
        return gsl_cdf_poisson_P(UInt32(k), rate)
    }

    static func logMass(_ k: Double, rate: Double) -> Double {
        guard isCount(k) else { return -.infinity }
        return xlogy(k, rate) - rate - gsl_sf_lngamma(k + 1)
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
                return k * eta - lambda - gsl_sf_lngamma(k + 1)
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

    /// GSL `gsl_ran_poisson(λ)`.
    public func sample(using random: inout RandomSource) -> Tensor {
        sampleElementwise([rate], using: &random) { g, a in Double(gsl_ran_poisson(g, a[0])) }
    }
}

// MARK: - Declaration

extension Family {
    /// poisson: the rate through exp (a head gives `Poisson(logRate:)` its raw output).
    public static let poisson = Family(
        name: "poisson", support: .counts,
        parameters: [Parameter("rate", .nonNegative, link: .exp, summary: "the rate λ")],
        build: { p in
            if let logRate = p["rate"].logarithm { return Poisson(logRate: logRate) }
            return Poisson(rate: p["rate"].value)
        })
}
