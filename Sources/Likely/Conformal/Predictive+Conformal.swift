import Foundation

/// A conformal prediction region per input.
public enum ConformalRegion {
    /// Regression and counts: [lower, upper] per input (±∞ when the threshold is +∞).
    case intervals(lower: [Float], upper: [Float])
    /// Classification: the class indices in each set, most probable first.
    case sets([[Int]])
}

extension Predictive {
    /// The conformity score of each observation under `method` (see `ConformalMethod`).
    /// - Parameter targets: `[N]` observations in original units, or class indices.
    public func conformityScores(targets: Tensor, method: ConformalMethod) -> [Double] {
        precondition(targets.count == count, "conformity scores need \(count) targets, got \(targets.count)")
        precondition(method.isForClassification == head.family.support.isClassification,
                     "the \(method.rawValue) score does not apply to a \(head.family.name) head")
        if method == .cqr {
            let upper = cdf(targets).map(Double.init)
            // F(y⁻) = P(Y < y): F(y − 1) on the integers, F(y) for continuous families.
            let below = head.family.support == .counts ? cdf(targets - 1).map(Double.init) : upper
            return zip(upper, below).map { f, fBelow in Swift.min(Swift.max(Swift.max(1 - 2 * f, 2 * fBelow - 1), 0), 1) }
        }
        let labels = targets.scalars.map { Int($0) }
        return withClassRows { i, p, ranked in
            let y = labels[i]
            switch method {
            case .lac: return Swift.max(1 - Double(p[y]), 0)
            case .aps, .raps:
                var mass = 0.0, rank = 0
                for k in ranked {
                    mass += Double(p[k]); rank += 1
                    if k == y { break }
                }
                return method == .aps ? mass : mass + Self.rapsPenalty(rank: rank)
            case .cqr: preconditionFailure("unreachable")
            }
        }
    }

    /// The region of each input at threshold q̂ (`ConformalCalibration.threshold(level:)`):
    /// the central predictive interval of level q̂ (`cqr`), or the classes whose score is ≤ q̂.
    public func conformalRegion(threshold q: Double, method: ConformalMethod) -> ConformalRegion {
        precondition(method.isForClassification == head.family.support.isClassification,
                     "the \(method.rawValue) score does not apply to a \(head.family.name) head")
        if method == .cqr {
            guard q < 1 else {
                return .intervals(lower: [Float](repeating: -.infinity, count: count), upper: [Float](repeating: .infinity, count: count))
            }
            let level = Swift.max(q, 0)
            return .intervals(lower: quantile((1 - level) / 2), upper: quantile((1 + level) / 2))
        }
        var sets: [[Int]] = []
        _ = withClassRows { _, p, ranked in
            var set: [Int] = [], mass = 0.0, rank = 0
            for k in ranked {
                mass += Double(p[k]); rank += 1
                let score: Double
                switch method {
                case .lac: score = 1 - Double(p[k])
                case .aps: score = mass
                default: score = mass + Self.rapsPenalty(rank: rank)
                }
                // Scores grow along the ranking, so the set is a top-ranked prefix.
                guard score <= q else { break }
                set.append(k)
            }
            sets.append(set)
            return 0
        }
        return .sets(sets)
    }

    /// λ·max(0, rank − k_reg) of RAPS.
    private static func rapsPenalty(rank: Int) -> Double {
        ConformalCalibration.rapsPenalty * Double(Swift.max(0, rank - ConformalCalibration.rapsFreeRanks))
    }

    /// Calls `body(i, p̄ᵢ, classes ranked by p̄ᵢ descending, ties by index)` for every input.
    private func withClassRows(_ body: (Int, [Float], [Int]) -> Double) -> [Double] {
        let p = classification.meanProbabilities
        let k = p.shape[1], values = p.scalars
        return (0..<count).map { i in
            let row = Array(values[(i * k)..<((i + 1) * k)])
            let ranked = (0..<k).sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
            return body(i, row, ranked)
        }
    }
}
