import ArgumentParser
import Foundation
import Likely

// `likely fit` as calls of the library: the data read and checked, the `FitPlan` of the
// options, and the library's errors named by option.
extension FitCommand {
    /// With `--conformal-split F`: removes a seeded fraction F of the examples (stratified by
    /// class) from `prepared` and returns them, the calibration set of the fitted model.
    func holdOutCalibration(_ prepared: inout Prepared) throws -> Dataset? {
        guard conformalSplit > 0 else { return nil }
        let all = prepared.data.dataset, n = all.count
        let held = Int((Double(n) * conformalSplit).rounded())
        guard held >= 1 && held < n else {
            throw InputError("--conformal-split \(conformalSplit) of \(n) examples leaves \(held) for calibration and \(n - held) for training; each needs at least one")
        }
        let parts = TrainingRows.parts(of: all, seed: seed, conformalFraction: conformalSplit, validationFraction: 0,
                                       stratified: prepared.family.support.isClassification)
        let train = all.subset(parts.train)
        prepared.data.features = train.features
        prepared.data.targets = train.targets
        prepared.beforeCalibration = all
        return all.subset(parts.conformal)
    }

    /// The training data read and checked, and the network kind it calls for.
    struct Prepared {
        var data: LoadedData
        var family: Family
        var architecture: Architecture
        var augmentation: AugmentationPipeline?
        /// With `--conformal-split`: all of DATA's examples, before the calibration rows were held out.
        var beforeCalibration: Dataset?
    }

    /// Reads DATA (reporting dropped rows and one-hot columns unless `quiet`) and checks it
    /// against the architecture and augmentation.
    func prepare(quiet: Bool) throws -> Prepared {
        let (loaded, family) = try DataSource.loadTraining(
            data, target: target, features: features?.names,
            family: family,
            categorical: categorical.map { .named($0.names) } ?? .automatic,
            missing: missing, label: label)
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
        if augment != nil {
            guard architecture.takesImages else {
                throw InputError("--augment transforms images, but the model (\(architecture.rawValue)) takes feature vectors")
            }
            augmentation = augment
        }
        if !quiet, data.droppedForMissing > 0 {
            say(data.droppedNote)
        }
        if !quiet, let encoding = data.encoding, !encoding.categoricalColumns.isEmpty {
            say("one-hot encoded " + encoding.columns.compactMap { c in c.categories.map { "\(c.name) (\($0.count) categories)" } }
                .joined(separator: ", ")
                + (encoding.isCompact ? "; \(encoding.width) inputs, held compactly (one value per column)" : ""))
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
            let names = classNames.names
            guard names.count == count else {
                throw InputError("--class-names gives \(names.count) names; the labels of \(data.path) have \(count) classes")
            }
            data.classNames = names
        } else if count == FashionDemo.classNames.count,
                  URL(fileURLWithPath: data.path).standardizedFileURL.resolvingSymlinksInPath().path == FashionDemo.systemDirectory {
            data.classNames = FashionDemo.classNames
        }
    }

    /// The library plan of these options for `prepared` (its family and architecture).
    func plan(_ prepared: Prepared) -> FitPlan {
        var plan = FitPlan(family: prepared.family)
        plan.architecture = prepared.architecture
        plan.scaleLink = scaleLink
        plan.components = components ?? FitDefaults.components
        plan.hidden = hidden.sizes
        (plan.dropout, plan.inputDropout) = (dropout, inputDropout)
        (plan.epochs, plan.batchSize) = (epochs, batchSize)
        (plan.optimizer, plan.learningRate, plan.momentum, plan.weightDecay) = (optimizer, lr, momentum, weightDecay)
        (plan.validationSplit, plan.patience) = (validationSplit, patience)
        plan.standardize = !noStandardize
        plan.outputRefit = noOutputRefit ? false : nil
        plan.glmCandidate = noGlmCandidate ? false : nil
        plan.augmentation = prepared.augmentation
        (plan.calibrate, plan.calibrationMCSamples) = (calibrate, calibrateMcSamples ?? 0)
        (plan.members, plan.seed) = (ensemble, seed)
        (plan.laplace, plan.priorPrecision) = (laplace, priorPrecision ?? .auto)
        return plan
    }

