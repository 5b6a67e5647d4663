import Foundation
import LikelyTensor

/// The categorical distribution over classes 0, 1, …, K−1, one per row of `[…, K]`
/// logits ℓ:
///
///     ln p(x = k) = ℓₖ − ln Σⱼ e^ℓⱼ   (the log-softmax, computed with the maximum shifted out).
///
/// A value is a class index stored as a Float; anything that is not an integer in 0..<K has
/// log-mass −∞. Built from probabilities p (rows need not be normalised), ln p(k) = ln pₖ − ln Σⱼ pⱼ,
/// −∞ for a class of probability 0.
public struct Categorical: UnivariateDistribution, EntropyDistribution {
    enum Parameters {
        case logits(Tensor)
        case probs(Tensor)
    }
    let parameters: Parameters

    /// Categorical(softmax(logits)) with logits of shape `batchShape + [K]`, K ≥ 1.
    public init(logits: Tensor) {
        precondition(logits.rank >= 1 && logits.shape.last! >= 1, "Categorical logits need shape [..., K] with K ≥ 1, got \(logits.shape)")
        parameters = .logits(logits)
    }

    /// Categorical(probs) with non-negative weights of shape `batchShape + [K]`, each row with a
    /// positive sum (normalised here).
    public init(probs: Tensor) {
        precondition(probs.rank >= 1 && probs.shape.last! >= 1, "Categorical probs need shape [..., K] with K ≥ 1, got \(probs.shape)")
        checkDomain(probs, "Categorical probs", "≥ 0", { $0 >= 0 })
        parameters = .probs(probs)
    }

    // MARK: - Parameters

    var raw: Tensor {
        switch parameters {
        case .logits(let t), .probs(let t): return t
        }
    }

    /// Class indices are ordered integers: `cdf` and `quantile` treat them so.
    public static var isDiscrete: Bool { true }

    /// K, the number of classes.
    public var classCount: Int { raw.shape.last! }

    public var batchShape: [Int] { Array(raw.shape.dropLast()) }

    /// ln pₖ, normalised, of shape `batchShape + [K]`.
    public var logProbabilities: Tensor {
        switch parameters {
        case .logits(let l): return l.logSoftmax(alongAxis: -1)
        case .probs(let p): return log(p) - log(p.sum(alongAxis: -1, keepingDimensions: true))
        }
    }

    /// pₖ, normalised, of shape `batchShape + [K]`.
    public var probs: Tensor {
        switch parameters {
        case .logits(let l): return l.softmax(alongAxis: -1)
        case .probs(let p): return p / p.sum(alongAxis: -1, keepingDimensions: true)
        }
    }

    // MARK: - Statistics

    /// Σₖ k pₖ, the expected class index.
    public var mean: Tensor { (probs * Tensor.range(to: Float(classCount))).sum(alongAxis: -1) }
    /// Σₖ pₖ (k − μ)², the variance of the class index (centred: E[k²] − μ² cancels in Float
    /// and can go negative).
    public var variance: Tensor {
        let k = Tensor.range(to: Float(classCount))
        return (probs * square(k - mean.expandingShape(at: -1))).sum(alongAxis: -1)
    }
    /// −Σₖ pₖ ln pₖ with 0 · ln 0 = 0 (finite for logits of ±1e4).
    public var entropy: Tensor {
        withoutGradients {
            let p = probs, logP = logProbabilities
            let terms = Tensor(shape: p.shape, scalars: zip(p.scalars, logP.scalars).map { $0 == 0 ? 0 : -$0 * $1 })
            return terms.sum(alongAxis: -1)
        }
    }

