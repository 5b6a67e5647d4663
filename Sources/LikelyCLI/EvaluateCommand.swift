import ArgumentParser
import Foundation
import Likely

/// `likely evaluate`: proper scores and calibration of a saved model on labelled data.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a saved model on labelled data: NLL, RMSE/CRPS/coverage or accuracy/Brier/ECE.",
        discussion: """
            --mc-samples 0 (the default) runs the deterministic network (dropout off); T > 0 averages \
            T MC-dropout passes (of every member, for an ensemble). Every number is in the target's \
            original units. JSON keys: n, mc_samples, members, nll; regression and counts add rmse, mae, crps, coverage ("0.5", "0.8", "0.9", \
            "0.95"); classification adds accuracy, brier, ece, mce; bernoulli adds roc_auc, pr_auc. \
            Every report has aurc, the area under the risk-coverage curve (abstaining on the most \
            uncertain inputs first). --ood OTHER adds ood: n_in, n_out and, per uncertainty score \
            (entropy, mutual_information, max_probability; or sd, epistemic_sd), auroc, aupr and fpr95. \
            --level L adds conformal: level, method, n_calibration, coverage and mean_width or mean_set_size.
            """)

    @OptionGroup var common: ModelDataOptions

    @Option(parsing: .unconditional, help: "Equal-width confidence bins of the reliability diagram, ECE and MCE.")
    var bins: Int = 15

    @Option(help: "Other data of the same shape (out of distribution; its targets are ignored): report how well each uncertainty score tells it from DATA.")
    var ood: String?

    @OptionGroup var figures: EvaluationFigures

    @OptionGroup var conformal: ConformalLevel

    @OptionGroup var format: JSONFlag

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    func validate() throws {
        try common.check()
        try OptionCheck.require(bins, in: 1...1000, "--bins")
        try conformal.check()
    }

    func run() throws {
        try validate()
        let outputs = OutputPaths(inputs: common.outputPaths.inputs + (ood.map { [("--ood", $0)] } ?? []))
        try figures.check(outputs)
        let model = try ModelDirectory.load(common.modelDirectory)
        try conformal.checkScores(of: model, common)
        let data = try common.load(common.data, for: model, needTargets: true)
        common.noteUnseen(data)
        if data.droppedForMissing > 0 { say(data.droppedNote) }
        // Every input read and its predictive sized before the first pass runs.
        let other = try ood.map { try common.load($0, for: model, needTargets: false, role: "--ood") }
        if let other { common.noteUnseen(other, role: "--ood") }
        let world = try ProcessGroup.current()
        let method = try common.method(for: model)
        let oodData = other.map { RunFingerprint($0, options: []).data }
        try world.agree(on: common.fingerprint(data, model: model, extra: [("ood", oodData.map { "\($0.rows) rows of \($0.exampleShape), checksum \($0.checksum)" })]))
        let progress = ProgressLine("evaluate", enabled: !quiet && world.isRoot)
        guard let predictive = model.predictive(data.features, method: method, seed: common.seed, over: world) else { return }
        var report = model.evaluate(predictive, targets: data.dataset.targets, mcSamples: common.mcSamples, seed: common.seed, bins: bins,
                                    progress: progress.note)
        if let level = conformal.level {
            progress.note("conformal")
            report.conformal = model.conformalReport(predictive, targets: data.dataset.targets, level: level, seed: common.seed)
        }
        if let other {
            progress.note("ood")
            guard let outside = model.predictive(other.features, method: method, seed: common.seed, over: world) else { return }
            report.ood = OutOfDistributionReport(inDistribution: predictive, outOfDistribution: outside)
        }
        if figures.isRequested { progress.note("plots") }
        try figures.write(report, model: model, data: data, common: common)
        writeOutput((format.json ? report.json : report.table) + "\n")
    }
}

/// MODEL_DIR, DATA and the predictive's options, shared by evaluate, predict and sample.
struct ModelDataOptions: ParsableArguments {
    @Argument(help: "A model directory written by `likely fit`.")
    var modelDirectory: String

    @Argument(help: "A CSV file, an MNIST-layout IDX directory, a CIFAR-10 or CIFAR-100 binary directory, or a directory with x.npy (and y.npy).")
    var data: String

    @Option(help: "For IDX and CIFAR image directories, which files to read (default: test); refused for other data.")
    var split: MNISTSplit?

    @Option(parsing: .unconditional, help: "T: 0 for the deterministic network, T > 0 for T MC-dropout passes.")
    var mcSamples: Int = 0

