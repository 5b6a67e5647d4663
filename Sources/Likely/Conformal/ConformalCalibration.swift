import Foundation

/// The conformity score of split conformal prediction: how badly an observation fits its
/// predictive. Smaller is better; the region at level L is the set {y : s(y) ≤ q̂(L)} of every
/// value whose score is at most the calibration threshold, so a value that ties with q̂ is inside.
public enum ConformalMethod: String, Codable, CaseIterable, Sendable {
    /// Regression and counts, the distributional conformal score (Chernozhukov, Wüthrich &
    /// Zhu 2021): the smallest level of a central predictive interval that holds y,
    /// s = max(1 − 2F(y), 2F(y⁻) − 1) with F(y⁻) = P(Y < y) (= |2F(y) − 1| for continuous
    /// families). The region is the predictive's central interval of level q̂, so it keeps the
    /// predictive's own heteroscedastic shape, only wider or narrower. (Version-1 model files
    /// call it `cqr`; they load as `dcp`.)
    case dcp
    /// Regression and counts, conformalized quantile regression (Romano, Patterson & Candès
    /// 2019) on the predictive's quantiles q_lo = Q((1 − L)/2), q_hi = Q((1 + L)/2) at the
    /// stored level L: s = max(q_lo − y, y − q_hi); the region is [q_lo − q̂, q_hi + q̂]
    /// (whole numbers inside it for counts). Scores may be negative.
    case cqr
    /// Classification, least ambiguous set-valued classifier (Sadinle, Lei & Wasserman 2019):
    /// s = 1 − p̄_y; the region {k : p̄ₖ ≥ 1 − q̂} is the smallest on average.
    case lac
    /// Classification, randomised adaptive prediction sets (Romano, Sesia & Candès 2020):
    /// s = (mass of the classes ranked above y) + u·p̄_y (p̄ descending, ties by class index),
    /// with u ~ U(0, 1) drawn once per input from the stream (seed, `.conformalRandomisation`,
    /// 0, input index); the region is the top-ranked classes whose score is ≤ q̂ (it may be empty).
    case aps
    /// Classification, regularised APS (Angelopoulos, Bates, Malik & Jordan 2021): the
    /// randomised APS score plus λ·max(0, rank(y) − k_reg) (rank 1 is the most probable class),
    /// which penalises large sets. k_reg and λ are chosen on a tuning part of the calibration
    /// set at the stored level (`Predictive.rapsParameters`).
    case raps

    /// Whether the score applies to classification heads (the others to regression and counts).
    public var isForClassification: Bool { self == .lac || self == .aps || self == .raps }

    /// Whether the scores depend on the level L (`cqr`, `raps`), so the calibration serves L only.
    public var dependsOnLevel: Bool { self == .cqr || self == .raps }

    /// Whether the score draws one uniform per input (`aps`, `raps`).
    public var isRandomised: Bool { self == .aps || self == .raps }
}

/// A conformity score with what it needs beyond its name: the level of `cqr` and `raps`, and
/// λ and k_reg of `raps`.
public struct ConformalScore: Equatable, Sendable {
    /// The score.
    public var method: ConformalMethod
    /// L, for `cqr` (the levels of its quantiles) and `raps` (what k_reg and λ were chosen for).
    public var level: Double?
    /// λ of `raps`: the penalty per rank beyond k_reg.
    public var penalty: Double
    /// k_reg of `raps`: the ranks that carry no penalty.
    public var freeRanks: Int

    /// - Precondition: `level` in (0, 1) is given exactly when the method depends on it; λ ≥ 0, k_reg ≥ 0.
    public init(_ method: ConformalMethod, level: Double? = nil, penalty: Double = 0, freeRanks: Int = 0) {
        precondition(method.dependsOnLevel == (level != nil), "the \(method.rawValue) score \(method.dependsOnLevel ? "needs" : "takes no") level")
        if let level { precondition(level > 0 && level < 1, "conformal level must be in (0, 1), got \(level)") }
        precondition(penalty >= 0 && penalty.isFinite && freeRanks >= 0, "RAPS needs λ ≥ 0 and k_reg ≥ 0, got \(penalty) and \(freeRanks)")
        self.method = method
        self.level = level
        self.penalty = penalty
        self.freeRanks = freeRanks
    }
}

