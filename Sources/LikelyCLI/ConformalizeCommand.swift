import ArgumentParser
import Foundation
import Likely

/// `likely conformalize`: store conformity scores of a calibration set in a model directory.
struct ConformalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformalize",
        abstract: "Score a calibration set and store the conformity scores in the model directory.",
        discussion: """
            DATA must be labelled data the model was not trained on. The scores go into MODEL_DIR/model.json \
            (rewritten atomically; the weights are untouched). Afterwards `predict --level L` adds the \
            conformal region (lower, upper; or set, set_size) and `evaluate --level L` its coverage and \
            size; for exchangeable data the region holds the truth with probability at least L. Use the \
            same --mc-samples with --level as here. Regression and counts use the cqr score, \
            classification lac unless --method aps or raps.
            """)

    @OptionGroup var common: ModelDataOptions

    @Option(help: "The conformity score: cqr (regression, counts), lac, aps or raps (classification).")
    var method: String?

    func validate() throws {
        try common.check()
        if let method, ConformalMethod(rawValue: method.lowercased()) == nil {
            throw InputError("--method: unknown score '\(method)'; expected \(ConformalMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        try validate()
        let model = try ModelDirectory.load(common.modelDirectory)
        let chosen = method.flatMap { ConformalMethod(rawValue: $0.lowercased()) }
        if let chosen, chosen.isForClassification != model.head.family.support.isClassification {
            throw InputError("--method \(chosen.rawValue) does not apply to the \(model.head.family.name) head of \(common.modelDirectory); "
                             + (model.head.family.support.isClassification ? "use lac, aps or raps" : "use cqr"))
        }
        let data = try common.load(common.data, for: model, needTargets: true)
        common.noteUnseen(data)
        let world = try ProcessGroup.current()
        try world.agree(on: common.fingerprint(data, model: model))
        guard let predictive = model.predictive(data.features, mcSamples: common.mcSamples, seed: common.seed, over: world) else { return }
        let calibration = model.conformalize(predictive, targets: data.dataset.targets, method: chosen,
                                             mcSamples: common.mcSamples, seed: common.seed)
        try ModelDirectory.saveDescription(model, to: common.modelDirectory)
        say("stored \(calibration.count) \(calibration.method.rawValue) conformity scores (mc_samples \(common.mcSamples)) in \(DataSource.join(common.modelDirectory, "model.json"))")
    }
}

/// `--level L` of predict and evaluate: the conformal region of a conformalized model.
enum ConformalLevel {
    /// Checks L ∈ (0, 1).
    static func check(_ level: Double?) throws {
        if let level { try OptionCheck.require(level > 0 && level < 1, "--level", "in (0, 1)", got: level) }
    }

    /// The model's calibration, or bad usage naming what to run first; the predictive must be
    /// the one the scores came from (the same T).
    static func calibration(of model: ProbabilisticModel, directory: String, mcSamples: Int) throws -> ConformalCalibration {
        guard let conformal = model.conformal else {
            throw InputError("--level: \(directory) holds no conformity scores; run `likely conformalize \(directory) CALIBRATION_DATA` "
                             + "(or fit with --conformal-split) first")
        }
        guard conformal.mcSamples == mcSamples else {
            throw InputError("--level: the conformity scores of \(directory) come from the predictive with --mc-samples \(conformal.mcSamples); "
                             + "pass --mc-samples \(conformal.mcSamples) (got \(mcSamples)) or conformalize again")
        }
        return conformal
    }
}
