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
            --family normal for a numeric target, categorical for class labels and images; 10 epochs, \
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

    @Option(help: "CSV feature columns to one-hot encode, comma-separated (default: every feature column holding a cell that is not a number).")
    var categorical: String?

    @Option(help: "Missing CSV cells (empty, NA, NaN, null, ...): error, drop (leave the row out) or impute (the training mean; a \"missing\" category for categorical columns).")
    var missing: MissingPolicy = .error

    @Option(help: "The predicted distribution (default: normal for a numeric target, categorical for class labels and images).")
    var family: Family?

    @Option(help: "The link for positive parameters.")
    var scaleLink: ScaleLink = .exp

    @Option(help: "Mixture components for --family mdn.")
    var components: Int = 3

    @Option(help: "The network (default mlp for tables, seed-cnn for images).")
    var arch: Architecture?

    @Option(help: "Hidden layer sizes of mlp: comma-separated positive integers (an empty string: none).")
    var hidden = LayerSizes([50, 50])

    @Option(help: "Dropout rate in [0, 1) (default 0 for mlp, 0.25 for the CNNs); > 0 enables MC dropout.")
    var dropout: Float?

    @Option(help: "Dropout rate in [0, 1) on the inputs.")
    var inputDropout: Float = 0

    @Option(help: "Passes over the training data.")
    var epochs: Int = 10

    @Option(help: "Observations per gradient step.")
    var batchSize: Int = 32

    @Option(help: "The optimizer.")
    var optimizer: OptimizerName = .adam

    @Option(help: "Learning rate (default 0.001; 0.01 for sgd).")
    var lr: Float?

    @Option(help: "Momentum of sgd and rmsprop, in [0, 1).")
    var momentum: Float = 0

    @Option(help: "L2 weight decay λ ≥ 0 added to every gradient.")
    var weightDecay: Float = 0

    @Option(help: "Fraction in [0, 1) of the data held out for validation (stratified for classes).")
    var validationSplit: Double = 0

    @Option(help: "Stop after N epochs without improvement of validation NLL (training loss without validation) and keep the best weights.")
    var patience: Int?

    @Flag(help: "Do not standardize the features and the target.")
    var noStandardize = false

    @Option(help: "Image augmentation, comma-separated: flip, shift, rotate, noise, crop (optionally name=value).")
    var augment: String?

    @Option(help: "Seed of the initial weights, shuffles, dropout masks and the validation split.")
    var seed: UInt64 = 0

    @Option(help: "Directory for SVG plots: loss curves, and the first convolution layer's filters for CNNs.")
    var plots: String?

    @Flag(help: "After training, fit temperature scaling on the validation split (bernoulli and categorical; needs --validation-split).")
    var calibrate = false

    @Option(help: "With --calibrate: the MC-dropout passes of the predictive to calibrate (0: the deterministic network).")
    var calibrateMcSamples: Int = 0

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        try check()
    }

    /// Every option's range and name; the data-dependent checks come in `run`.
    private func check() throws {
        try OptionCheck.require((1...1000).contains(components), "--components", "in 1...1000", got: components)
        try OptionCheck.require(epochs >= 1 && epochs <= 1_000_000, "--epochs", "≥ 1", got: epochs)
        try OptionCheck.require(batchSize >= 1 && batchSize <= 1_000_000, "--batch-size", "≥ 1", got: batchSize)
        if let dropout { try OptionCheck.require(dropout >= 0 && dropout < 1, "--dropout", "in [0, 1)", got: dropout) }
        try OptionCheck.require(inputDropout >= 0 && inputDropout < 1, "--input-dropout", "in [0, 1)", got: inputDropout)
        if let lr { try OptionCheck.require(lr > 0 && lr.isFinite, "--lr", "a positive number", got: lr) }
        try OptionCheck.require(momentum >= 0 && momentum < 1, "--momentum", "in [0, 1)", got: momentum)
        try OptionCheck.require(weightDecay >= 0 && weightDecay.isFinite, "--weight-decay", "≥ 0", got: weightDecay)
        try OptionCheck.require(validationSplit >= 0 && validationSplit < 1, "--validation-split", "in [0, 1)", got: validationSplit)
        if let patience { try OptionCheck.require(patience >= 1, "--patience", "≥ 1", got: patience) }
        try OptionCheck.require(calibrateMcSamples >= 0 && calibrateMcSamples <= 10_000, "--calibrate-mc-samples", "in 0...10000", got: calibrateMcSamples)
        if calibrate && validationSplit == 0 {
            throw InputError("--calibrate fits the temperature on held-out data: give --validation-split too (e.g. 0.1)")
        }
        if let features { _ = try OptionCheck.names(features, option: "--features") }
        if let categorical { _ = try OptionCheck.names(categorical, option: "--categorical") }
        if let augment { _ = try AugmentationPipeline(parsing: augment, argument: "--augment") }
    }

    func run() throws {
        try check()
        let (loaded, family) = try DataSource.loadTraining(
            data, target: target, features: try features.map { try OptionCheck.names($0, option: "--features") },
            family: family,
            categorical: try categorical.map { .named(try OptionCheck.names($0, option: "--categorical")) } ?? .automatic,
            missing: missing)
        var data = loaded
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
        if validationSplit > 0 {
            let held = Int((Double(data.count) * validationSplit).rounded())
            guard held >= 1 && held < data.count else {
                throw InputError("--validation-split \(validationSplit) of \(data.count) examples leaves \(held) for validation and \(data.count - held) for training; each needs at least one")
            }
        }

        let classCount = data.classNames?.count ?? 2
        let head = Head(family, scaleLink: scaleLink,
                        classCount: family.support == .classes ? classCount : 2, components: components)
        let model = try ModelFactory.make(
            architecture: architecture, inputShape: data.exampleShape, head: head,
            hidden: hidden.sizes,
            dropout: dropout ?? (architecture.takesImages ? 0.25 : 0), inputDropout: inputDropout, seed: seed)
        // Under mpirun every process trains on its shard of each global batch; rank 0 writes.
        let world = try ProcessGroup.current()
        model.broadcastWeights(over: world)
        let quiet = quiet || !world.isRoot
        model.classNames = family.support.isClassification ? data.classNames : nil
        model.featureNames = data.columnNames ?? data.featureNames
        model.featureEncoding = data.encoding
        model.targetName = data.targetName

        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = batchSize
        options.optimizer = optimizer.make(learningRate: lr, momentum: momentum, weightDecay: weightDecay)
        options.seed = seed
        options.validation = validationSplit > 0 ? .fraction(validationSplit) : .none
        options.earlyStopping = patience.map { TrainingOptions.EarlyStopping(patience: $0) }
        options.augmentation = augmentation
        options.standardizeFeatures = !noStandardize
        options.standardizeTarget = !noStandardize
        options.distribute(over: world)
        if calibrate {
            guard family.support.isClassification else {
                throw InputError("--calibrate applies to bernoulli and categorical heads, not \(family.name)")
            }
            options.calibrateTemperature = true
            options.calibrationMCSamples = calibrateMcSamples
        }
        let terminal = isatty(STDOUT_FILENO) == 1
        options.showProgress = !quiet && terminal
        if !quiet && !terminal {
            options.onEpochEnd = { record in say(EpochLine.text(record, of: epochs)) }
        }
        if !quiet, data.droppedForMissing > 0 {
            say("dropped \(data.droppedForMissing) rows with missing cells")
        }
        if !quiet, let encoding = data.encoding, !encoding.categoricalColumns.isEmpty {
            say("one-hot encoded " + encoding.columns.compactMap { c in c.categories.map { "\(c.name) (\($0.count) categories)" } }
                .joined(separator: ", "))
        }
        if !quiet {
            say("fitting \(architecture.rawValue) with a \(family.name) head on \(data.count) examples of \(data.exampleShape) from \(data.kind.rawValue) \(data.path)")
        }
        let history: History
        do {
            history = try model.fit(data.dataset, options: options)
        } catch let error as TrainingError {
            throw RunFailure(message: error.description)
        }
        guard world.isRoot else { return }
        try ModelDirectory.save(model, to: out, history: history)
        if let plots { try TrainingPlots.write(history: history, model: model, to: plots) }
        if !quiet {
            let last = history.epochs.last
            var line = "saved \(out) (epochs run: \(history.epochs.count), kept epoch \(history.keptEpoch)"
            if let last { line += String(format: ", final loss %.4f", last.loss) }
            if let nll = last?.validationNLL { line += String(format: ", validation NLL %.4f", nll) }
            if let t = history.temperature { line += String(format: ", temperature %.4f", t) }
            say(line + ")")
        }
    }
}

