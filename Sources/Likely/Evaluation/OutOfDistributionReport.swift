/// How well a model's uncertainty tells in-distribution inputs from inputs of elsewhere
/// (`likely evaluate --ood OTHER`): for each uncertainty score of `Predictive.uncertaintyScores`,
/// AUROC, AUPR (OTHER positive) and FPR at 95 % TPR.
public struct OutOfDistributionReport: Encodable {
    /// In-distribution inputs (DATA).
    public var nIn: Int
    /// Out-of-distribution inputs (OTHER).
    public var nOut: Int
    /// The detection scores of each uncertainty score, keyed by its name
    /// (`UncertaintyScore.rawValue`, as in the JSON).
    public var scores: [String: DetectionScores]
    /// The per-input values of each score, in and out, for histograms (not in the JSON).
    public var values: [(score: UncertaintyScore, inDistribution: [Double], outOfDistribution: [Double])]

    enum CodingKeys: String, CodingKey { case nIn = "n_in", nOut = "n_out", scores }

    /// Compares the predictive of the in-distribution inputs with that of the others; both
    /// must come from the same model (and the same members and passes).
    public init(inDistribution: Predictive, outOfDistribution: Predictive) {
        precondition(inDistribution.head.family.name == outOfDistribution.head.family.name,
                     "both predictives must come from one model, got \(inDistribution.head.family.name) and \(outOfDistribution.head.family.name)")
        nIn = inDistribution.count
        nOut = outOfDistribution.count
        values = zip(inDistribution.uncertaintyScores, outOfDistribution.uncertaintyScores).map { ($0.score, $0.values, $1.values) }
        scores = Dictionary(uniqueKeysWithValues: values.map {
            ($0.score.rawValue, DetectionScores(inDistribution: $0.inDistribution, outOfDistribution: $0.outOfDistribution))
        })
    }

    /// The reasons of the undefined (constant-score) values, keyed by their JSON pointer when
    /// this report is encoded at `path` (`JSONNumbers.encode(_:reasons:)`).
    public func undefinedReasons(at path: [String]) -> [String: String] {
        var reasons: [String: String] = [:]
        for (name, detection) in scores {
            guard let score = UncertaintyScore(rawValue: name), let reason = detection.undefinedReason(score) else { continue }
            for key in DetectionScores.CodingKeys.allKeys { reasons[JSONNumbers.pointer(path + ["scores", name, key])] = reason }
        }
        return reasons
    }
}