    @Option(parsing: .unconditional, help: "Seed of the MC-dropout masks and of any sampling.", transform: OptionCheck.seed)
    var seed: UInt64 = 0

    @Option(help: "The predictive, a registered uncertainty method: network, dropout, laplace or laplace-nn (default: laplace when the model holds a posterior, else dropout when --mc-samples > 0, else network).")
    var predictive: String?

    @Option(help: "A CSV category unseen in training: error, or ignore (encoded as the column's \"missing\" category when the model has one, else all of its one-hot inputs 0; counted on standard error).")
    var unknownCategory: UnknownCategoryPolicy = .error

    func check() throws {
        try OptionCheck.require(mcSamples, in: 0...10_000, "--mc-samples")
        if let predictive, !UncertaintyMethods.names.contains(predictive.lowercased()) {
            throw InputError("--predictive: unknown method '\(predictive)'; expected one of \(UncertaintyMethods.names.joined(separator: ", "))")
        }
    }

    /// The uncertainty method of `--predictive` (or the default) for `model` and `--mc-samples`.
    /// - Throws: `UncertaintyMethodError` (exit 2) when the model or T does not suit it.
    func method(for model: ProbabilisticModel) throws -> any UncertaintyMethod {
        try UncertaintyMethods.chosen(predictive, for: model, mcSamples: mcSamples)
    }

    /// The check of the command's output paths: never MODEL_DIR or DATA, nor inside them.
    var outputPaths: OutputPaths { OutputPaths(inputs: [("MODEL_DIR", modelDirectory), ("DATA", data)]) }

    /// The most raw network outputs a predictive may hold, passes × N × width: 2²⁸ float32
    /// values (1.07 GB, as many as the largest network's weights; the members' distributions
    /// hold about as much again).
    static let maximumRawOutputCount = 1 << 28

    /// `path` (DATA, or `--ood`) read for `model` with `--split`, and the predictive's size
    /// checked before any pass runs: M members × T = `--mc-samples` passes (1 when 0) × N
    /// examples × the head's raw outputs. A fitted temperature must belong to this predictive
    /// (the same T), or it is bad usage naming both.
    func load(_ path: String, for model: ProbabilisticModel, needTargets: Bool, keep: [String] = [],
              role: String = "DATA") throws -> LoadedData {
        if let fitted = model.head.temperatureFittedFor {
            let used = try method(for: model).name
            if fitted != (used, mcSamples) {
                throw InputError("--predictive \(used) --mc-samples \(mcSamples): the temperature of \(modelDirectory) was fitted for the "
                                 + "\(fitted.method) predictive with --mc-samples \(fitted.mcSamples); this run uses the \(used) predictive "
                                 + "with --mc-samples \(mcSamples); pass --predictive \(fitted.method) --mc-samples \(fitted.mcSamples) "
                                 + "or fit again with --calibrate-mc-samples \(mcSamples)")
            }
        }
        let data = try DataSource.load(path, for: model, split: split, needTargets: needTargets, keep: keep, role: role,
                                       unknownCategories: unknownCategory)
        let members = model.memberCount, passes = max(mcSamples, 1) * members, width = model.head.rawOutputCount
        let (perPass, overflow1) = data.count.multipliedReportingOverflow(by: width)
        let (total, overflow2) = perPass.multipliedReportingOverflow(by: passes)
        if overflow1 || overflow2 || total > Self.maximumRawOutputCount {
            let amount = overflow1 || overflow2 ? "more than \(Int.max) numbers"
                : "\(total) numbers (\(NetworkSizeError.bytes(Double(total) * 4)))"
            let each = members > 1 ? " (\(max(mcSamples, 1)) for each of the \(members) members)" : ""
            throw InputError("--mc-samples \(mcSamples): \(passes) pass\(passes == 1 ? "" : "es")\(each) over the \(data.count) examples of \(role) \(path) "
                             + "with \(width) raw outputs each would need \(amount) of raw outputs; at most \(Self.maximumRawOutputCount) "
                             + "(\(NetworkSizeError.bytes(Double(Self.maximumRawOutputCount) * 4))) are allowed: use fewer passes or split DATA into parts")
        }
        return data
    }

    /// Says on standard error how many cells `--unknown-category ignore` encoded as unseen.
    func noteUnseen(_ data: LoadedData, role: String = "DATA") {
        if data.unseenCategoryCells > 0 { say(LoadedData.unseenNote(data.unseenCategoryCells, in: "\(role) \(data.path)")) }
    }
}

extension UnknownCategoryPolicy: ExpressibleByArgument {}
