import CGSL
import Foundation
import LikelyTensor

/// The zero-inflated Poisson: a structural zero with probability π (the gate), otherwise a
/// Poisson(λ) count:
///
///     ln p(0) = ln(π + (1 − π) e^−λ),   ln p(k) = ln(1 − π) + k ln λ − λ − ln k!  (k ≥ 1).
///
/// ln p(0) is evaluated as logaddexp(ln π, ln(1 − π) − λ), finite for any legal π and λ.
public struct ZeroInflatedPoisson: UnivariateDistribution, EntropyDistribution {
    /// λ ≥ 0, the rate of the Poisson part.
    public let rate: Tensor
    /// π ∈ [0, 1], the probability of a structural zero.
    public let gate: Tensor

    /// ZIP(rate, gate); rate ≥ 0 and gate in [0, 1].
    public init(rate: Tensor, gate: Tensor) { (self.rate, self.gate) = Family.zeroInflatedPoisson.checked(rate, gate) }

    // MARK: - Parameters

    /// `true`: the support is the integers.
    public static var isDiscrete: Bool { true }

    // MARK: - Statistics

    /// (1 − π) λ.
    public var mean: Tensor { ((1 - gate) * rate).broadcast(to: batchShape) }
    /// (1 − π) λ (1 + π λ).
    public var variance: Tensor { ((1 - gate) * rate * (1 + gate * rate)).broadcast(to: batchShape) }
    /// √((1 − π) λ (1 + πλ)), in Double.
    public var standardDeviation: Tensor { elementwise { $0.standardDeviation } }
    /// −Σₖ p(k) ln p(k) in closed form (`Scalar.entropy`).
    public var entropy: Tensor { elementwise { $0.entropy } }

    static func cdf(_ x: Double, rate: Double, gate: Double) -> Double {
        x < 0 ? 0 : gate + (1 - gate) * Poisson.cdf(x, rate: rate)
    }

    static func logMass(_ k: Double, rate: Double, gate: Double) -> Double {
        guard isCount(k) else { return -.infinity }
        if k == 0 { return logAddExp(Foundation.log(gate), Foundation.log1p(-gate) - rate) }
        return Foundation.log1p(-gate) + Poisson.logMass(k, rate: rate)
    }

    // MARK: - Log-probability

    /// ln p(k), −∞ unless k is a non-negative integer. At k = 0, with A = π + (1 − π)e^−λ:
    /// ∂/∂π = (1 − e^−λ)/A, ∂/∂λ = −(1 − π)e^−λ/A; at k ≥ 1: ∂/∂π = −1/(1 − π), ∂/∂λ = k/λ − 1.
    public func logProb(_ value: Tensor) -> Tensor {
        pointwise([value, rate, gate]) { a, d in
            let k = a[0], lambda = a[1], pi = a[2]
            guard isCount(k) else { return -.infinity }
            let lp = ZeroInflatedPoisson.logMass(k, rate: lambda, gate: pi)
            if k == 0 {
                // Ratios through exp(ln(·) − ln A) keep them finite when A is tiny.
                d[2] = -Foundation.expm1(-lambda) * Foundation.exp(-lp)
                d[1] = -Foundation.exp(Foundation.log1p(-pi) - lambda - lp)
            } else {
                d[2] = -1 / (1 - pi)
                d[1] = k / lambda - 1
            }
            return lp
        }
    }
}

// MARK: - Double

extension ZeroInflatedPoisson: ScalarBatch {
    /// [λ, π].
    public var kernelParameters: [Tensor] { [rate, gate] }

    public func kernel(_ θ: UnsafePointer<Double>) -> Scalar { Scalar(rate: θ[0], gate: θ[1]) }

    /// ZIP(λ, π) with λ and π in Double.
    public struct Scalar: ScalarDistribution {
        /// λ ≥ 0.
        public let rate: Double
        /// π ∈ [0, 1].
        public let gate: Double

