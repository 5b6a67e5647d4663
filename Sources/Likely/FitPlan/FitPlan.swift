import Foundation

/// What `likely fit` does, as a value a Swift program can hold and run: the network, the
/// head, the optimizer and the training schedule. An option left `nil` takes its
/// data-dependent default from `FitDefaults`. The same plan, data and seed give the same
/// model, byte for byte, through Swift and through the command line.
///
/// ```swift
/// var plan = FitPlan(family: .normal)
/// plan.hidden = [16]
/// plan.members = 3
/// plan.seed = 7
/// let (model, history) = try plan.fit(table.dataset, kind: .table)
/// ```
public struct FitPlan: Equatable, Sendable {
    /// The network (`nil`: `FitDefaults.architecture`, mlp for vectors, seed-cnn for images).
    public var architecture: Architecture?
    /// The predicted distribution.
    public var family: Family
    /// The link of positive parameters.
    public var scaleLink: ScaleLink = .exp
    /// Mixture components of `normalMixture`.
    public var components = FitDefaults.components
    /// Hidden layer sizes of `mlp`.
    public var hidden = FitDefaults.hidden
    /// Dropout rate in [0, 1) (`nil`: `FitDefaults.dropout`); > 0 enables MC dropout.
    public var dropout: Float?
    /// Dropout rate in [0, 1) on the inputs.
    public var inputDropout: Float = 0
    /// Passes over the training data (`nil`: at most `FitDefaults.epochs`, with early stopping
    /// on a held-out split as `stopsEarlyByDefault` says).
    public var epochs: Int?
    /// Observations per gradient step.
    public var batchSize = FitDefaults.batchSize
    /// The update rule.
    public var optimizer: OptimizerName = .adam
    /// The learning rate (`nil`: the optimizer's `defaultLearningRate`).
    public var learningRate: Float?
    /// Momentum of sgd and rmsprop, in [0, 1).
    public var momentum: Float = 0
    /// L2 weight decay λ ≥ 0 added to every gradient (`nil`: `FitDefaults.weightDecay`, δ / N
    /// for a table of N training examples).
    public var weightDecay: Float?
    /// After training, refit the output layer on the dropout-off features of the training rows
    /// and keep it if it lowers the validation NLL (`ProbabilisticModel.refitOutputLayer`;
    /// `nil`: `FitDefaults.refitsOutputLayer`, for `mlp` on tables with dropout). Needs
    /// validation data, and does nothing without.
    public var outputRefit: Bool?
    /// After training, fit the same-family GLM (`ProbabilisticModel.fitAsGLM`) on the training
    /// rows and keep it in the network's place unless the network's validation NLL is clearly
    /// lower (`GLMCandidate.keepsGLM`; `nil`:
    /// `FitDefaults.weighsGLM`, for a single `mlp` with hidden layers on a table). Needs
    /// validation data, and does nothing without or with `calibrate`.
    public var glmCandidate: Bool?
    /// The fraction in [0, 1) of the data held out for validation (stratified for classes);
    /// 0: none, or `FitDefaults.heldOut` examples for a fit without `epochs`.
    public var validationSplit = 0.0
    /// A Laplace posterior fitted after training on the training rows (`fit --laplace`), or nil.
    public var laplace: LaplaceStructure?
    /// How the Laplace posterior's prior precision is chosen (`--prior-precision`).
    public var priorPrecision = PriorPrecision.auto
    /// Stop after this many epochs without improvement and keep the best weights (`nil`: no
    /// early stopping, or `FitDefaults.patience` for a fit without `epochs`).
    public var patience: Int?
    /// Standardize the features and the target.
    public var standardize = true
    /// Image augmentation of each training batch.
    public var augmentation: AugmentationPipeline?
    /// Fit temperature scaling on the validation split afterwards (bernoulli, categorical).
    public var calibrate = false
    /// The MC-dropout passes of the predictive to calibrate (0: the deterministic network).
    public var calibrationMCSamples = 0
    /// M, the members of a deep ensemble (1: a single network).
    public var members = 1
    /// Seeds the initial weights (member j from `memberSeed(seed, j)`, `.initialization`),
    /// the shuffles, dropout masks and the validation split.
    public var seed: UInt64 = 0

    /// A plan with every option at its default.
    public init(family: Family) {
        self.family = family
    }

    /// The network for examples of `exampleShape`.
    public func architecture(exampleShape: [Int]) -> Architecture {
        architecture ?? FitDefaults.architecture(exampleShape: exampleShape)
    }

    /// The head for data with `classCount` classes.
    public func head(classCount: Int?) -> Head {
        Head(family, scaleLink: scaleLink, classCount: family.support == .classes ? classCount ?? 2 : 2, components: components)
    }

    /// Whether the fit trains by the step budget, as it does without `epochs`: it holds out
    /// `FitDefaults.heldOut` examples (unless `validationSplit` is given), stops after
    /// `FitDefaults.patience` epochs without a lower validation NLL (unless `patience` is
    /// given), keeps the best weights, and runs at most `FitDefaults.epochs`.
    public var stopsEarlyByDefault: Bool { epochs == nil }