    /// Trains `plan` on `prepared` (data-parallel over `world`); only rank 0's result is to
    /// be saved. Prints what it fits and, off a terminal, a line per epoch (unless `quiet` or
    /// not `progress`). The model's `trainingRows` counts any calibration rows held out before.
    /// - Parameters:
    ///   - checkpoint: a directory to write the training state to after every epoch.
    ///   - resume: a checkpoint directory to continue from.
    func train(_ prepared: Prepared, plan: FitPlan, world: any Communicator, quiet: Bool, progress: Bool = true,
               checkpoint: String? = nil, resume: String? = nil) throws -> (ProbabilisticModel, History) {
        let data = prepared.data, show = progress && !quiet
        let (model, history) = try Self.namingOptions(of: prepared, plan: plan, resume: resume) {
            try plan.fit(data.dataset, kind: data.kind, over: world, checkpoint: checkpoint, resume: resume) { model, options in
                model.featureNames = data.columnNames ?? data.featureNames
                model.featureEncoding = data.encoding
                model.targetName = data.targetName
                let terminal = StandardError.isTerminal
                options.showProgress = show && terminal
                if show && !terminal {
                    let epochs = options.epochs
                    options.onEpochEnd = { record in say(ProbabilisticModel.epochLine(record, of: epochs)) }
                }
                guard show else { return }
                let held = Int((Double(data.count) * plan.heldOutFraction(examples: data.count)).rounded())
                let counted = held > 0 ? "\(data.count - held) examples (\(held) more held out for validation)" : "\(data.count) examples"
                let architecture = prepared.architecture.rawValue
                let what = plan.members > 1 ? "an ensemble of \(plan.members) \(architecture) members" : architecture
                say("fitting \(what) with a \(plan.family.name) head on \(counted) of \(data.exampleShape) from \(data.kind.rawValue) \(data.path)")
            }
        }
        recordCalibrationSplit(of: prepared, in: model)
        return (model, history)
    }

    /// Runs `body`, a library call on `prepared` with `plan` (continuing the checkpoint
    /// `resume`), reporting the library's errors by the options that caused them: bad input as
    /// `InputError`, a diverging fit as `RunFailure`.
    static func namingOptions<T>(of prepared: Prepared, plan: FitPlan, resume: String? = nil, _ body: () throws -> T) throws -> T {
        let architecture = prepared.architecture.rawValue, shape = prepared.data.exampleShape
        do {
            return try body()
        } catch let error as FitPlanError {
            let options = ["validationSplit": "--validation-split", "calibrate": "--calibrate", "folds": "--folds",
                           "inputDropout": "--input-dropout"]
            throw InputError("\(options[error.property] ?? error.property) \(error.problem)")
        } catch let error as EnsembleSizeError {
            throw InputError("--ensemble \(error.members): \(error)")
        } catch let error as LayerSpecError {
            throw InputError("--arch \(architecture) cannot take inputs of shape \(shape): \(error)")
        } catch let error as NetworkSizeError {
            throw InputError("--arch \(architecture) with --hidden \(plan.hidden.map(String.init).joined(separator: ",")) on inputs of shape \(shape): \(error)")
        } catch let error as CheckpointError {
            throw InputError("--resume: \(error); delete \(error.directory) to start afresh, or drop --resume")
        } catch let error as ModelFileError where resume != nil {
            throw InputError("--resume: \(error); delete \(resume ?? "") to start afresh, or drop --resume")
        } catch let error as TrainingError {
            throw RunFailure(message: error.description)
        } catch let error as LaplaceError {
            throw InputError("--laplace \(plan.laplace?.rawValue ?? ""): \(error)")
        }
    }
}