extension ConformalScore: Codable {
    /// The keys of the score's settings, at the top level of a calibration's object (`model.json`'s
    /// `conformal` entry).
    enum CodingKeys: String, CodingKey { case method, level, rapsPenalty, rapsFreeRanks }

    /// `method`, the level of `cqr` and `raps`, and λ and k_reg of `raps`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        try c.encodeIfPresent(level, forKey: .level)
        if method == .raps {
            try c.encode(penalty, forKey: .rapsPenalty)
            try c.encode(freeRanks, forKey: .rapsFreeRanks)
        }
    }

    /// Decodes and validates: a level in (0, 1) for `cqr` and `raps` and none for the others,
    /// λ ≥ 0 and k_reg ≥ 0 for `raps`. A `cqr` entry without a level is the version-1 name of
    /// `dcp` and loads as `dcp`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var method = try c.decode(ConformalMethod.self, forKey: .method)
        let level = try c.decodeIfPresent(Double.self, forKey: .level)
        if method == .cqr && level == nil { method = .dcp }
        if method.dependsOnLevel {
            guard let level, level > 0, level < 1 else {
                throw DecodingError.dataCorruptedError(forKey: .level, in: c, debugDescription: "the \(method.rawValue) score needs a level in (0, 1)")
            }
        } else if level != nil {
            throw DecodingError.dataCorruptedError(forKey: .level, in: c, debugDescription: "the \(method.rawValue) score takes no level")
        }
        self.init(method, level: method.dependsOnLevel ? level : nil)
        guard method == .raps else { return }
        let penalty = try c.decode(Double.self, forKey: .rapsPenalty), freeRanks = try c.decode(Int.self, forKey: .rapsFreeRanks)
        guard penalty >= 0 && penalty.isFinite else {
            throw DecodingError.dataCorruptedError(forKey: .rapsPenalty, in: c, debugDescription: "expected λ ≥ 0, got \(penalty)")
        }
        guard freeRanks >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .rapsFreeRanks, in: c, debugDescription: "expected k_reg ≥ 0, got \(freeRanks)")
        }
        (self.penalty, self.freeRanks) = (penalty, freeRanks)
    }
}

/// The stored outcome of conformalizing a model on a calibration set: the n conformity
/// scores, sorted, the score's settings, and the predictive that produced them.
///
/// For exchangeable calibration and test data, the region at level L built from the
/// threshold q̂ = the ⌈(n + 1)L⌉-th smallest score holds the test observation with
/// probability at least L (and below L + 1/(n + 1) when scores do not tie); when
/// ⌈(n + 1)L⌉ > n, q̂ = +∞ and the region is everything. Scored on the calibration set
/// itself, the regions hold at least ⌈(n + 1)L⌉/n of it.
public struct ConformalCalibration: Codable, Equatable, Sendable {
    /// The conformity score and its settings.
    public var score: ConformalScore
    /// The calibration scores, ascending.
    public private(set) var scores: [Double]
    /// T of the predictive the scores came from (0: the network alone, > 0: MC dropout); the
    /// regions are valid for that predictive only.
    public var mcSamples: Int
    /// The seed of its dropout streams (and of the uniforms of `aps` and `raps`).
    public var seed: UInt64

    /// The conformity score.
    public var method: ConformalMethod { score.method }

    /// The uncertainty method of the predictive the scores came from (`network`, `dropout`,
    /// `laplace`, …): by default the one T selects without a posterior.
    public var predictive: String

    /// `network` for T = 0, else `dropout`: the predictive `--mc-samples T` selects.
    public static func predictiveName(mcSamples: Int) -> String { mcSamples == 0 ? "network" : "dropout" }

    /// - Parameters:
    ///   - scores: n ≥ 1 finite conformity scores (any order), ≥ 0 except for `cqr`.
    public init(score: ConformalScore, scores: [Double], mcSamples: Int, seed: UInt64) {
        precondition(!scores.isEmpty, "conformal calibration needs at least one score")
        precondition(scores.allSatisfy { $0.isFinite && ($0 >= 0 || score.method == .cqr) }, "conformity scores must be finite and ≥ 0")
        self.score = score
        self.scores = scores.sorted()
        self.mcSamples = mcSamples
        self.seed = seed
        self.predictive = Self.predictiveName(mcSamples: mcSamples)
    }