    /// P(X ≤ x) = Σ_{k ≤ ⌊x⌋} pₖ for class indices read as ordered integers (0 below 0, 1 from K − 1).
    public func cdf(_ value: Tensor) -> Tensor {
        let cumulative = withoutGradients { probs }
        let k = classCount
        let shape = broadcastShape(batchShape, value.shape)
        let p = cumulative.broadcast(to: shape + [k]).scalars
        let x = value.broadcast(to: shape).scalars
        var out = [Float](repeating: 0, count: x.count)
        for i in 0..<x.count {
            guard x[i] >= 0 else { continue }
            let top = Swift.min(k - 1, Int(Swift.min(x[i], Float(k)).rounded(.down)))
            var total = 0.0
            for j in 0...top { total += Double(p[i * k + j]) }
            out[i] = Float(Swift.min(total, 1))
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// The smallest class index k with Σ_{j ≤ k} pⱼ ≥ q (NaN for q outside [0, 1]).
    public func quantile(_ probability: Tensor) -> Tensor {
        let cumulative = withoutGradients { probs }
        let k = classCount
        let shape = broadcastShape(batchShape, probability.shape)
        let p = cumulative.broadcast(to: shape + [k]).scalars
        let q = probability.broadcast(to: shape).scalars
        var out = [Float](repeating: 0, count: q.count)
        for i in 0..<q.count {
            guard q[i] >= 0 && q[i] <= 1 else { out[i] = .nan; continue }
            var total = 0.0, chosen = k - 1
            for j in 0..<k {
                total += Double(p[i * k + j])
                if total >= Double(q[i]) && p[i * k + j] > 0 { chosen = j; break }
            }
            out[i] = Float(chosen)
        }
        return Tensor(shape: shape, scalars: out)
    }

    // MARK: - Log-probability

    /// ln p(x) for class indices x (broadcast against `batchShape`), differentiable in the
    /// logits (∂/∂ℓⱼ = [j = x] − pⱼ) or the probabilities (∂/∂pⱼ = [j = x]/pₓ − 1/Σp).
    public func logProb(_ value: Tensor) -> Tensor {
        let k = classCount
        let shape = broadcastShape(batchShape, value.shape)
        let table = logProbabilities.broadcast(to: shape + [k])
        let indices = withoutGradients { value.broadcast(to: shape) }.scalars
        let n = indices.count
        let valid = indices.map { x in x >= 0 && x < Float(k) && x == x.rounded(.down) }
        // Pick ln p at each row's class; −∞ (and no gradient) for an invalid index.
        let rows = table.reshaped(to: [n, k])
        let picked = rows.pick(columns: zip(indices, valid).map { $1 ? Int($0) : 0 })
        let mask = Tensor(shape: [n], scalars: valid.map { $0 ? 1 : 0 })
        return select(where: mask, picked, else: Tensor(-Float.infinity)).reshaped(to: shape)
    }

    // MARK: - Sampling

    /// One class index per row, by inverting the row's cdf at a GSL uniform draw.
    public func sample(using random: inout RandomSource) -> Tensor {
        let p = withoutGradients { probs }
        let k = classCount, n = p.count / k
        var out = [Float](repeating: 0, count: n)
        for r in 0..<n {
            let u = random.uniform()
            var cumulative = 0.0, chosen = k - 1
            for j in 0..<k {
                cumulative += Double(p.scalars[r * k + j])
                if u < cumulative && p.scalars[r * k + j] > 0 { chosen = j; break }
            }
            while chosen > 0 && p.scalars[r * k + chosen] == 0 { chosen -= 1 }
            out[r] = Float(chosen)
        }
        return Tensor(shape: batchShape, scalars: out)
    }
}

// MARK: - Declaration

extension Family {
    /// categorical: K class probabilities from K logits (a head's raw outputs).
    public static let categorical = Family(
        name: "categorical", support: .classes,
        parameters: [
            Parameter("probs", .simplex, link: .softmax, width: .perClass, role: .classScore, logitName: "logits",
                      summary: "the class probabilities P1,P2,..."),
        ],
        build: { p in
            if let logits = p["probs"].logits { return Categorical(logits: logits) }
            return Categorical(probs: p["probs"].value)
        })
}