    /// The fraction of `n` examples held out for validation: `validationSplit`, or
    /// `FitDefaults.heldOut(examples: n) / n` when the fit stops early by default.
    public func heldOutFraction(examples n: Int) -> Double {
        guard validationSplit == 0 && stopsEarlyByDefault && n > 0 else { return validationSplit }
        return Double(FitDefaults.heldOut(examples: n)) / Double(n)
    }

    /// The dropout rate of `architecture` on data of `kind`: `dropout`, or `FitDefaults.dropout`.
    public func dropoutRate(_ architecture: Architecture, _ kind: DataKind) -> Float {
        dropout ?? FitDefaults.dropout(architecture, kind)
    }

    /// The epochs trained on `examples` training examples (after any validation split).
    public func epochs(trainingExamples examples: Int) -> Int {
        epochs ?? FitDefaults.epochs(trainingExamples: examples, batchSize: batchSize)
    }

    /// The members built for `data`, with fresh weights: the ensemble constructor
    /// `ProbabilisticModel(architecture:…:inputDropout:members:seed:)`, sized for the head;
    /// classification models carry the dataset's class names and every model its feature names.
    /// - Throws: `LayerSpecError`, `NetworkSizeError`, `EnsembleSizeError` (see the constructor).
    public func makeModel(for data: Dataset, kind: DataKind) throws -> ProbabilisticModel {
        let shape = data.exampleShape
        if data.compactEncoding != nil && inputDropout > 0 {
            throw FitPlanError(property: "inputDropout", problem: "\(inputDropout) drops inputs of the one-hot rows, which a table of \(shape[0]) inputs held compactly does not form; leave it at 0")
        }
        let architecture = architecture(exampleShape: shape)
        let model = try ProbabilisticModel(
            architecture: architecture, inputShape: shape, head: head(classCount: data.classNames?.count), hidden: hidden,
            dropout: dropoutRate(architecture, kind), inputDropout: inputDropout, members: members, seed: seed)
        model.classNames = family.support.isClassification ? data.classNames : nil
        // A compact table's model reads its columns by name (the encoding's), as `likely fit`'s does.
        model.featureNames = data.compactEncoding.map { $0.columns.map(\.name) } ?? data.featureNames
        model.featureEncoding = data.compactEncoding
        return model
    }

    /// How `fit` trains for `data` of `kind` (data-parallel over `world`).
    /// - Parameter validation: held-out examples to validate on instead of `validationSplit`.
    /// - Throws: `FitPlanError` when the validation split leaves no example on either side,
    ///   or `calibrate` is asked of a head that is not a classifier.
    public func trainingOptions(for data: Dataset, kind: DataKind, validation: Dataset? = nil,
                                over world: any Communicator = SingleProcessCommunicator()) throws -> TrainingOptions {
        let fraction = validation == nil ? heldOutFraction(examples: data.count) : 0
        let held = Int((Double(data.count) * fraction).rounded())
        if fraction > 0 {
            guard held >= 1 && held < data.count else {
                throw FitPlanError(property: "validationSplit", problem: "\(validationSplit) of \(data.count) examples leaves \(held) for validation and \(data.count - held) for training; each needs at least one")
            }
        }
        let training = data.count - held
        let architecture = architecture(exampleShape: data.exampleShape)
        var options = TrainingOptions()
        options.epochs = epochs(trainingExamples: training)
        options.batchSize = batchSize
        options.optimizer = optimizer.make(learningRate: learningRate, momentum: momentum,
                                           weightDecay: weightDecay ?? FitDefaults.weightDecay(architecture, kind, trainingExamples: training))
        options.seed = seed
        options.validation = validation.map { .data($0) } ?? (fraction > 0 ? .fraction(fraction) : .none)
        let defaultPatience = stopsEarlyByDefault ? FitDefaults.patience(trainingExamples: training, batchSize: batchSize) : nil
        options.earlyStopping = (patience ?? defaultPatience).map { TrainingOptions.EarlyStopping(patience: $0) }
        options.augmentation = augmentation
        let refits = outputRefit ?? FitDefaults.refitsOutputLayer(architecture, kind, dropout: dropoutRate(architecture, kind))
        options.outputRefitSteps = refits ? FitDefaults.outputRefitSteps : 0
        options.standardizeFeatures = standardize
        options.standardizeTarget = standardize
        options.distribute(over: world, members: members)
        if calibrate {
            guard family.support.isClassification else {
                throw FitPlanError(property: "calibrate", problem: "applies to bernoulli and categorical heads, not \(family.name)")
            }
            options.calibrateTemperature = true
            options.calibrationMCSamples = calibrationMCSamples
        }
        return options
    }

