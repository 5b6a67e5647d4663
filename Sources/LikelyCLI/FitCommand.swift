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
        let (model, history) = try train(prepared, settings: settings, world: world, quiet: quiet,
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

    /// With `--conformal-split F`: removes a seeded fraction F of the examples (stratified by
    /// class) from `prepared` and returns them, the calibration set of the fitted model.
    func holdOutCalibration(_ prepared: inout Prepared) throws -> Dataset? {
        guard conformalSplit > 0 else { return nil }
        let all = prepared.data.dataset, n = all.count
        let held = Int((Double(n) * conformalSplit).rounded())
        guard held >= 1 && held < n else {
            throw InputError("--conformal-split \(conformalSplit) of \(n) examples leaves \(held) for calibration and \(n - held) for training; each needs at least one")
        }
        var random = conformalSplitRandom
        let split = all.split(validationFraction: conformalSplit, stratified: prepared.family.support.isClassification, using: &random)
        prepared.data.features = split.train.features
        prepared.data.targets = split.train.targets
        return split.validation
    }

    /// The options `likely tune` searches or holds fixed (`nil`: the default).
    struct Settings: Equatable {
        var hidden: [Int]
        var dropout: Float?
        var lr: Float?
        var weightDecay: Float?
        var epochs: Int?
        var validationSplit: Double
        var patience: Int?
        /// The head's family (`nil`: the one `prepare` chose from --family or the data).
        var family: Family? = nil
        /// The ensemble's members (`nil`: --ensemble); `likely tune` scores single networks.
        var members: Int? = nil
    }

    /// This command's own settings.
    var settings: Settings {
        Settings(hidden: hidden.sizes, dropout: dropout, lr: lr,
                 weightDecay: weightDecay, epochs: epochs, validationSplit: validationSplit, patience: patience)
    }

    /// The training data read and checked, and the network kind it calls for.
    struct Prepared {
        var data: LoadedData
        var family: Family
        var architecture: Architecture
        var augmentation: AugmentationPipeline?
    }

    /// Reads DATA (reporting dropped rows and one-hot columns unless `quiet`) and checks it
    /// against the architecture and augmentation.
    func prepare(quiet: Bool) throws -> Prepared {
        let (loaded, family) = try DataSource.loadTraining(
            data, target: target, features: try features.map { try OptionCheck.names($0, option: "--features") },
            family: family,
            categorical: try categorical.map { .named(try OptionCheck.names($0, option: "--categorical")) } ?? .automatic,
            missing: missing)
        var data = loaded
        try nameClasses(&data, family: family)
        let isImage = data.exampleShape.count == 3
        let architecture = arch ?? (isImage ? .seedCNN : .mlp)
        if architecture.takesImages && !isImage {
            throw InputError("--arch \(architecture.rawValue) takes images [H, W, C], but DATA \(data.path) holds feature vectors of \(data.exampleShape); use --arch mlp")
        }
        if !architecture.takesImages && isImage {
            // mlp on images: one feature per pixel.
            data.features = data.features.reshaped(to: [data.count, data.exampleShape.reduce(1, *)])
        }
        var augmentation: AugmentationPipeline?
        if let augment {
            guard architecture.takesImages else {
                throw InputError("--augment transforms images, but the model (\(architecture.rawValue)) takes feature vectors")
            }
            augmentation = try AugmentationPipeline(parsing: augment, argument: "--augment")
        }
        if !quiet, data.droppedForMissing > 0 {
            say(data.droppedNote)
        }
        if !quiet, let encoding = data.encoding, !encoding.categoricalColumns.isEmpty {
            say("one-hot encoded " + encoding.columns.compactMap { c in c.categories.map { "\(c.name) (\($0.count) categories)" } }
                .joined(separator: ", "))
        }
        return Prepared(data: data, family: family, architecture: architecture, augmentation: augmentation)
    }

    /// Class names for IDX and NPY labels: `--class-names`, or Fashion-MNIST's for the system
    /// package's directory; CSV tables name their classes themselves.
    func nameClasses(_ data: inout LoadedData, family: Family) throws {
        guard data.kind != .table, family.support.isClassification, let count = data.classNames?.count else {
            if classNames != nil { throw InputError("--class-names names the class indices of IDX or NPY labels; DATA \(data.path) is a \(data.kind.rawValue) with \(family.support.isClassification ? "named classes" : "numeric targets")") }
            return
        }
        if let classNames {
            let names = try OptionCheck.names(classNames, option: "--class-names")
            guard names.count == count else {
                throw InputError("--class-names gives \(names.count) names; the labels of \(data.path) have \(count) classes")
            }
            data.classNames = names
        } else if count == FashionDemo.classNames.count,
                  URL(fileURLWithPath: data.path).standardizedFileURL.resolvingSymlinksInPath().path == FashionDemo.systemDirectory {
            data.classNames = FashionDemo.classNames
        }
    }

    /// The default epochs: 10 for images and arrays of images; for tables as many epochs as
    /// give about `FitDefaults.tableSteps` gradient steps, within 10...1000.
    static func defaultEpochs(_ prepared: Prepared, batchSize: Int, validationSplit: Double) -> Int {
        guard prepared.data.kind == .table else { return 10 }
        let training = max(1, Int((Double(prepared.data.count) * (1 - validationSplit)).rounded()))
        let steps = (training + batchSize - 1) / batchSize
        return min(1000, max(10, (FitDefaults.tableSteps + steps - 1) / steps))
    }

    /// Builds the model of `settings` and trains it on `prepared` (data-parallel over
    /// `world`); only rank 0's result is to be saved.
    /// - Parameters:
    ///   - checkpoint: a directory to write the training state to after every epoch.
    ///   - resume: a checkpoint directory to continue from.
    ///   - validation: held-out examples to validate on instead of `settings.validationSplit`
    ///     (`likely tune`'s cross-validation folds).
    func train(_ prepared: Prepared, settings: Settings, world: any Communicator, quiet: Bool,
               progress: Bool = true, checkpoint: String? = nil, resume: String? = nil,
               validation: Dataset? = nil) throws -> (ProbabilisticModel, History) {
        let data = prepared.data, family = settings.family ?? prepared.family, architecture = prepared.architecture
        let members = settings.members ?? ensemble
        if settings.validationSplit > 0 {
            let held = Int((Double(data.count) * settings.validationSplit).rounded())
            guard held >= 1 && held < data.count else {
                throw InputError("--validation-split \(settings.validationSplit) of \(data.count) examples leaves \(held) for validation and \(data.count - held) for training; each needs at least one")
            }
        }
        let classCount = data.classNames?.count ?? 2
        let head = Head(family, scaleLink: scaleLink,
                        classCount: family.support == .classes ? classCount : 2, components: components ?? 3)
        let model = try ModelFactory.make(
            architecture: architecture, inputShape: data.exampleShape, head: head, hidden: settings.hidden,
            dropout: settings.dropout ?? FitDefaults.dropout(architecture, data.kind), inputDropout: inputDropout, seed: seed,
            members: members)
        // Under mpirun every process trains on its shard of each global batch; rank 0 writes.
        model.broadcastWeights(over: world)
        model.classNames = family.support.isClassification ? data.classNames : nil
        model.featureNames = data.columnNames ?? data.featureNames
        model.featureEncoding = data.encoding
        model.targetName = data.targetName

        let epochs = settings.epochs ?? Self.defaultEpochs(prepared, batchSize: batchSize, validationSplit: settings.validationSplit)
        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = batchSize
        options.optimizer = optimizer.make(learningRate: settings.lr, momentum: momentum, weightDecay: settings.weightDecay ?? FitDefaults.weightDecay(architecture, data.kind))
        options.seed = seed
        options.validation = validation.map { .data($0) } ?? (settings.validationSplit > 0 ? .fraction(settings.validationSplit) : .none)
        options.earlyStopping = settings.patience.map { TrainingOptions.EarlyStopping(patience: $0) }
        options.augmentation = prepared.augmentation
        options.standardizeFeatures = !noStandardize
        options.standardizeTarget = !noStandardize
        options.distribute(over: world, members: members)
        if calibrate {
            guard family.support.isClassification else {
                throw InputError("--calibrate applies to bernoulli and categorical heads, not \(family.name)")
            }
            options.calibrateTemperature = true
            options.calibrationMCSamples = calibrateMcSamples ?? 0
        }
        let terminal = isatty(STDOUT_FILENO) == 1
        options.showProgress = progress && !quiet && terminal
        if progress && !quiet && !terminal {
            options.onEpochEnd = { record in say(ProbabilisticModel.epochLine(record, of: epochs)) }
        }
        if progress && !quiet {
            let held = settings.validationSplit > 0 ? Int((Double(data.count) * settings.validationSplit).rounded()) : 0
            let counted = held > 0 ? "\(data.count - held) examples (\(held) more held out for validation)" : "\(data.count) examples"
            let what = members > 1 ? "an ensemble of \(members) \(architecture.rawValue) members" : architecture.rawValue
            say("fitting \(what) with a \(family.name) head on \(counted) of \(data.exampleShape) from \(data.kind.rawValue) \(data.path)")
        }
        do {
            options.checkpoint = checkpoint.map { TrainingOptions.Checkpointing(directory: $0, keep: .last) }
            return (model, try model.fit(data.dataset, options: options, resume: resume))
        } catch let error as CheckpointError {
            throw InputError("--resume: \(error); delete \(error.directory) to start afresh, or drop --resume")
        } catch let error as ModelFileError where resume != nil {
            throw InputError("--resume: \(error); delete \(resume ?? "") to start afresh, or drop --resume")
        } catch let error as TrainingError {
            throw RunFailure(message: error.description)
        }
    }
}

