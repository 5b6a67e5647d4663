import Foundation

/// A conformal prediction region per input.
public enum ConformalRegion {
    /// Regression and counts: [lower, upper] per input, every y with score(y) ≤ q̂ (±∞ when
    /// the threshold admits everything; for counts, the whole numbers between the bounds).
    /// A `cqr` region may be empty, with lower > upper.
    case intervals(lower: [Float], upper: [Float])
    /// Classification: the class indices in each set, most probable first.
    case sets([[Int]])
}

extension Predictive {
    /// The conformity score of each observation (see `ConformalMethod`).
    /// - Parameters:
    ///   - targets: `[N]` observations in original units, or class indices.
    ///   - seed: keys the uniform of `aps` and `raps` for input i: (seed, `.conformalRandomisation`, 0, i).
    public func conformityScores(targets: Tensor, score: ConformalScore, seed: UInt64 = 0) -> [Double] {
        precondition(targets.count == count, "conformity scores need \(count) targets, got \(targets.count)")
        checkApplies(score.method)
        switch score.method {
        case .dcp: return distributionalScores(at: targets.scalars)
        case .cqr: return quantileRegressionScores(at: targets.scalars, level: score.level ?? 0.5)
        case .lac, .aps, .raps:
            let labels = targets.scalars.map { Int($0) }
            let u = conformalUniforms(seed: seed)
            return withClassRows { i, p, ranked in
                let y = labels[i]
                if score.method == .lac { return Swift.max(1 - Double(p[y]), 0) }
                var above = 0.0
                for (position, k) in ranked.enumerated() {
                    if k == y { return Self.adaptiveScore(above: above, probability: Double(p[k]), rank: position + 1, u: u[i], score: score) }
                    above += Double(p[k])
                }
                preconditionFailure("class \(y) is not among the \(ranked.count) classes")
            }
        }
    }

    /// The conformity score of a single method that needs no settings (`dcp`, `lac`, `aps`).
    public func conformityScores(targets: Tensor, method: ConformalMethod, seed: UInt64 = 0) -> [Double] {
        conformityScores(targets: targets, score: ConformalScore(method), seed: seed)
    }

    /// The region {y : score(y) ≤ q̂} of each input at threshold q̂
    /// (`ConformalCalibration.threshold(level:)`): an interval for regression and counts, a
    /// top-ranked prefix of the classes for classification.
    /// - Parameter seed: keys the uniforms of `aps` and `raps`, as in `conformityScores`.
    public func conformalRegion(threshold q: Double, score: ConformalScore, seed: UInt64 = 0) -> ConformalRegion {
        checkApplies(score.method)
        switch score.method {
        case .dcp:
            // Every y scores ≤ 1, so q̂ ≥ 1 admits everything.
            guard q < 1 else { return everything }
            let level = Swift.max(q, 0)
            let lower = quantile((1 - level) / 2).map(Float.init), upper = quantile((1 + level) / 2).map(Float.init)
            return conformalInterval(lower: lower, upper: upper, centre: quantile(0.5).map(Float.init)) {
                distributionalScores(at: $0).map { $0 <= q }
            }
        case .cqr:
            guard q.isFinite else { return everything }
            let level = score.level ?? 0.5
            let (low, high) = interval(level: level)
            let counts = head.family.support == .counts
            func bound(_ x: Double, _ shift: Double) -> Float {
                let y = x + shift
                return Float(counts ? (shift < 0 ? y.rounded(.up) : y.rounded(.down)) : y)
            }
            let centre = zip(low, high).map { bound($0, ($1 - $0) / 2) }
            return conformalInterval(lower: low.map { bound($0, -q) }, upper: high.map { bound($0, q) }, centre: centre) {
                quantileRegressionScores(at: $0, low: low, high: high).map { $0 <= q }
            }
        case .lac, .aps, .raps:
            let u = conformalUniforms(seed: seed)
            var sets: [[Int]] = []
            _ = withClassRows { i, p, ranked in
                var set: [Int] = [], above = 0.0
                for (position, k) in ranked.enumerated() {
                    let s = score.method == .lac
                        ? 1 - Double(p[k])
                        : Self.adaptiveScore(above: above, probability: Double(p[k]), rank: position + 1, u: u[i], score: score)
                    // Scores grow along the ranking, so the set is a top-ranked prefix.
                    guard s <= q else { break }
                    set.append(k)
                    above += Double(p[k])
                }
                sets.append(set)
                return 0
            }
            return .sets(sets)
        }
    }

    /// The region of a method that needs no settings (`dcp`, `lac`, `aps`).
    public func conformalRegion(threshold q: Double, method: ConformalMethod, seed: UInt64 = 0) -> ConformalRegion {
        conformalRegion(threshold: q, score: ConformalScore(method), seed: seed)
    }

    private func checkApplies(_ method: ConformalMethod) {
        precondition(method.isForClassification == head.family.support.isClassification,
                     "the \(method.rawValue) score does not apply to a \(head.family.name) head")
    }

    /// (−∞, ∞) for every input.
    private var everything: ConformalRegion {
        .intervals(lower: [Float](repeating: -.infinity, count: count), upper: [Float](repeating: .infinity, count: count))
    }

    /// `dcp`: s = max(1 − 2F(y), 2F(y⁻) − 1) clamped to [0, 1], with F(y⁻) = F(y − 1) on the
    /// integers and F(y) for continuous families.
    private func distributionalScores(at y: [Float]) -> [Double] {
        let points = Tensor(y)
        let upper = cdf(points)
        let below = head.family.support == .counts ? cdf(points - 1) : upper
        return zip(upper, below).map { f, fBelow in Swift.min(Swift.max(Swift.max(1 - 2 * f, 2 * fBelow - 1), 0), 1) }
    }

    /// `cqr` at level L: s = max(q_lo − y, y − q_hi) with q_lo, q_hi the predictive's
    /// (1 ∓ L)/2 quantiles.
    private func quantileRegressionScores(at y: [Float], level: Double) -> [Double] {
        let (low, high) = interval(level: level)
        return quantileRegressionScores(at: y, low: low, high: high)
    }

    private func quantileRegressionScores(at y: [Float], low: [Double], high: [Double]) -> [Double] {
        (0..<y.count).map { Swift.max(low[$0] - Double(y[$0]), Double(y[$0]) - high[$0]) }
    }

    /// The APS score (mass ranked above) + u·p̄_y, plus RAPS's λ·max(0, rank − k_reg).
    private static func adaptiveScore(above: Double, probability: Double, rank: Int, u: Double, score: ConformalScore) -> Double {
        let aps = above + u * probability
        return score.method == .raps ? aps + score.penalty * Double(Swift.max(0, rank - score.freeRanks)) : aps
    }

    /// u ~ U(0, 1) of input i: the first draw of the stream (seed, `.conformalRandomisation`, 0, i).
    private func conformalUniforms(seed: UInt64) -> [Double] {
        let key = StreamKey(seed: seed, purpose: .conformalRandomisation)
        return (0..<count).map { i in
            var random = RandomSource(key: key.forExample(i))
            return random.uniform()
        }
    }

    /// Calls `body(i, p̄ᵢ, classes ranked by p̄ᵢ descending, ties by index)` for every input.
    func withClassRows(_ body: (Int, [Float], [Int]) -> Double) -> [Double] {
        let p = classification.meanProbabilities
        let k = p.shape[1], values = p.scalars
        return (0..<count).map { i in
            let row = Array(values[(i * k)..<((i + 1) * k)])
            let ranked = (0..<k).sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
            return body(i, row, ranked)
        }
    }
}
