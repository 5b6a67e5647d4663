import Foundation

/// The conformity score of split conformal prediction: how badly an observation fits its
/// predictive. Smaller is better; the region at level L holds every value whose score is at
/// most the calibration threshold q̂(L).
public enum ConformalMethod: String, Codable, CaseIterable, Sendable {
    /// Regression and counts, CQR on the predictive's own quantile levels: the score of y is
    /// the smallest level of a central predictive interval that holds it,
    /// s = max(1 − 2F(y), 2F(y⁻) − 1) with F(y⁻) = P(Y < y) (= |2F(y) − 1| for continuous
    /// families). The region is the predictive's central interval of level q̂, so it keeps the
    /// predictive's own heteroscedastic shape, only wider or narrower.
    case cqr
    /// Classification, least ambiguous set-valued classifier (Sadinle, Lei & Wasserman 2019):
    /// s = 1 − p̄_y; the region {k : p̄ₖ ≥ 1 − q̂} is the smallest on average.
    case lac
    /// Classification, adaptive prediction sets (Romano, Sesia & Candès 2020), non-randomized:
    /// s = the probability mass of the classes ranked at or above y (p̄ descending, ties by
    /// class index); the region is the top-ranked classes whose cumulative mass is ≤ q̂.
    case aps
    /// Classification, regularized APS (Angelopoulos et al. 2021): the APS score plus
    /// λ·max(0, rank(y) − k_reg) (rank 1 is the most probable class), which penalises large
    /// sets; λ = `ConformalCalibration.rapsPenalty`, k_reg = `ConformalCalibration.rapsFreeRanks`.
    case raps

    /// Whether the score applies to classification heads (the others to regression and counts).
    public var isForClassification: Bool { self != .cqr }
}

/// The stored outcome of conformalizing a model on a calibration set: the n conformity
/// scores, sorted, and how the predictive that produced them was computed.
///
/// For exchangeable calibration and test data, the region at level L built from the
/// threshold q̂ = the ⌈(n + 1)L⌉-th smallest score holds the test observation with
/// probability at least L (and below L + 1/(n + 1) when scores do not tie); when
/// ⌈(n + 1)L⌉ > n, q̂ = +∞ and the region is everything.
public struct ConformalCalibration: Codable, Equatable, Sendable {
    /// The conformity score.
    public var method: ConformalMethod
    /// The calibration scores, ascending.
    public private(set) var scores: [Double]
    /// T of the predictive the scores came from (0: deterministic); the regions are valid for
    /// that predictive only.
    public var mcSamples: Int
    /// The seed of its dropout streams.
    public var seed: UInt64

    /// λ of RAPS.
    public static let rapsPenalty = 0.01
    /// k_reg of RAPS: ranks that carry no penalty.
    public static let rapsFreeRanks = 1

    /// - Parameters:
    ///   - scores: n ≥ 1 finite, non-negative conformity scores (any order).
    public init(method: ConformalMethod, scores: [Double], mcSamples: Int, seed: UInt64) {
        precondition(!scores.isEmpty, "conformal calibration needs at least one score")
        precondition(scores.allSatisfy { $0.isFinite && $0 >= 0 }, "conformity scores must be finite and ≥ 0")
        self.method = method
        self.scores = scores.sorted()
        self.mcSamples = mcSamples
        self.seed = seed
    }

    /// n, the calibration set's size.
    public var count: Int { scores.count }

    /// q̂(L): the ⌈(n + 1)L⌉-th smallest score, or +∞ when ⌈(n + 1)L⌉ > n.
    /// - Precondition: 0 < level < 1.
    public func threshold(level: Double) -> Double {
        precondition(level > 0 && level < 1, "conformal level must be in (0, 1), got \(level)")
        // The small slack keeps (n + 1)L that is an integer in exact arithmetic from rounding up.
        let rank = Int(((Double(count) + 1) * level - 1e-9).rounded(.up))
        return rank > count ? .infinity : scores[Swift.max(rank, 1) - 1]
    }

    enum CodingKeys: String, CodingKey { case method, scores, mcSamples, seed }

    /// Decodes and validates: at least one score, every score finite and ≥ 0, T ≥ 0.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let scores = try c.decode([Double].self, forKey: .scores)
        guard !scores.isEmpty, scores.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .scores, in: c, debugDescription: "expected at least one finite score ≥ 0")
        }
        let mcSamples = try c.decode(Int.self, forKey: .mcSamples)
        guard mcSamples >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .mcSamples, in: c, debugDescription: "expected T ≥ 0, got \(mcSamples)")
        }
        self.init(method: try c.decode(ConformalMethod.self, forKey: .method), scores: scores, mcSamples: mcSamples,
                  seed: try c.decode(UInt64.self, forKey: .seed))
    }
}