    /// Builds the model for `data` and trains it (data-parallel over `world`, whose rank 0
    /// gives every process its initial weights). The model records how its training rows were
    /// drawn from `data` (`ProbabilisticModel.trainingRows`), so that they can be drawn again.
    /// - Parameters:
    ///   - validation: held-out examples to validate on instead of `validationSplit`.
    ///   - checkpoint: a directory to write the training state to after every epoch (without
    ///     `epochs`, every `FitDefaults.checkpointSteps` gradient steps and after the last epoch).
    ///   - resume: a checkpoint directory to continue from.
    ///   - configure: sets the model's metadata and the options' callbacks (progress) before
    ///     training.
    /// - Throws: as `makeModel`, `trainingOptions` and `ProbabilisticModel.fit`.
    public func fit(_ data: Dataset, kind: DataKind, validation: Dataset? = nil,
                    over world: any Communicator = SingleProcessCommunicator(), checkpoint: String? = nil, resume: String? = nil,
                    configure: (ProbabilisticModel, inout TrainingOptions) -> Void = { _, _ in })
        throws -> (model: ProbabilisticModel, history: History) {
        var options = try trainingOptions(for: data, kind: kind, validation: validation, over: world)
        let network = try makeModel(for: data, kind: kind)
        network.broadcastWeights(over: world)
        options.checkpoint = checkpoint.map {
            TrainingOptions.Checkpointing(directory: $0, keep: .last, minimumSteps: stopsEarlyByDefault ? FitDefaults.checkpointSteps : 1)
        }
        if let laplace { try network.checkLaplace(laplace) }
        configure(network, &options)
        var history = try network.fit(data, options: options, resume: resume)
        let (train, held) = network.trainingSplit(of: data, options: options)
        var model = network
        if weighsGLM(for: data, kind: kind), let held {
            let (glm, candidate) = try weighGLM(against: network, data: data, kind: kind, train: train, validation: held,
                                                weightDecay: options.optimizer.core.weightDecay)
            history.glmCandidate = candidate
            if candidate.kept { model = glm }
        }
        let validationFraction = if case .fraction(let f) = options.validation { f } else { 0.0 }
        model.trainingRows = TrainingRows(drawnFrom: data, seed: seed, validationFraction: validationFraction,
                                          stratified: family.support.isClassification)
        if let laplace {
            try model.fitLaplace(on: train, structure: laplace, prior: priorPrecision, validation: held, seed: seed, over: world)
            // The temperature belongs to the predictive the model now uses: the Laplace one.
            if options.calibrateTemperature, let held {
                history.temperature = Double(try model.calibrateTemperature(on: held, predictive: LaplaceMethod.name,
                                                                            mcSamples: options.calibrationMCSamples, seed: seed))
            }
        }
        return (model, history)
    }
}

extension FitPlan {
    /// Whether `fit` weighs the GLM against the network on `data` of `kind`: `glmCandidate`,
    /// or `FitDefaults.weighsGLM`; never with `calibrate` (the temperature is the network's).
    func weighsGLM(for data: Dataset, kind: DataKind) -> Bool {
        let architecture = architecture(exampleShape: data.exampleShape)
        let head = head(classCount: data.classNames?.count)
        let weighs = glmCandidate ?? FitDefaults.weighsGLM(architecture, kind, hidden: hidden, members: members, head: head)
        return weighs && !calibrate && members == 1 && ProbabilisticModel.glmLinearColumns(of: head) != nil
    }

    /// The same-family GLM of `network` (a single trained network), fitted on the rows
    /// `train` (raw) with weight decay λ, and which of the two has the lower validation NLL
    /// per example on `validation` (raw). The GLM is `mlp` with `hidden: []` and no dropout,
    /// carrying the network's schema (columns, encoding, scalings), so every command reads it
    /// as a linear model; it is kept unless the network's validation NLLs are clearly lower
    /// (`GLMCandidate.keepsGLM`).
    /// - Throws: what `makeModel` throws.
    func weighGLM(against network: ProbabilisticModel, data: Dataset, kind: DataKind, train: Dataset, validation: Dataset,
                  weightDecay: Float) throws -> (ProbabilisticModel, GLMCandidate) {
        var linear = self
        (linear.hidden, linear.dropout, linear.inputDropout) = ([], 0, 0)
        let glm = try linear.makeModel(for: data, kind: kind)
        glm.schema = network.schema
        let prepared = Dataset(features: glm.prepare(train.features), targets: glm.prepareTargets(train.targets))
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(max(x.count, 1)) }
        let networkNLLs = network.validationNLLs(validation)
        let glmNLLs = glm.fitAsGLM(prepared, weightDecay: weightDecay, seed: seed)
            ? glm.validationNLLs(validation) : nil
        let kept = glmNLLs.map { GLMCandidate.keepsGLM($0, network: networkNLLs) } ?? false
        return (glm, GLMCandidate(validationNLLNetwork: networkNLLs.map(mean), validationNLLGLM: glmNLLs.map(mean),
                                  kept: kept))
    }
}

/// A `FitPlan` that does not suit its data: names the plan's property and the problem.
public struct FitPlanError: Error, CustomStringConvertible {
    /// The `FitPlan` property (`"validationSplit"`).
    public var property: String
    /// What is wrong, to follow the property's name or value.
    public var problem: String

    public var description: String { "\(property) \(problem)" }
}
