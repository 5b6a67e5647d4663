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
public struct Categorical: UnivariateDistribution, EntropyDistribution, ClassDistribution {
    /// How the distribution was given.
    let parameters: ClassParameters

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

    /// Class indices are ordered integers: `cdf` and `quantile` treat them so.
    public static var isDiscrete: Bool { true }

    /// K, the number of classes.
    public var classCount: Int { parameters.given.shape.last! }

    /// The broadcast shape of the parameters: one distribution per element.
    public var batchShape: [Int] { Array(parameters.given.shape.dropLast()) }

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

    /// `probs`: pₖ of shape `batchShape + [K]`.
    public var classProbabilities: Tensor { probs }

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
        perElement(value) { p, x in
            guard x >= 0 else { return 0 }
            let top = Swift.min(p.count - 1, Int(Swift.min(x, Float(p.count)).rounded(.down)))
            var total = 0.0
            for j in 0...top { total += Double(p[j]) }
            return Float(Swift.min(total, 1))
        }
    }

    /// The smallest class index k with Σ_{j ≤ k} pⱼ ≥ q (NaN for q outside [0, 1]).
    public func quantile(_ probability: Tensor) -> Tensor {
        perElement(probability) { p, q in
            q >= 0 && q <= 1 ? Float(Self.firstClass(reaching: Double(q), p)) : .nan
        }
    }

    /// `body(p, x)` for each element of the batch broadcast against `value`: p the element's K
    /// class probabilities, x its value.
    private func perElement(_ value: Tensor, _ body: (UnsafeBufferPointer<Float>, Float) -> Float) -> Tensor {
        let k = classCount
        let shape = broadcastShape(batchShape, value.shape)
        let p = withoutGradients { probs }.broadcast(to: shape + [k]).scalars
        let x = value.broadcast(to: shape).scalars
        let out = p.withUnsafeBufferPointer { all in
            x.indices.map { i in body(UnsafeBufferPointer(rebasing: all[(i * k)..<((i + 1) * k)]), x[i]) }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// The smallest class j with pⱼ > 0 and Σ_{i ≤ j} pᵢ ≥ u; the last class with pⱼ > 0 when
    /// rounding leaves the total short of u.
    static func firstClass(reaching u: Double, _ p: UnsafeBufferPointer<Float>) -> Int {
        var total = 0.0
        for j in p.indices {
            total += Double(p[j])
            if total >= u && p[j] > 0 { return j }
        }
        return p.lastIndex { $0 > 0 } ?? p.count - 1
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
        p.scalars.withUnsafeBufferPointer { all in
            for r in 0..<n {
                let u = random.uniform()
                out[r] = Float(Self.firstClass(reaching: u, UnsafeBufferPointer(rebasing: all[(r * k)..<((r + 1) * k)])))
            }
        }
        return Tensor(shape: batchShape, scalars: out)
    }
}

// MARK: - Double

extension Categorical: ScalarElements {
    /// Categorical(p₀, …, p_{K−1}) in Double, held as normalised ln pₖ (a log-softmax of the
    /// logits, the maximum shifted out, or ln pₖ − ln Σⱼ pⱼ).
    public struct Scalar: ScalarDistribution {
        /// ln pₖ, normalised.
        public let logProbabilities: [Double]

        /// From K ≥ 1 non-negative weights with a positive sum (normalised here).
        public init(probs: [Double]) {
            let logTotal = Foundation.log(probs.reduce(0, +))
            logProbabilities = probs.map { Foundation.log($0) - logTotal }
        }

        /// From K ≥ 1 finite logits.
        public init(logits: [Double]) {
            let top = logits.max() ?? 0
            let logTotal = top + Foundation.log(logits.reduce(0) { $0 + Foundation.exp($1 - top) })
            logProbabilities = logits.map { $0 - logTotal }
        }

        /// pₖ.
        var probabilities: [Double] { logProbabilities.map { Foundation.exp($0) } }

        /// ln pₖ at a class index k, −∞ at anything else.
        public func logProb(_ x: Double) -> Double {
            guard x >= 0 && x < Double(logProbabilities.count) && x == x.rounded(.down) else { return -.infinity }
            return logProbabilities[Int(x)]
        }
        /// Σ_{k ≤ ⌊x⌋} pₖ (0 below 0, 1 from K − 1).
        public func cdf(_ x: Double) -> Double {
            guard x >= 0 else { return 0 }
            let top = Int(Swift.min(x, Double(logProbabilities.count - 1)).rounded(.down))
            return Swift.min(probabilities[0...top].reduce(0, +), 1)
        }
        /// The smallest class k with pₖ > 0 and Σ_{j ≤ k} pⱼ ≥ q.
        public func quantile(_ q: Double) -> Double {
            guard q >= 0 && q <= 1 else { return .nan }
            return Double(Self.firstClass(reaching: q, probabilities))
        }
        /// Σₖ k pₖ.
        public var mean: Double { probabilities.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element } }
        /// Σₖ pₖ (k − μ)².
        public var variance: Double {
            let mu = mean
            return probabilities.enumerated().reduce(0) { $0 + $1.element * (Double($1.offset) - mu) * (Double($1.offset) - mu) }
        }
        /// −Σₖ pₖ ln pₖ with 0 · ln 0 = 0.
        public var entropy: Double { logProbabilities.reduce(0) { $1 == -.infinity ? $0 : $0 - Foundation.exp($1) * $1 } }
        /// The first class whose cumulative probability reaches a GSL uniform draw.
        public func sample(using random: inout RandomSource) -> Double {
            Double(Self.firstClass(reaching: random.uniform(), probabilities))
        }

        /// The smallest class j with pⱼ > 0 and Σ_{i ≤ j} pᵢ ≥ u; the last class with pⱼ > 0
        /// when rounding leaves the total short of u.
        static func firstClass(reaching u: Double, _ p: [Double]) -> Int {
            var total = 0.0
            for j in p.indices {
                total += p[j]
                if total >= u && p[j] > 0 { return j }
            }
            return p.lastIndex { $0 > 0 } ?? p.count - 1
        }
    }

    /// Each row in Double, from the logits when the distribution was built from them.
    public func scalars(broadcastTo shape: [Int]) -> [any ScalarDistribution] {
        let k = classCount
        let table = withoutGradients { parameters.given.broadcast(to: shape + [k]).scalars }
        return (0..<elementCount(shape)).map { i in
            let row = table[(i * k)..<((i + 1) * k)].map { Double($0) }
            switch parameters {
            case .logits: return Scalar(logits: row)
            case .probs: return Scalar(probs: row)
            }
        }
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
        build: { p in p["probs"].fromLogits(Categorical.init(logits:), else: Categorical.init(probs:)) },
        scalar: { p in
            let (numbers, form) = p["probs"]
            return form == .logits ? Categorical.Scalar(logits: numbers) : Categorical.Scalar(probs: numbers)
        })
}
