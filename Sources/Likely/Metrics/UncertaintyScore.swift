/// A per-input uncertainty score of a predictive, higher for "less certain": what
/// out-of-distribution detection ranks inputs by (`Predictive.uncertaintyScores`,
/// `OutOfDistributionReport`) and what `evaluate --ood` reports, under `rawValue`.
public enum UncertaintyScore: String, CaseIterable, Sendable, Codable {
    /// Classification: H[p̄] = −Σₖ p̄ₖ ln p̄ₖ, the entropy of the mean probabilities (nats).
    case entropy
    /// Classification: H[p̄] − Eₜ H[pₜ], the members' (passes') disagreement (nats).
    case mutualInformation = "mutual_information"
    /// Classification: 1 − maxₖ p̄ₖ (named after the probability it is built from).
    case maxProbability = "max_probability"
    /// Regression and counts: √(total predictive variance).
    case sd
    /// Regression and counts: √(variance of the members' means).
    case epistemicSD = "epistemic_sd"

    /// The scores of a head of this kind, in the order they are reported.
    public static func scores(classification: Bool) -> [UncertaintyScore] {
        classification ? [.entropy, .mutualInformation, .maxProbability] : [.sd, .epistemicSD]
    }

    /// Whether the score measures only the spread between members or passes, so it is 0 for
    /// a deterministic network.
    public var isEpistemic: Bool { self == .mutualInformation || self == .epistemicSD }
}
