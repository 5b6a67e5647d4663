import ArgumentParser
import Foundation
import Likely

/// `likely fit`: train a probabilistic model on a CSV table, an IDX image directory or an
/// NPY pair, and save it to a model directory.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Train a probabilistic model and save it to a model directory.",
        discussion: """
            DATA is a CSV file with a header row, a directory of MNIST-layout IDX files or of CIFAR-10 \
            or CIFAR-100 binary files (the train files are used), or a directory holding x.npy and y.npy. MODEL_DIR receives model.json, \
            weights.safetensors and history.csv. Defaults: --arch mlp for tables, seed-cnn for images; \
            --family normal for a numeric target, categorical for class labels and images; without --epochs, \
            early stopping: \(FitDefaults.validationSplit) of the examples (at most \(FitDefaults.maximumValidationExamples)) held out, \
            a stop after \(FitDefaults.patienceSteps) gradient steps without a lower validation NLL (the best weights kept), \
            at most \(FitDefaults.maximumSteps) steps; for tables weight decay δ/N for N training rows (δ = \(FitDefaults.tablePriorPrecision), \
            a Gaussian prior on the weights) and dropout \(FitDefaults.tableDropout); batch size \(FitDefaults.batchSize), \
            Adam with learning rate \(OptimizerName.adam.defaultLearningRate) (SGD: \(OptimizerName.sgd.defaultLearningRate)).
            """)

    @Argument(help: "A CSV file, an MNIST-layout IDX directory, a CIFAR-10 or CIFAR-100 binary directory, or a directory with x.npy and y.npy.")
    var data: String

    @Option(name: .customLong("out"), help: "The model directory to write.")
    var out: String

    @Option(help: "The CSV target column (default: the last column).")
    var target: String?

    @Option(help: "The CSV feature columns, comma-separated (default: every column but the target).",
            transform: ColumnNames.parser("--features"))
    var features: ColumnNames?

    @Option(help: "Names of the class indices 0, 1, … of an IDX or NPY directory, comma-separated (default: the Fashion-MNIST names for \(FashionDemo.systemDirectory), else the indices).",
            transform: ColumnNames.parser("--class-names"))
    var classNames: ColumnNames?

    @Option(help: "CIFAR-100's target: fine (100 classes, the default) or coarse (20 superclasses).")
    var label: CIFARLabel?

    @Option(help: "CSV feature columns to one-hot encode, comma-separated (default: every feature column holding a cell that is not a number).",
            transform: ColumnNames.parser("--categorical"))
    var categorical: ColumnNames?

    @Option(help: "Missing CSV cells (empty, NA, NaN, null, ...): error, drop (leave the row out) or impute (the training mean; a \"missing\" category for categorical columns).")
    var missing: MissingPolicy = .error

    @Option(help: "The predicted distribution (default: normal for a numeric target, categorical for class labels and images).")
    var family: Family?

    @Option(help: "The link for positive parameters.")
    var scaleLink: ScaleLink = .exp

    @Option(parsing: .unconditional, help: "Mixture components for --family mdn (default \(FitDefaults.components)).")
    var components: Int?

    @Option(help: "The network (default mlp for tables, seed-cnn for images).")
    var arch: Architecture?

    @OptionGroup var hidden: HiddenLayers

    @Option(parsing: .unconditional, help: "Dropout rate in [0, 1) (default \(FitDefaults.tableDropout) for mlp on CSV tables, 0 for mlp on arrays and images, \(FitDefaults.imageDropout) for the CNNs); > 0 enables MC dropout.")
    var dropout: Float?

    @Option(parsing: .unconditional, help: "Dropout rate in [0, 1) on the inputs.")
    var inputDropout: Float = 0

    @Option(parsing: .unconditional, help: "Passes over the training data (default: at most \(FitDefaults.maximumSteps) gradient steps with early stopping on \(FitDefaults.validationSplit) of the examples held out, at most \(FitDefaults.maximumValidationExamples); giving --epochs turns that off).")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Observations per gradient step.")
    var batchSize: Int = FitDefaults.batchSize

    @Option(help: "The optimizer.")
    var optimizer: OptimizerName = .adam

    @Option(parsing: .unconditional, help: "Learning rate (default \(OptimizerName.adam.defaultLearningRate); \(OptimizerName.sgd.defaultLearningRate) for sgd).")
    var lr: Float?

    @Option(parsing: .unconditional, help: "Momentum of sgd and rmsprop, in [0, 1).")
    var momentum: Float = 0

    @Option(parsing: .unconditional, help: "L2 weight decay λ ≥ 0 added to every gradient (default δ/N for mlp on CSV tables of N training rows, δ = \(FitDefaults.tablePriorPrecision); else 0).")
    var weightDecay: Float?

    @Option(parsing: .unconditional, help: "Fraction in [0, 1) of the data held out for validation (stratified for classes; default 0, or \(FitDefaults.validationSplit) of the examples, at most \(FitDefaults.maximumValidationExamples), without --epochs).")
    var validationSplit: Double = 0

    @Option(parsing: .unconditional, help: "Stop after N epochs without improvement of validation NLL (training loss without validation) and keep the best weights (default: none, or the epochs of \(FitDefaults.patienceSteps) gradient steps without --epochs).")
    var patience: Int?

    @Flag(help: "Do not standardize the features and the target.")
    var noStandardize = false

    @Flag(help: "Do not refit the output layer after training (by default mlp on CSV tables with dropout refits it on the dropout-off features of the training rows, kept if it clearly lowers the validation NLL).")
    var noOutputRefit = false

    @Flag(help: "Do not weigh the same-family GLM against the network (by default a single mlp on a CSV table also fits the GLM, the location linear in the features and every other parameter constant, on the training rows, and keeps it unless the network's validation NLLs are clearly lower: by more than two standard errors of the mean paired difference).")
    var noGlmCandidate = false

    @Option(help: "Image augmentation, comma-separated: flip, shift, rotate, noise, crop (optionally name=value).",
            transform: { try AugmentationPipeline(parsing: $0, argument: "--augment") })
    var augment: AugmentationPipeline?

    @Option(parsing: .unconditional, help: "Seed of the initial weights, shuffles, dropout masks and the validation split.",
            transform: OptionCheck.seed)
    var seed: UInt64 = 0

    @Option(help: "Directory for SVG plots: loss curves, and the first convolution layer's filters for CNNs.")
    var plots: String?

    @Flag(help: "After training, fit temperature scaling on the validation split (bernoulli and categorical; needs --validation-split).")
    var calibrate = false

    @Option(parsing: .unconditional, help: "With --calibrate: the MC-dropout passes of the predictive to calibrate (default 0: the deterministic network).")
    var calibrateMcSamples: Int?

    @Option(parsing: .unconditional, help: "Fraction in [0, 1) of the data held out (before any validation split) to conformalize the fitted model on; its conformity scores are saved with it, for predict/evaluate --level.")
    var conformalSplit: Double = 0

    @Option(parsing: .unconditional, help: "With --conformal-split: the MC-dropout passes of the predictive to conformalize (0: deterministic).")
    var conformalMcSamples: Int = 0

    @Option(parsing: .unconditional, help: "Train a deep ensemble of M members, each from its own seed stream (derived from --seed); the predictive is their equal-weight mixture.")
    var ensemble: Int = 1

    @Option(help: "After training, fit a Laplace posterior of the weights on the training rows: full, kfac, ekfac, diagonal or last-layer; the model's predictive is then the Laplace one.")
    var laplace: LaplaceStructure?

    @Option(help: "With --laplace: the prior precision, auto (maximise the evidence), auto-per-layer, weight-norm, gridsearch (the lowest validation NLL of the Laplace predictive on a grid; full and last-layer), or a number > 0.")
    var priorPrecision: PriorPrecision?

    @Flag(help: "No progress output.")
    var quiet = false

    @Flag(help: "Continue an interrupted run with the same options: fit from MODEL_DIR.checkpoint (written after every epoch) up to --epochs; tune past the trials MODEL_DIR/tuning.csv holds.")
    var resume = false

    func validate() throws {
        try check()
    }

    /// Every option's range and name; the data-dependent checks come in `run`.
    private func check() throws {
        if let components {
            try OptionCheck.require(components, in: 1...1000, "--components")
            guard family?.name == "mdn" else {
                throw InputError("--components sets the mixture components of --family mdn; the family here is \(family?.name ?? "chosen from the data"), which has none")
            }
        }
        if let epochs { try OptionCheck.require(epochs, in: 1...1_000_000, "--epochs") }
        try OptionCheck.require(batchSize, in: 1...1_000_000, "--batch-size")
        if let dropout { try OptionCheck.require(dropout, in: 0..<1, "--dropout") }
        try OptionCheck.require(inputDropout, in: 0..<1, "--input-dropout")
        if let lr { try OptionCheck.requirePositive(lr, "--lr") }
        try OptionCheck.require(momentum, in: 0..<1, "--momentum")
        if momentum != 0 && optimizer != .sgd && optimizer != .rmsprop {
            throw InputError("--momentum applies to --optimizer sgd and rmsprop; \(optimizer.rawValue) has no momentum setting")
        }
        if let weightDecay { try OptionCheck.require(weightDecay, in: 0..., "--weight-decay") }
        try OptionCheck.require(validationSplit, in: 0..<1, "--validation-split")
        if let patience { try OptionCheck.require(patience, in: 1..., "--patience") }
        try OptionCheck.require(ensemble, in: 1...ProbabilisticModel.maximumMemberCount, "--ensemble")
        if let calibrateMcSamples {
            try OptionCheck.require(calibrateMcSamples, in: 0...10_000, "--calibrate-mc-samples")
            guard calibrate else { throw InputError("--calibrate-mc-samples applies only with --calibrate") }
        }
        try OptionCheck.require(conformalSplit, in: 0..<1, "--conformal-split")
        try OptionCheck.require(conformalMcSamples, in: 0...10_000, "--conformal-mc-samples")
        if priorPrecision != nil && laplace == nil { throw InputError("--prior-precision applies only with --laplace") }
        if calibrate && validationSplit == 0 {
            throw InputError("--calibrate fits the temperature on held-out data: give --validation-split too (e.g. 0.1)")
        }
    }

    func run() throws {
        try check()
        let outputs = OutputPaths(inputs: [("DATA", data)])
        try outputs.checkDirectory(out, option: "--out", files: ModelDirectory.fileNames)
        if let plots { try outputs.checkDirectory(plots, option: "--plots", files: TrainingPlots.names) }
        let world = try ProcessGroup.current()
        let quiet = quiet || !world.isRoot
        var prepared = try prepare(quiet: quiet)
        if !quiet, prepared.family == .normal, prepared.data.targetsAreWholeNumbers {
            say(LoadedData.wholeNumberNote)
        }
        encodeOnTrainingRows(&prepared, quiet: quiet)
        try world.agree(on: RunFingerprint(prepared.data, options: shapingOptions))
        let calibration = try holdOutCalibration(&prepared)
        let checkpoint = FitDefaults.checkpoint(of: out)
        // An ensemble keeps member j's checkpoint in CHECKPOINT/member_j; member 0 comes first.
        let firstCheckpoint = ensemble > 1 ? DataSource.join(checkpoint, "member_0") : checkpoint
        if resume, !FileManager.default.fileExists(atPath: firstCheckpoint) {
            throw InputError("--resume: no checkpoint in \(checkpoint) (an earlier fit of \(out) with the same --ensemble writes one after every epoch)")
        }
        // Member-parallel (M ≥ N): each rank checkpoints its own members; else rank 0 alone.
        let writesCheckpoint = world.isRoot || ensemble >= world.size
        let (model, history) = try train(prepared, plan: plan(prepared), world: world, quiet: quiet,
                                         checkpoint: writesCheckpoint ? checkpoint : nil, resume: resume ? checkpoint : nil)
        if let calibration {
            guard let predictive = model.predictive(calibration.features, mcSamples: conformalMcSamples, seed: seed, over: world) else { return }
            model.conformalize(predictive, targets: calibration.targets, mcSamples: conformalMcSamples, seed: seed)
        }
        guard world.isRoot else { return }
        // The model last, so that a failure before it leaves an older model in place whole.
        if let plots { try TrainingPlots.write(history: history, model: model, to: plots) }
        try ModelDirectory.save(model, to: out, history: history)
        if !quiet {
            let last = history.epochs.last
            var line: String
            if model.memberCount > 1 {
                line = "saved \(out) (\(model.memberCount) members, epochs run: \(history.epochs.count), kept epochs "
                    + history.keptEpochs.map(String.init).joined(separator: ",")
            } else {
                line = "saved \(out) (epochs run: \(history.epochs.count), kept epoch \(history.keptEpoch)"
                if let last { line += String(format: ", final loss %.4f", last.loss) }
                // The kept epoch's validation NLL: with --patience that is the best epoch, not the last.
                if let nll = history.epochs.first(where: { $0.epoch == history.keptEpoch })?.validationNLL {
                    line += String(format: ", its validation NLL %.4f", nll)
                }
                if let refit = history.outputRefits.first {
                    line += refit.kept ? ", output layer refitted" : ", output layer refit not kept"
                }
                if let glm = history.glmCandidate {
                    // The difference of the two validation NLLs weighed (the same rows and units).
                    let weighed = switch (glm.validationNLLGLM, glm.validationNLLNetwork) {
                    case let (g?, n?): String(format: "validation NLL of the GLM minus the network's: %+.4f", g - n)
                    case (nil, _): "the GLM's validation NLL not finite"
                    case (_, nil): "the network's validation NLL not finite"
                    }
                    line += glm.kept ? ", the GLM kept (\(weighed); the network not clearly better)"
                        : ", the network kept over the GLM (\(weighed))"
                }
            }
            if let t = history.temperature { line += String(format: ", temperature %.4f", t) }
            if let t = history.temperature, TemperatureScaling.isAtBound(t) {
                let range = TemperatureScaling.temperatureRange
                say("note: the fitted temperature \(t) is at a bound of its search range [\(range.lowerBound), \(range.upperBound)]: the validation data do not settle it (probabilities are pushed towards 0 or 1); hold out more validation data, or do not calibrate")
            }
            if let c = model.conformal { line += ", \(c.count) conformity scores" }
            printResult(line + ")")
        }
    }
}

extension MissingPolicy: ExpressibleByArgument {}
