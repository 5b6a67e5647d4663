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
            same --mc-samples with --level as here. Regression and counts use the dcp score unless \
            --method cqr, classification lac unless --method aps or raps; cqr and raps depend on the level, \
            so they need --level L here and serve that L only.
            """)

    @OptionGroup var common: ModelDataOptions

    @Option(help: "The conformity score: dcp or cqr (regression, counts), lac, aps or raps (classification).")
    var method: String?

    @Option(help: "With --method cqr or raps: the level L in (0, 1) the scores are made for (predict and evaluate then take --level L only).")
    var level: Double?

    func validate() throws {
        try common.check()
        if let method, ConformalMethod(rawValue: method.lowercased()) == nil {
            throw InputError("--method: unknown score '\(method)'; expected \(ConformalMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try ConformalLevel.check(level)
    }

    func run() throws {
        try validate()
        let model = try ModelDirectory.load(common.modelDirectory)
        let chosen = method.flatMap { ConformalMethod(rawValue: $0.lowercased()) }
        if let chosen, chosen.isForClassification != model.head.family.support.isClassification {
            throw InputError("--method \(chosen.rawValue) does not apply to the \(model.head.family.name) head of \(common.modelDirectory); "
                             + (model.head.family.support.isClassification ? "use lac, aps or raps" : "use dcp or cqr"))
        }
        let method = chosen ?? (model.head.family.support.isClassification ? .lac : .dcp)
        if method.dependsOnLevel && level == nil {
            throw InputError("--method \(method.rawValue): the scores depend on the level; give --level L in (0, 1)")
        }
        if !method.dependsOnLevel, let level {
            throw InputError("--level \(level): the \(method.rawValue) scores serve every level; --level applies to --method cqr and raps only")
        }
        let data = try common.load(common.data, for: model, needTargets: true)
        common.noteUnseen(data)
        let world = try ProcessGroup.current()
        let uncertainty = try common.method(for: model)
        try world.agree(on: common.fingerprint(data, model: model))
        guard let predictive = model.predictive(data.features, method: uncertainty, seed: common.seed, over: world) else { return }
        let calibration = model.conformalize(predictive, targets: data.dataset.targets, method: method, level: level,
                                             mcSamples: common.mcSamples, seed: common.seed)
        try ModelDirectory.saveDescription(model, to: common.modelDirectory)
        let settings = calibration.score.level.map { ", level \($0)" } ?? ""
            + (method == .raps ? ", k_reg \(calibration.score.freeRanks), λ \(calibration.score.penalty)" : "")
        printResult("stored \(calibration.count) \(calibration.method.rawValue) conformity scores (\(calibration.predictive) predictive, mc_samples \(common.mcSamples)\(settings)) in \(ModelLayout(common.modelDirectory).descriptionFile.path)")
    }
}

/// `--level L` of predict and evaluate: the conformal regions at level L of a conformalized
/// model, from the conformity scores it holds.
struct ConformalLevel: ParsableArguments {
    @Option(parsing: .unconditional, help: "With stored conformity scores (likely conformalize): the conformal regions at level L in (0, 1) (predict adds them: lower, upper or set, set_size; evaluate reports their coverage and size).")
    var level: Double?

    /// Checks L ∈ (0, 1).
    func check() throws { try Self.check(level) }

    /// Checks L ∈ (0, 1) (also conformalize's `--level`).
    static func check(_ level: Double?) throws {
        if let level { try OptionCheck.requireOpenUnit(level, "--level") }
    }

    /// With `--level`: checks that `model` holds conformity scores that serve it, or is bad usage
    /// naming what to run first; the predictive of `common` must be the one the scores came from
    /// (the same T), and the level the stored one of cqr and raps.
    func checkScores(of model: ProbabilisticModel, _ common: ModelDataOptions) throws {
        guard let level else { return }
        let directory = common.modelDirectory, predictive = try common.method(for: model).name, mcSamples = common.mcSamples
        guard let conformal = model.conformal else {
            throw InputError("--level: \(directory) holds no conformity scores; run `likely conformalize \(directory) CALIBRATION_DATA` "
                             + "(or fit with --conformal-split) first")
        }
        guard conformal.mcSamples == mcSamples && conformal.predictive == predictive else {
            throw InputError("--level: the conformity scores of \(directory) come from the \(conformal.predictive) predictive with --mc-samples \(conformal.mcSamples), "
                             + "this run uses the \(predictive) predictive with --mc-samples \(mcSamples); "
                             + "pass --mc-samples \(conformal.mcSamples) (with --predictive \(conformal.predictive)) or conformalize again")
        }
        if let stored = conformal.score.level, stored != level {
            throw InputError("--level \(level): the \(conformal.method.rawValue) scores of \(directory) were made for level \(stored) and serve it only; "
                             + "pass --level \(stored) or conformalize again with --level \(level)")
        }
    }
}