extension MissingPolicy: ExpressibleByArgument {}

/// The defaults of `likely fit` that depend on the data.
enum FitDefaults {
    /// Gradient steps a table's default epochs aim at. Measured on scikit-learn's diabetes
    /// and statsmodels' engel tables (5 random 80/20 splits, docs/cli.md): 10 epochs of a
    /// 200-row table (60 Adam steps at lr 0.001) are not converged, 4000 steps overfit the
    /// heteroscedastic Normal badly without weight decay (test NLL 29–88 on diabetes); about
    /// 500 steps with dropout 0.1 and `tableWeightDecay` are close to tuned models. Doubling
    /// them helped MASS's Boston and hurt statsmodels' star98.
    static let tableSteps = 500
    /// The dropout rate of `mlp` on tables when `--dropout` is not given.
    static let tableDropout: Float = 0.1
    /// The dropout rate when `--dropout` is not given: 0.25 for the CNNs, `tableDropout` for
    /// `mlp` on CSV tables, 0 for `mlp` on arrays and images.
    static func dropout(_ architecture: Architecture, _ kind: DataKind) -> Float {
        architecture.takesImages ? 0.25 : kind == .table ? tableDropout : 0
    }
    /// The L2 weight decay of `mlp` on tables when `--weight-decay` is not given. Measured on
    /// diabetes, statsmodels' engel, grunfeld, star98 and fair and MASS's Boston (5 random
    /// splits each, docs/cli.md), λ in {0, 0.03, 0.1, 0.2}: 0.1 had the lowest test NLL on
    /// diabetes (5.350 against 5.416 at 0) and improved grunfeld, star98, fair and Boston,
    /// costing 0.03 on engel.
    static let tableWeightDecay: Float = 0.1
    /// The weight decay when `--weight-decay` is not given: `tableWeightDecay` for `mlp` on
    /// CSV tables, 0 otherwise.
    static func weightDecay(_ architecture: Architecture, _ kind: DataKind) -> Float {
        !architecture.takesImages && kind == .table ? tableWeightDecay : 0
    }
    /// Where `fit` keeps the state `--resume` continues from: the sibling directory
    /// `MODEL_DIR.checkpoint`, so a killed fit never touches the previous model in MODEL_DIR.
    static func checkpoint(of out: String) -> String {
        (out.hasSuffix("/") ? String(out.dropLast()) : out) + ".checkpoint"
    }
}