        /// ZIP(rate, gate); the caller checks rate ≥ 0 and gate in [0, 1].
        public init(rate: Double, gate: Double) { (self.rate, self.gate) = (rate, gate) }

        /// ln p(k) (`ZeroInflatedPoisson.logMass`), −∞ unless k is a count.
        public func logProb(_ x: Double) -> Double { ZeroInflatedPoisson.logMass(x, rate: rate, gate: gate) }
        /// π + (1 − π) F_Poisson(x) for x ≥ 0, 0 below.
        public func cdf(_ x: Double) -> Double { ZeroInflatedPoisson.cdf(x, rate: rate, gate: gate) }
        /// The smallest k with P(X ≤ k) ≥ q (+∞ at q = 1 unless π = 1 or λ = 0): 0 for
        /// q ≤ π, else searched from the Poisson's Cornish–Fisher guess at (q − π)/(1 − π), in
        /// O(log) cdf calls at any rate.
        public func quantile(_ q: Double) -> Double {
            let lambda = rate, pi = gate
            if q.isNaN || q < 0 || q > 1 { return .nan }
            if (q <= pi && q < 1) || pi == 1 || lambda == 0 { return 0 }   // all the mass at 0 from π = 1 or λ = 0
            let inner = Swift.min(1, Swift.max(0, (q - pi) / (1 - pi)))
            let sd = lambda.squareRoot()
            let start = cornishFisherStart(inner, mean: lambda, standardDeviation: sd, skewness: sd > 0 ? 1 / sd : 0)
            return discreteQuantile(q, start: start) { k in ZeroInflatedPoisson.cdf(k, rate: lambda, gate: pi) }
        }
        /// (1 − π) λ.
        public var mean: Double { (1 - gate) * rate }
        /// (1 − π) λ (1 + π λ).
        public var variance: Double { (1 - gate) * rate * (1 + gate * rate) }
        /// √((1 − π) λ) · √(1 + πλ), formed apart (the product overflows first).
        public var standardDeviation: Double { ((1 - gate) * rate).squareRoot() * (1 + gate * rate).squareRoot() }
        /// −Σₖ p(k) ln p(k) in closed form from the Poisson entropy H_λ (exact at any rate): with
        /// A = p(0) = π + (1 − π)e^−λ, H = −A ln A − (1 − π) ln(1 − π) (1 − e^−λ) + (1 − π)(H_λ − λe^−λ);
        /// 0 at π = 1 (all the mass at 0).
        public var entropy: Double {
            guard gate < 1 else { return 0 }
            let logZero = ZeroInflatedPoisson.logMass(0, rate: rate, gate: gate)
            let zero = -Foundation.exp(logZero) * logZero
            return zero - xlog1py(1 - gate, -gate) * -Foundation.expm1(-rate)
                + (1 - gate) * (Poisson.entropy(rate: rate) - rate * Foundation.exp(-rate))
        }
        /// 0 with probability π (GSL `gsl_ran_bernoulli`), otherwise a Poisson(λ) draw
        /// (`poissonDraw`: GSL `gsl_ran_poisson`, valid at any rate).
        public func sample(using random: inout RandomSource) -> Double {
            random.bernoulli(probability: gate) == 1 ? 0 : poissonDraw(&random, rate)
        }
    }
}

// MARK: - Declaration

extension Family {
    /// zip: rate (exp), gate = P(structural zero) (sigmoid).
    public static let zeroInflatedPoisson = Family(
        name: "zip", support: .counts,
        parameters: [
            Parameter("rate", .nonNegative, link: .exp, summary: "the Poisson rate λ"),
            Parameter("gate", .unitInterval, link: .sigmoid, summary: "the probability of a structural zero"),
        ],
        build: { p in ZeroInflatedPoisson(rate: p["rate"].value, gate: p["gate"].value) },
        scalar: { p in ZeroInflatedPoisson.Scalar(rate: p.number("rate"), gate: p.number("gate")) })
}
