import CGSL
import Foundation
import LikelyTensor

/// The Bernoulli distribution on {0, 1} with P(X = 1) = p = σ(ℓ):
///
///     ln p(x) = x ℓ − softplus(ℓ) = −softplus(−ℓ) for x = 1, −softplus(ℓ) for x = 0.
///
/// Logits ℓ are the primary parameter: the log-mass from logits is finite for any finite ℓ
/// (±1e4 included). Built from probabilities, ln p(x) = x ln p + (1 − x) ln(1 − p) with
/// 0 · ln 0 = 0.
public struct Bernoulli: UnivariateDistribution, EntropyDistribution, ClassDistribution {
    /// How the distribution was given.
    let parameters: ClassParameters

    /// Bernoulli(σ(logits)): the parameterisation of a classifier head.
    public init(logits: Tensor) {
        parameters = .logits(logits)
    }

    /// Bernoulli(probs); every probability must be in [0, 1].
    public init(probs: Tensor) {
        Family.bernoulli.checkDomain(probs, "probs")
        parameters = .probs(probs)
    }

    // MARK: - Parameters

    /// ℓ = ln p − ln(1 − p) (±∞ at p = 1, 0).
    public var logits: Tensor {
        switch parameters {
        case .logits(let l): return l
        case .probs(let p): return log(p) - log1p(-p)
        }
    }

    /// p = σ(ℓ).
    public var probs: Tensor {
        switch parameters {
        case .logits(let l): return sigmoid(l)
        case .probs(let p): return p
        }
    }

    /// `true`: the support is the integers.
    public static var isDiscrete: Bool { true }

    /// K = 2: the classes 0 and 1.
    public var classCount: Int { 2 }

    /// [1 − p, p] per distribution, of shape `batchShape + [2]`.
    public var classProbabilities: Tensor {
        let shape = batchShape + [1]
        return Tensor.concatenate([complement.reshaped(to: shape), probs.reshaped(to: shape)], alongAxis: batchShape.count)
    }

    // MARK: - Statistics

    /// 1 − p = σ(−ℓ), exact from logits (1 − σ(ℓ) rounds to 0 in Float from ℓ ≈ 17 on).
    var complement: Tensor {
        switch parameters {
        case .logits(let l): return sigmoid(-l)
        case .probs(let p): return 1 - p
        }
    }

    /// p.
    public var mean: Tensor { probs }
    /// p(1 − p), with 1 − p = σ(−ℓ) from logits.
    public var variance: Tensor { probs * complement }
    /// −p ln p − (1 − p) ln(1 − p); from logits p·softplus(−ℓ) + (1 − p)·softplus(ℓ).
    public var entropy: Tensor {
        switch parameters {
        case .logits(let l):
            return pointwiseValue([l]) { a in
                let p = sigmoidDouble(a[0])
                return p * softplusDouble(-a[0]) + (1 - p) * softplusDouble(a[0])
            }
        case .probs(let p):
            return pointwiseValue([p]) { a in -xlogy(a[0], a[0]) - xlog1py(1 - a[0], -a[0]) }
        }
    }

    /// 0 below 0, 1 − p on [0, 1) (σ(−ℓ) from logits), 1 from 1 on.
    public func cdf(_ value: Tensor) -> Tensor {
        pointwiseValue([value, withoutGradients { complement }]) { a in a[0] < 0 ? 0 : (a[0] < 1 ? a[1] : 1) }
    }

    /// 0 for q ≤ 1 − p (σ(−ℓ) from logits), else 1.
    public func quantile(_ probability: Tensor) -> Tensor {
        pointwiseValue([probability, withoutGradients { complement }]) { a in
            guard a[0] >= 0 && a[0] <= 1 else { return .nan }
            return a[0] <= a[1] ? 0 : 1
        }
    }

    // MARK: - Log-probability