/// The optimizers `--optimizer` names.
enum OptimizerName: String, CaseIterable {
    case adam, sgd, rmsprop, adagrad

    /// Keras's default learning rate: 0.01 for sgd, 0.001 for the others.
    var defaultLearningRate: Float { self == .sgd ? 0.01 : 0.001 }

    /// The optimizer with `defaultLearningRate` unless one is given.
    func make(learningRate: Float?, momentum: Float, weightDecay: Float) -> any Optimizer {
        let rate = LearningRateSchedule.constant(learningRate ?? defaultLearningRate)
        return switch self {
        case .adam: Adam(learningRate: rate, weightDecay: weightDecay)
        case .sgd: SGD(learningRate: rate, momentum: momentum, weightDecay: weightDecay)
        case .rmsprop: RMSprop(learningRate: rate, momentum: momentum, weightDecay: weightDecay)
        case .adagrad: Adagrad(learningRate: rate, weightDecay: weightDecay)
        }
    }
}

/// Builds the network of `likely fit`.
enum ModelFactory {
    /// The library's ensemble constructor
    /// (`ProbabilisticModel(architecture:…:inputDropout:members:seed:)`), its errors named
    /// by option.
    static func make(architecture: Architecture, inputShape: [Int], head: Head, hidden: [Int], dropout: Float,
                     inputDropout: Float, seed: UInt64, members: Int = 1) throws -> ProbabilisticModel {
        do {
            return try ProbabilisticModel(architecture: architecture, inputShape: inputShape, head: head, hidden: hidden,
                                          dropout: dropout, inputDropout: inputDropout, members: members, seed: seed)
        } catch let error as EnsembleSizeError {
            throw InputError("--ensemble \(members): \(error)")
        } catch let error as LayerSpecError {
            throw InputError("--arch \(architecture.rawValue) cannot take inputs of shape \(inputShape): \(error)")
        } catch let error as NetworkSizeError {
            throw InputError("--arch \(architecture.rawValue) with --hidden \(hidden.map(String.init).joined(separator: ",")) on inputs of shape \(inputShape): \(error)")
        }
    }
}