extension MissingPolicy: ExpressibleByArgument {}

/// The optimizers `--optimizer` names.
enum OptimizerName: String, CaseIterable {
    case adam, sgd, rmsprop, adagrad

    /// The optimizer with Keras's default learning rate unless one is given.
    func make(learningRate: Float?, momentum: Float, weightDecay: Float) -> any Optimizer {
        switch self {
        case .adam: Adam(learningRate: .constant(learningRate ?? 0.001), weightDecay: weightDecay)
        case .sgd: SGD(learningRate: .constant(learningRate ?? 0.01), momentum: momentum, weightDecay: weightDecay)
        case .rmsprop: RMSprop(learningRate: .constant(learningRate ?? 0.001), momentum: momentum, weightDecay: weightDecay)
        case .adagrad: Adagrad(learningRate: .constant(learningRate ?? 0.001), weightDecay: weightDecay)
        }
    }
}

/// One line per epoch when stdout is not a terminal (logs, pipes).
enum EpochLine {
    static func text(_ record: EpochRecord, of epochs: Int) -> String {
        var line = String(format: "epoch %d/%d  loss %.4f", record.epoch, epochs, record.loss)
        if let nll = record.validationNLL { line += String(format: "  val_nll %.4f", nll) }
        if let accuracy = record.validationAccuracy { line += String(format: "  val_accuracy %.4f", accuracy) }
        if let rmse = record.validationRMSE { line += String(format: "  val_rmse %.4f", rmse) }
        return line + String(format: "  %.1fs", record.seconds)
    }
}

/// Builds the network of `likely fit`.
enum ModelFactory {
    /// A built-in architecture sized for `head`, with an input dropout layer first when
    /// `inputDropout` > 0.
    static func make(architecture: Architecture, inputShape: [Int], head: Head, hidden: [Int], dropout: Float,
                     inputDropout: Float, seed: UInt64) throws -> ProbabilisticModel {
        var random = RandomSource(seed: seed, stream: 0x1417)
        var specs = architecture.specs(inputShape: inputShape, hidden: hidden, dropout: dropout, outputs: head.rawOutputCount)
        if inputDropout > 0 { specs.insert(.dropout(rate: inputDropout), at: 0) }
        let network: Sequential
        do {
            network = try Sequential(specs: specs, inputShape: inputShape, using: &random)
        } catch let error as LayerSpecError {
            throw InputError("--arch \(architecture.rawValue) cannot take inputs of shape \(inputShape): \(error)")
        }
        return ProbabilisticModel(network: network, head: head, inputShape: inputShape)
    }
}