    /// ln p(x), −∞ unless x ∈ {0, 1}. From logits: ∂/∂ℓ = x − σ(ℓ);
    /// from probs: ∂/∂p = x/p − (1 − x)/(1 − p).
    public func logProb(_ value: Tensor) -> Tensor {
        switch parameters {
        case .logits(let l):
            return pointwise([value, l]) { a, d in
                let x = a[0], logit = a[1]
                guard x == 0 || x == 1 else { return -.infinity }
                d[1] = x - sigmoidDouble(logit)
                return x == 1 ? -softplusDouble(-logit) : -softplusDouble(logit)
            }
        case .probs(let p):
            return pointwise([value, p]) { a, d in
                let x = a[0], prob = a[1]
                guard x == 0 || x == 1 else { return -.infinity }
                d[1] = x == 1 ? 1 / prob : -1 / (1 - prob)
                return x == 1 ? Foundation.log(prob) : Foundation.log1p(-prob)
            }
        }
    }

    // MARK: - Sampling

    /// GSL `gsl_ran_bernoulli(p)`.
    public func sample(using random: inout RandomSource) -> Tensor {
        sampleElementwise([withoutGradients { probs }], using: &random) { r, a in Double(r.bernoulli(probability: a[0])) }
    }
}

// MARK: - Double

extension Bernoulli: ScalarBatch {
    /// [logit p] when built from logits, else [p].
    public var kernelParameters: [Tensor] { [parameters.given] }

    /// From the logit when the distribution was built from it.
    public func kernel(_ θ: UnsafePointer<Double>) -> Scalar {
        if case .logits = parameters { return Scalar(logits: θ[0]) }
        return Scalar(probs: θ[0])
    }

    /// Bernoulli(p) in Double, held as ln p and ln(1 − p) (exact from a logit ℓ:
    /// −softplus(−ℓ) and −softplus(ℓ)).
    public struct Scalar: ScalarDistribution {
        /// ln P(X = 1).
        public let logProbability: Double
        /// ln P(X = 0).
        public let logComplement: Double

        /// Bernoulli(probs); the caller checks 0 ≤ p ≤ 1.
        public init(probs: Double) {
            logProbability = Foundation.log(probs)
            logComplement = Foundation.log1p(-probs)
        }

        /// Bernoulli(σ(logits)), finite for any finite logit.
        public init(logits: Double) {
            logProbability = -softplusDouble(-logits)
            logComplement = -softplusDouble(logits)
        }

        /// P(X = 1).
        var probability: Double { Foundation.exp(logProbability) }
        /// P(X = 0).
        var complement: Double { Foundation.exp(logComplement) }

        /// ln p for x = 1, ln(1 − p) for x = 0, −∞ otherwise.
        public func logProb(_ x: Double) -> Double { x == 1 ? logProbability : (x == 0 ? logComplement : -.infinity) }
        /// 0 below 0, 1 − p on [0, 1), 1 from 1 on.
        public func cdf(_ x: Double) -> Double { x < 0 ? 0 : (x < 1 ? complement : 1) }
        /// 0 for q ≤ 1 − p, else 1.
        public func quantile(_ q: Double) -> Double {
            guard q >= 0 && q <= 1 else { return .nan }
            return q <= complement ? 0 : 1
        }
        /// p.
        public var mean: Double { probability }
        /// p(1 − p).
        public var variance: Double { probability * complement }
        /// −p ln p − (1 − p) ln(1 − p), with 0 · ln 0 = 0.
        public var entropy: Double {
            (probability == 0 ? 0 : -probability * logProbability) + (complement == 0 ? 0 : -complement * logComplement)
        }
        /// GSL `gsl_ran_bernoulli(p)`.
        public func sample(using random: inout RandomSource) -> Double { Double(random.bernoulli(probability: probability)) }
    }
}

// MARK: - Declaration

extension Family {
    /// bernoulli: the probability of class 1 from its logit (a head's raw output).
    public static let bernoulli = Family(
        name: "bernoulli", support: .binary,
        parameters: [
            Parameter("probs", .unitInterval, link: .sigmoid, role: .classScore, logitName: "logits",
                      summary: "the probability of 1"),
        ],
        build: { p in p["probs"].fromLogits(Bernoulli.init(logits:), else: Bernoulli.init(probs:)) },
        scalar: { p in
            let (numbers, form) = p["probs"]
            return form == .logits ? Bernoulli.Scalar(logits: numbers[0]) : Bernoulli.Scalar(probs: numbers[0])
        })
}
