import Foundation
import Likely

/// The demo's fits of one task: the single network, trained with a validation set (its loss
/// curves are plotted), and the ensemble's members, trained on the same data without one.
struct DemoFits {
    var model: ProbabilisticModel
    var history: History
    /// Seconds to train the single network.
    var seconds: Double
    var ensemble: DemoEnsemble

    /// Trains `make(seed)` and an ensemble of `members` networks `make(member seed)` on
    /// `train` with Adam(`learningRate`); `part` names the task in errors. The single
    /// network's epochs show as a progress bar on a terminal, else as one line each when
    /// `epochLines`.
    static func run(part: String, train: Dataset, validation: Dataset, epochs: Int, batchSize: Int, learningRate: LearningRateSchedule,
                    seed: UInt64, members: Int, epochLines: Bool, make: (UInt64) throws -> ProbabilisticModel) throws -> DemoFits {
        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = batchSize
        options.optimizer = Adam(learningRate: learningRate)
        options.seed = seed
        options.validation = .data(validation)
        options.showProgress = isatty(STDOUT_FILENO) == 1
        if !options.showProgress && epochLines { options.onEpochEnd = { say("  " + ProbabilisticModel.epochLine($0, of: epochs)) } }
        let started = Date()
        let model = try make(seed)
        let history = try fit(model, train, options: options, part: part)
        let seconds = Date().timeIntervalSince(started)
        say("  ensemble: \(members) more networks")
        options.validation = .none
        options.showProgress = false
        options.onEpochEnd = nil
        let ensemble = try DemoEnsemble.fit(members: members, seed: seed, data: train, options: options, part: part, make: make)
        return DemoFits(model: model, history: history, seconds: seconds, ensemble: ensemble)
    }

    /// Trains `model` on `data`, naming the demo part in a training failure.
    static func fit(_ model: ProbabilisticModel, _ data: Dataset, options: TrainingOptions, part: String) throws -> History {
        do { return try model.fit(data, options: options) } catch let error as TrainingError {
            throw RunFailure(message: "demo \(part): \(error)")
        }
    }
}

/// One way of being uncertain, as the demo compares them: the deterministic network, its
/// MC-dropout predictive, or a deep ensemble's mixture; `predict` gives its predictive of
/// any inputs and `model` scores it (head and target scaling).
struct DemoMethod {
    /// The JSON key: `deterministic`, `mc_dropout` or `ensemble`.
    var key: String
    /// The column heading, e.g. "MC dropout (T=50)".
    var label: String
    /// T of each member (0: deterministic).
    var mcSamples: Int
    /// M, the networks averaged.
    var members: Int
    /// Seconds to train its networks.
    var fitSeconds: Double
    var model: ProbabilisticModel
    var predict: (Tensor) -> Predictive

    /// The three predictives of `fits`: the single network with T = 0 and with T = `mc`, and
    /// the ensemble.
    static func compared(_ fits: DemoFits, mc: Int, seed: UInt64) -> [DemoMethod] {
        let single = fits.model, ensemble = fits.ensemble
        return [
            DemoMethod(key: "deterministic", label: "deterministic", mcSamples: 0, members: 1, fitSeconds: fits.seconds,
                       model: single) { single.predictive($0, mcSamples: 0, seed: seed) },
            DemoMethod(key: "mc_dropout", label: "MC dropout (T=\(mc))", mcSamples: mc, members: 1, fitSeconds: fits.seconds,
                       model: single) { single.predictive($0, mcSamples: mc, seed: seed) },
            DemoMethod(key: "ensemble", label: "ensemble (M=\(ensemble.count))", mcSamples: 0, members: ensemble.count,
                       fitSeconds: ensemble.seconds, model: ensemble.scorer) { ensemble.predictive($0, seed: seed) }]
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
