import Foundation
import Likely

/// The demo's fit of one task: a deep ensemble of M networks (`ProbabilisticModel` with
/// members, each from its own member seed), whose member 0 (seeded by the demo's seed
/// itself) is the single network that the deterministic and MC-dropout columns use.
struct DemoFits {
    var ensemble: ProbabilisticModel
    /// Member 0 alone (a view sharing its weights).
    var single: ProbabilisticModel
    /// Every member's epochs, and member 0's alone (its loss curves are plotted).
    var history: History, singleHistory: History
    /// Seconds to train all members, and member 0.
    var seconds: Double, singleSeconds: Double

    /// Trains `make(seed, members)` on `train` with Adam(`learningRate`), each member scored
    /// on `validation` after every epoch (for the loss curves only); `part` names the task in
    /// errors. Epochs show as a progress bar on a terminal, else one line each when `epochLines`.
    static func run(part: String, train: Dataset, validation: Dataset, epochs: Int, batchSize: Int, learningRate: LearningRateSchedule,
                    seed: UInt64, members: Int, epochLines: Bool, make: (UInt64, Int) throws -> ProbabilisticModel) throws -> DemoFits {
        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = batchSize
        options.optimizer = Adam(learningRate: learningRate)
        options.seed = seed
        options.validation = .data(validation)
        options.showProgress = StandardError.isTerminal
        if !options.showProgress && epochLines {
            options.onEpochEnd = { say("  " + ProbabilisticModel.epochLine($0, of: epochs)) }
        }
        say("  a deep ensemble of \(members) networks; member 0 is the single network")
        let started = Date()
        let ensemble = try make(seed, members)
        let history: History
        do { history = try ensemble.fit(train, options: options) } catch let error as TrainingError {
            throw RunFailure(message: "demo \(part): \(error)")
        }
        var singleHistory = History()
        singleHistory.epochs = history.epochs.filter { ($0.member ?? 0) == 0 }
        singleHistory.keptEpoch = history.keptEpochs.first ?? history.keptEpoch
        singleHistory.keptEpochs = [singleHistory.keptEpoch]
        return DemoFits(ensemble: ensemble, single: ensemble.member(0), history: history, singleHistory: singleHistory,
                        seconds: Date().timeIntervalSince(started), singleSeconds: singleHistory.epochs.reduce(0) { $0 + $1.seconds })
    }
}

/// One way of being uncertain, as the demo compares them: the deterministic network, its
/// MC-dropout predictive, or a deep ensemble's mixture; `predict` gives its predictive of
/// any inputs and `model` scores it (head and target scaling) and holds its conformal scores.
struct DemoMethod {
    /// The JSON key: `deterministic`, `mc_dropout` or `ensemble`.
    var key: String
    /// The column heading, e.g. "MC dropout (T=50)".
    var label: String
    /// T of each member (0: deterministic).
    var mcSamples: Int
    /// M, the networks averaged.
    var members: Int
    /// Seconds to train its networks (member 0's epochs for the single network).
    var fitSeconds: Double
    var model: ProbabilisticModel
    var predict: (Tensor) -> Predictive

    /// The three predictives of `fits`: the single network with T = 0 and with T = `mc`, and
    /// the ensemble's deterministic members.
    static func compared(_ fits: DemoFits, mc: Int, seed: UInt64) -> [DemoMethod] {
        let single = fits.single, ensemble = fits.ensemble
        return [
            DemoMethod(key: "deterministic", label: "deterministic", mcSamples: 0, members: 1, fitSeconds: fits.singleSeconds,
                       model: single) { single.predictive($0, method: NetworkMethod(), seed: seed) },
            DemoMethod(key: "mc_dropout", label: "MC dropout (T=\(mc))", mcSamples: mc, members: 1, fitSeconds: fits.singleSeconds,
                       model: single) { single.predictive($0, method: DropoutMethod(passes: mc), seed: seed) },
            DemoMethod(key: "ensemble", label: "ensemble (M=\(ensemble.memberCount))", mcSamples: 0, members: ensemble.memberCount,
                       fitSeconds: fits.seconds, model: ensemble) { ensemble.predictive($0, method: NetworkMethod(), seed: seed) }]
    }

    /// The Laplace column: a full-GGN Laplace posterior of the single network (member 0),
    /// its prior precision chosen by the evidence, fitted on `train`; the linearised predictive
    /// with 100 draws per input.
    static func laplace(_ fits: DemoFits, train: Dataset, seed: UInt64) throws -> DemoMethod {
        let started = Date()
        let model = fits.ensemble.member(0)
        try model.fitLaplace(on: train, structure: .full, prior: .auto, seed: seed)
        return DemoMethod(key: "laplace", label: "Laplace (full GGN)", mcSamples: 0, members: 1,
                          fitSeconds: fits.singleSeconds + Date().timeIntervalSince(started), model: model) {
            model.predictive($0, method: LaplaceMethod(draws: 0, head: model.head), seed: seed)
        }
    }
}

/// One method's scores in summary.json: `test` on every test point (the keys of
/// `likely evaluate --json`, with `ood` and `conformal` for the images), and for the gap
/// regression `test_in_gap` and `test_outside_gap`; for the images `test_ood_by_kind`, the
/// out-of-distribution scores against each kind of foreign image alone.
struct DemoMethodResult: Encodable {
    var label: String
    var mcSamples: Int
    var members: Int
    var fitSeconds: Double
    var test: EvaluationReport
    var testInGap: RegionScores?
    var testOutsideGap: RegionScores?
    var testOODByKind: [String: OutOfDistributionReport]?

    init(_ method: DemoMethod, test: EvaluationReport, inGap: RegionScores? = nil, outsideGap: RegionScores? = nil,
         oodByKind: [String: OutOfDistributionReport]? = nil) {
        (label, mcSamples, members, fitSeconds) = (method.label, method.mcSamples, method.members, method.fitSeconds)
        self.test = test
        (testInGap, testOutsideGap, testOODByKind) = (inGap, outsideGap, oodByKind)
    }

    enum CodingKeys: String, CodingKey {
        case label, mcSamples = "mc_samples", members, fitSeconds = "fit_seconds", test
        case testInGap = "test_in_gap", testOutsideGap = "test_outside_gap", testOODByKind = "test_ood_by_kind"
    }
}