    /// A calibration of a score that needs no settings (`dcp`, `lac`, `aps`).
    public init(method: ConformalMethod, scores: [Double], mcSamples: Int, seed: UInt64) {
        self.init(score: ConformalScore(method), scores: scores, mcSamples: mcSamples, seed: seed)
    }

    /// n, the calibration set's size.
    public var count: Int { scores.count }

    /// q̂(L): the ⌈(n + 1)L⌉-th smallest score, or +∞ when ⌈(n + 1)L⌉ > n.
    /// - Precondition: 0 < level < 1.
    public func threshold(level: Double) -> Double {
        precondition(level > 0 && level < 1, "conformal level must be in (0, 1), got \(level)")
        return Self.threshold(sortedScores: scores, level: level)
    }

    /// Why the regions at `level` are every value, or nil when they are not: too few scores
    /// for L (q̂ = +∞), or a `dcp` threshold of 1 (every y scores ≤ 1).
    public func unboundedReason(level: Double) -> String? {
        let q = threshold(level: level)
        if q.isInfinite {
            let needed = Int((level / (1 - level) - 1e-9).rounded(.up))
            return "the regions are every value, because \(count) calibration score\(count == 1 ? " is" : "s are") too few for level \(level) "
                + "(q̂ is the ⌈(n + 1)L⌉-th smallest score and ⌈(n + 1)L⌉ > n); conformalize on at least \(needed) examples"
        }
        return method == .dcp && q >= 1 ? "the regions are every value, because the dcp threshold q̂ = \(q) admits every value" : nil
    }

    /// The ⌈(n + 1)L⌉-th smallest of ascending `sortedScores`, +∞ when that exceeds n.
    static func threshold(sortedScores scores: [Double], level: Double) -> Double {
        // The small slack keeps (n + 1)L that is an integer in exact arithmetic from rounding up.
        let rank = Int(((Double(scores.count) + 1) * level - 1e-9).rounded(.up))
        return rank > scores.count ? .infinity : scores[Swift.max(rank, 1) - 1]
    }

    enum CodingKeys: String, CodingKey { case scores, mcSamples, seed, predictive }

    /// The score's settings (`ConformalScore.encode`), then the scores, T, the seed and the
    /// predictive, in one object.
    public func encode(to encoder: Encoder) throws {
        try score.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scores, forKey: .scores)
        try c.encode(mcSamples, forKey: .mcSamples)
        try c.encode(seed, forKey: .seed)
        try c.encode(predictive, forKey: .predictive)
    }

    /// Decodes and validates: the score's settings (`ConformalScore.init(from:)`), at least one
    /// finite score (≥ 0 except for `cqr`), T ≥ 0, and a predictive that T could have selected.
    public init(from decoder: Decoder) throws {
        let score = try ConformalScore(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let scores = try c.decode([Double].self, forKey: .scores)
        guard !scores.isEmpty, scores.allSatisfy({ $0.isFinite && ($0 >= 0 || score.method == .cqr) }) else {
            throw DecodingError.dataCorruptedError(forKey: .scores, in: c, debugDescription: "expected at least one finite score"
                                                   + (score.method == .cqr ? "" : " ≥ 0"))
        }
        let mcSamples = try c.decode(Int.self, forKey: .mcSamples)
        guard mcSamples >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .mcSamples, in: c, debugDescription: "expected T ≥ 0, got \(mcSamples)")
        }
        let predictive = try c.decodeIfPresent(String.self, forKey: .predictive) ?? Self.predictiveName(mcSamples: mcSamples)
        if ["network", "dropout"].contains(predictive), predictive != Self.predictiveName(mcSamples: mcSamples) {
            throw DecodingError.dataCorruptedError(forKey: .predictive, in: c, debugDescription:
                "expected \"\(Self.predictiveName(mcSamples: mcSamples))\" for mcSamples \(mcSamples), got \"\(predictive)\"")
        }
        self.init(score: score, scores: scores, mcSamples: mcSamples, seed: try c.decode(UInt64.self, forKey: .seed))
        self.predictive = predictive
    }
}
