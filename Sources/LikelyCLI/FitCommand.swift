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
            DATA is a CSV file with a header row, a directory of MNIST-layout IDX files (the train \
            files are used), or a directory holding x.npy and y.npy. MODEL_DIR receives model.json, \
            weights.safetensors and history.csv. Defaults: --arch mlp for tables, seed-cnn for images; \
            --family normal for a numeric target, categorical for class labels and images; 10 epochs for \
            images, for tables as many as give about 500 gradient steps (10...1000) and dropout 0.1, \
            batch size 32, Adam with learning rate 0.001 (SGD: 0.01).
            """)

    @Argument(help: "A CSV file, an MNIST-layout IDX directory, or a directory with x.npy and y.npy.")
    var data: String

    @Option(name: .customLong("out"), help: "The model directory to write.")
    var out: String

    @Option(help: "The CSV target column (default: the last column).")
    var target: String?

    @Option(help: "The CSV feature columns, comma-separated (default: every column but the target).")
    var features: String?

    @Option(help: "Names of the class indices 0, 1, … of an IDX or NPY directory, comma-separated (default: the Fashion-MNIST names for /usr/share/datasets/fashion-mnist, else the indices).")
    var classNames: String?

    @Option(help: "CSV feature columns to one-hot encode, comma-separated (default: every feature column holding a cell that is not a number).")
    var categorical: String?

    @Option(help: "Missing CSV cells (empty, NA, NaN, null, ...): error, drop (leave the row out) or impute (the training mean; a \"missing\" category for categorical columns).")
    var missing: MissingPolicy = .error

    @Option(help: "The predicted distribution (default: normal for a numeric target, categorical for class labels and images).")
    var family: Family?

    @Option(help: "The link for positive parameters.")
    var scaleLink: ScaleLink = .exp

    @Option(parsing: .unconditional, help: "Mixture components for --family mdn (default 3).")
    var components: Int?

    @Option(help: "The network (default mlp for tables, seed-cnn for images).")
    var arch: Architecture?

    @Option(help: "Hidden layer sizes of mlp: comma-separated positive integers (an empty string: none).")
    var hidden = LayerSizes([50, 50])

    @Option(parsing: .unconditional, help: "Dropout rate in [0, 1) (default 0.1 for mlp on CSV tables, 0 for mlp on arrays and images, 0.25 for the CNNs); > 0 enables MC dropout.")
    var dropout: Float?

    @Option(parsing: .unconditional, help: "Dropout rate in [0, 1) on the inputs.")
    var inputDropout: Float = 0

    @Option(parsing: .unconditional, help: "Passes over the training data (default: 10 for images; for tables enough for about 500 gradient steps, within 10...1000).")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Observations per gradient step.")
    var batchSize: Int = 32

    @Option(help: "The optimizer.")
    var optimizer: OptimizerName = .adam

    @Option(parsing: .unconditional, help: "Learning rate (default 0.001; 0.01 for sgd).")
    var lr: Float?

    @Option(parsing: .unconditional, help: "Momentum of sgd and rmsprop, in [0, 1).")
    var momentum: Float = 0

    @Option(parsing: .unconditional, help: "L2 weight decay λ ≥ 0 added to every gradient (default 0.1 for mlp on CSV tables, else 0).")
    var weightDecay: Float?

    @Option(parsing: .unconditional, help: "Fraction in [0, 1) of the data held out for validation (stratified for classes).")
    var validationSplit: Double = 0

    @Option(parsing: .unconditional, help: "Stop after N epochs without improvement of validation NLL (training loss without validation) and keep the best weights.")
    var patience: Int?

    @Flag(help: "Do not standardize the features and the target.")
    var noStandardize = false

    @Option(help: "Image augmentation, comma-separated: flip, shift, rotate, noise, crop (optionally name=value).")
    var augment: String?

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
            try OptionCheck.require((1...1000).contains(components), "--components", "in 1...1000", got: components)
            guard family?.name == "mdn" else {
                throw InputError("--components sets the mixture components of --family mdn; the family here is \(family?.name ?? "chosen from the data"), which has none")
            }
        }
        if let epochs { try OptionCheck.require(epochs >= 1 && epochs <= 1_000_000, "--epochs", "in 1...1000000", got: epochs) }
        try OptionCheck.require(batchSize >= 1 && batchSize <= 1_000_000, "--batch-size", "in 1...1000000", got: batchSize)
        if let dropout { try OptionCheck.require(dropout >= 0 && dropout < 1, "--dropout", "in [0, 1)", got: dropout) }
        try OptionCheck.require(inputDropout >= 0 && inputDropout < 1, "--input-dropout", "in [0, 1)", got: inputDropout)
        if let lr { try OptionCheck.require(lr > 0 && lr.isFinite, "--lr", "a positive number", got: lr) }
        try OptionCheck.require(momentum >= 0 && momentum < 1, "--momentum", "in [0, 1)", got: momentum)
        if momentum != 0 && optimizer != .sgd && optimizer != .rmsprop {
            throw InputError("--momentum applies to --optimizer sgd and rmsprop; \(optimizer.rawValue) has no momentum setting")
        }
        if let weightDecay { try OptionCheck.require(weightDecay >= 0 && weightDecay.isFinite, "--weight-decay", "≥ 0", got: weightDecay) }
        try OptionCheck.require(validationSplit >= 0 && validationSplit < 1, "--validation-split", "in [0, 1)", got: validationSplit)
        if let patience { try OptionCheck.require(patience >= 1, "--patience", "≥ 1", got: patience) }
        try OptionCheck.require((1...ProbabilisticModel.maximumMemberCount).contains(ensemble), "--ensemble",
                                "in 1...\(ProbabilisticModel.maximumMemberCount)", got: ensemble)
        if let calibrateMcSamples {
            try OptionCheck.require(calibrateMcSamples >= 0 && calibrateMcSamples <= 10_000, "--calibrate-mc-samples", "in 0...10000", got: calibrateMcSamples)
            guard calibrate else { throw InputError("--calibrate-mc-samples applies only with --calibrate") }
        }
        try OptionCheck.require(conformalSplit >= 0 && conformalSplit < 1, "--conformal-split", "in [0, 1)", got: conformalSplit)
        try OptionCheck.require(conformalMcSamples >= 0 && conformalMcSamples <= 10_000, "--conformal-mc-samples", "in 0...10000", got: conformalMcSamples)
        if calibrate && validationSplit == 0 {
            throw InputError("--calibrate fits the temperature on held-out data: give --validation-split too (e.g. 0.1)")
        }
        if let features { _ = try OptionCheck.names(features, option: "--features") }
        if let categorical { _ = try OptionCheck.names(categorical, option: "--categorical") }
        if let augment { _ = try AugmentationPipeline(parsing: augment, argument: "--augment") }
    }

    func run() throws {
        try check()
        let outputs = OutputPaths(inputs: [("DATA", data)])
        try outputs.checkDirectory(out, option: "--out", files: ModelDirectory.fileNames)
        if let plots { try outputs.checkDirectory(plots, option: "--plots", files: TrainingPlots.names) }
        let world = try ProcessGroup.current()
        let quiet = quiet || !world.isRoot
        var prepared = try prepare(quiet: quiet)
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
            }
            if let t = history.temperature { line += String(format: ", temperature %.4f", t) }
            if let t = history.temperature, TemperatureScaling.isAtBound(t) {
                let range = TemperatureScaling.temperatureRange
                say("note: the fitted temperature \(t) is at a bound of its search range [\(range.lowerBound), \(range.upperBound)]: the validation data do not settle it (probabilities are pushed towards 0 or 1); hold out more validation data, or do not calibrate")
            }
            if let c = model.conformal { line += ", \(c.count) conformity scores" }
            say(line + ")")
        }
    }
}

extension MissingPolicy: ExpressibleByArgument {}
