import Foundation
import LikelyTensor

/// The masses of one count distribution as a recursion from k = 0:
///
///     P(X = k) = P(X = k − 1) · (a k + b) / k   for k ≥ 2,
///
/// from ln P(X = 0) and ln P(X = 1). Poisson(λ): a = 0, b = λ; NegativeBinomial(r, p): a = p,
/// b = p (r − 1); the zero-inflated Poisson: a = 0, b = λ, with its own P(0). Summing the masses
/// gives the cdf at every integer for two special-function calls, where a cdf call per integer
/// costs an incomplete gamma or beta function each (what metrics over a count mixture use).
public struct CountMassRecursion: Sendable {
    /// ln P(X = 0).
    public var logMassAtZero: Double
    /// ln P(X = 1) (−∞ when 1 has no mass).
    public var logMassAtOne: Double
    /// a and b of the ratio (a k + b)/k.
    public var slope: Double, intercept: Double
    /// P(X ≤ ⌊x⌋) by the family's own cdf (one special-function call), where a sum would be long.
    public var cdf: @Sendable (Double) -> Double

    /// P(X = k) / P(X = k − 1) = (a k + b)/k for k ≥ 2.
    @inline(__always)
    public func ratio(at k: Double) -> Double { (slope * k + intercept) / k }
}

/// A count distribution whose masses follow a `CountMassRecursion`.
public protocol RecursiveCountMasses {
    /// The recursion of each element of the batch, row-major.
    var massRecursions: [CountMassRecursion] { get }
}

extension Poisson: RecursiveCountMasses {
    /// ln P(0) = −λ, ln P(1) = ln λ − λ; ratio λ/k.
    public var massRecursions: [CountMassRecursion] {
        withoutGradients { rate.scalars }.map { rate in
            let lambda = Double(rate)
            return CountMassRecursion(logMassAtZero: -lambda, logMassAtOne: Foundation.log(lambda) - lambda,
                                      slope: 0, intercept: lambda, cdf: { Poisson.cdf($0, rate: lambda) })
        }
    }
}

extension NegativeBinomial: RecursiveCountMasses {
    /// ln P(0) = r ln(1 − p), ln P(1) = ln P(0) + ln(r p); ratio p (k + r − 1)/k.
    public var massRecursions: [CountMassRecursion] {
        let shape = batchShape
        let r = withoutGradients { totalCount.broadcast(to: shape).scalars }, p = withoutGradients { probs.broadcast(to: shape).scalars }
        return zip(r, p).map { r, p in
            let (r, p) = (Double(r), Double(p)), zero = r * Foundation.log1p(-p)
            return CountMassRecursion(logMassAtZero: zero, logMassAtOne: zero + Foundation.log(r * p), slope: p, intercept: p * (r - 1),
                                      cdf: { NegativeBinomial.cdf($0, r: r, p: p) })
        }
    }
}

extension ZeroInflatedPoisson: RecursiveCountMasses {
    /// ln P(0) = ln(π + (1 − π)e^−λ), ln P(1) = ln(1 − π) + ln λ − λ; ratio λ/k.
    public var massRecursions: [CountMassRecursion] {
        let shape = batchShape
        let rates = withoutGradients { rate.broadcast(to: shape).scalars }, gates = withoutGradients { gate.broadcast(to: shape).scalars }
        return zip(rates, gates).map { rate, gate in
            let (lambda, pi) = (Double(rate), Double(gate))
            return CountMassRecursion(logMassAtZero: ZeroInflatedPoisson.logMass(0, rate: lambda, gate: pi),
                                      logMassAtOne: ZeroInflatedPoisson.logMass(1, rate: lambda, gate: pi),
                                      slope: 0, intercept: lambda, cdf: { ZeroInflatedPoisson.cdf($0, rate: lambda, gate: pi) })
        }
    }
}
