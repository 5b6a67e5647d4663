import Foundation

extension ProbabilisticModel {
    /// Trains the model by minimising the mean negative log-likelihood of `data`: for an
    /// ensemble, its members at the same time (see `ProbabilisticModel+Members.swift`).
    ///
    /// One step: forward (phase `training`), loss, backward (gradients keyed by parameter),
    /// the gradient hook, the optimizer update. Every draw is keyed by the member's seed
    /// s = `memberSeed(options.seed, member: j)` (s = `options.seed` for a single network)
    /// and what it is for (`StreamKey`): epoch e's order by (s, shuffle, e); training example
    /// i's dropout masks by (s, dropout, e, i) and its augmentation by (s, augmentation, e, i).
    /// So a fit does not depend on how a batch is cut into micro-batches or processes, and a
    /// run resumed from a checkpoint continues exactly as the uninterrupted run would. The
    /// optimizer of `options` is a description: each member trains its own `fresh()` copy.
    /// Scalings (features, target) are fitted on the training part unless the model already
    /// has them; the validation split (keyed by `options.seed`) is the same for every member,
    /// and so are the early-stopping rules, applied to each member on its own. Training M
    /// members costs M single fits. Temperature scaling, if asked for, fits one T for the
    /// whole predictive (the mixture over members) after the last member.
    /// - Parameters:
    ///   - data: features `[N, …inputShape]` and targets `[N]` in original units.
    ///   - options: epochs, batch size, optimizer, validation, callbacks. An ensemble keeps
    ///     member j's checkpoint in the subdirectory `member_j` of `options.checkpoint`.
    ///   - resume: a checkpoint directory written by an earlier run with `keep: .last` (for an
    ///     ensemble, members without a `member_j` checkpoint there start afresh; at least
    ///     one member's must be there). It is verified first (`Checkpoint`): every file whole, and the
    ///     data and options those of this call (`TrainingFingerprint`), epochs aside.
    /// - Throws: `DataShapeError` when the examples (or the validation examples) are not of
    ///   the model's input shape; `TargetError`, before any training, for a target (of `data`
    ///   or of validation data) outside the head family's support, e.g. a negative count for a
    ///   Poisson head; `DataError` before training when temperature scaling is asked for with
    ///   fewer than `TemperatureScaling.minimumExamples` validation examples or fewer than 2
    ///   classes among them; `TrainingError` for a non-finite loss or gradient (naming epoch,
    ///   batch and parameter); `CheckpointError` for a checkpoint that is torn, incomplete or of
    ///   another run; `ModelFileError` for a checkpoint that cannot be read or written.
    /// - Returns: the history of every epoch (of every member, in member order).
    @discardableResult
    public func fit(_ data: Dataset, options: TrainingOptions, resume: String? = nil) throws -> History {
        checkFit(data, options: options)
        if featureEncoding == nil, let encoding = data.compactEncoding { featureEncoding = encoding }
        try checkShape(data, role: "the training data")
        try checkTargets(data)
        if case .data(let validation) = options.validation {
            try checkShape(validation, role: "the validation data")
            try checkTargets(validation)
        }
        // Members train at the same time, so an ensemble's checkpoint holds any of theirs.
        if memberCount > 1, let resume,
           !(0..<memberCount).contains(where: { FileManager.default.fileExists(atPath: Self.memberDirectory(resume, $0)) }) {
            throw CheckpointError(directory: resume, problem: "no checkpoint of any member (member_0, member_1, …): "
                                  + "not the checkpoint of an ensemble of \(memberCount) members")
        }
        // What a checkpoint records, and a resumed one must match: taken before training.
        let fingerprint = options.checkpoint != nil || resume != nil
            ? TrainingFingerprint(model: self, data: data, options: options) : nil
        let (train, validation) = trainingData(data, options: options)
        if options.calibrateTemperature, let validation { try Self.checkCalibrationData(validation) }
        let trained = options.topology.trainedMembers(of: memberCount)
        // Members at the same time, one core each, unless every step is a collective of all
        // processes (data-parallel training), whose order must be the same on every process.
        let together = trained.count > 1 && Parallel.threadCount > 1 && !options.topology.sumsEveryStep
        let shared = together ? options.serialisingCallbacks() : options
        let fits = try trained.map { j in
            precondition(members.indices.contains(j), "the topology gave member \(j) of a model of \(memberCount)")
            var memberOptions = shared
            memberOptions.seed = Self.memberSeed(options.seed, member: j)
            let ensemble = memberCount > 1
            if ensemble { memberOptions.checkpoint?.directory = Self.memberDirectory(options.checkpoint?.directory ?? "", j) }
            var memberResume = resume
            if ensemble, let resume {
                let directory = Self.memberDirectory(resume, j)
                memberResume = FileManager.default.fileExists(atPath: directory) ? directory : nil
            }
            return try MemberFit(member(j), train: train, validation: validation, options: memberOptions,
                                 member: ensemble ? j : nil, resume: memberResume, fingerprint: fingerprint)
        }
        if together {
            try Parallel.interleave(jobs: fits.count) { try fits[$0].advance() }
        } else {
            for fit in fits { while try fit.advance() {} }
        }
        var histories = fits.map { $0.finish() }
        histories = try options.topology.gatherMembers(of: self, histories: histories)
        var history = memberCount == 1 ? histories[0] : History(members: histories)
        if options.calibrateTemperature, let validation {
            history.temperature = Double(calibrateTemperature(on: validation, mcSamples: options.calibrationMCSamples,
                                                              seed: options.seed))
        }
        return history
    }

    /// Temperature scaling's validation data: at least `TemperatureScaling.minimumExamples`
    /// examples of at least 2 classes, checked before any training.
    static func checkCalibrationData(_ validation: Dataset) throws {
        let classes = Set(validation.targets.scalars).count
        guard validation.count >= TemperatureScaling.minimumExamples, classes >= 2 else {
            throw DataError(source: "validation data", problem: "temperature scaling needs at least \(TemperatureScaling.minimumExamples) examples of at least 2 classes to fit T, got \(validation.count) of \(classes) class\(classes == 1 ? "" : "es"); hold out more data for validation, or do not calibrate")
        }
    }

    /// Where member j of an ensemble keeps its checkpoint inside `directory`.
    static func memberDirectory(_ directory: String, _ j: Int) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent("member_\(j)").path
    }

    /// Examples of the model's feature shape (compact table features for a model of a compact
    /// encoding, of the same width).
    private func checkShape(_ data: Dataset, role: String) throws(DataShapeError) {
        let shape = Array(data.features.shape.dropFirst())
        guard shape == featureShape, data.compactEncoding.map({ [$0.width] == inputShape && compactEncoding != nil }) ?? true else {
            throw DataShapeError(role: role, exampleShape: shape, inputShape: featureShape)
        }
    }

    /// Targets `[n]` the head's family can score (`Family.checkTargets`), as the CLI checks them.
    private func checkTargets(_ data: Dataset) throws(TargetError) {
        guard data.targets.rank == 1 else { return }
        try head.family.checkTargets(data.targets, classCount: head.family.support.isClassification ? head.classCount : nil)
    }

    /// The preconditions of `fit` (programmer errors in the options), each naming the bad value.
    private func checkFit(_ data: Dataset, options: TrainingOptions) {
        precondition(options.epochs >= 1, "epochs must be ≥ 1, got \(options.epochs)")
        precondition(options.batchSize >= 1, "batch size must be ≥ 1, got \(options.batchSize)")
        precondition(options.microBatchSize >= 1, "micro-batch size must be ≥ 1, got \(options.microBatchSize)")
        if options.calibrateTemperature {
            precondition(head.family.support.isClassification, "temperature scaling needs a bernoulli or categorical head")
            if case .none = options.validation { preconditionFailure("temperature scaling needs validation data") }
        }
    }

    /// The rows of `data` that `fit(_:options:)` trains on and those it validates on (a
    /// seeded split when `options.validation` is a fraction: `TrainingRows.parts`), both raw.
    public func trainingSplit(of data: Dataset, options: TrainingOptions) -> (train: Dataset, validation: Dataset?) {
        switch options.validation {
        case .none: return (data, nil)
        case .data(let d): return (data, d)
        case .fraction(let f):
            let parts = TrainingRows.parts(of: data, seed: options.seed, conformalFraction: 0, validationFraction: f,
                                           stratified: head.family.support.isClassification)
            return (data.subset(parts.train), data.subset(parts.validation))
        }
    }

    /// The prepared training data (scaled features and targets) and the raw validation data;
    /// fits the scalings on the training part when the model has none.
    private func trainingData(_ data: Dataset, options: TrainingOptions) -> (train: Dataset, validation: Dataset?) {
        let (train, validation) = trainingSplit(of: data, options: options)
        if featureScaling == nil && options.standardizeFeatures && inputShape.count == 1 {
            featureScaling = compactEncoding.map { Standardizer(fittingCompact: train.features, encoding: $0) }
                ?? Standardizer(fitting: train.features)
        }
        if targetScaling == nil && options.standardizeTarget && head.family.isLocationScale {
            targetScaling = TargetScaling(fitting: train.targets)
        } else if targetScaling == nil && options.standardizeTarget && head.family.isPositiveScale {
            targetScaling = TargetScaling(scaleFitting: train.targets)
        }
        return (Dataset(features: prepare(train.features), targets: prepareTargets(train.targets)), validation)
    }

    /// One pass over the prepared training data in the epoch's seeded order; the record's
    /// loss is in the target's original units (validation and seconds are filled in by `fit`).
    func trainEpoch(_ epoch: Int, on train: Dataset, options: TrainingOptions, optimizer: any Optimizer,
                            progress: inout ProgressBar) throws -> EpochRecord {
        var shuffle = RandomSource(key: StreamKey(seed: options.seed, purpose: .shuffle, epoch: UInt64(epoch)))
        let learningRate = Double(optimizer.schedule.rate(atStep: optimizer.step))
        // A standardized target z = (y − m)/s has NLL_y = NLL_z + ln s: report original units.
        let unitShift = targetScaling.map { Foundation.log(Double($0.standardDeviation)) } ?? 0
        var lossSum = 0.0, batch = 0
        for global in train.batches(size: options.batchSize, order: train.shuffledOrder(using: &shuffle)) {
            batch += 1
            lossSum += try step(global, epoch: epoch, batch: batch, options: options, optimizer: optimizer)
            progress.update(epoch: epoch, batch: batch, loss: lossSum / Double(batch) + unitShift)
        }
        try options.topology.endEpoch(of: self)
        return EpochRecord(epoch: epoch, loss: lossSum / Double(max(batch, 1)) + unitShift, learningRate: learningRate,
                           seconds: 0)
    }

    /// Records an epoch of `steps` gradient steps: early stopping on validation NLL (training
    /// loss without validation data) and the checkpoint (`Checkpointing.minimumSteps`).
    func endEpoch(_ record: EpochRecord, state: inout TrainingState, options: TrainingOptions,
                          optimizer: any Optimizer, fingerprint: TrainingFingerprint?, steps: Int) throws {
        state.history.epochs.append(record)
        let monitored = record.validationNLL ?? record.loss
        let improved = state.record(monitored, epoch: record.epoch, model: self,
                                    keepBest: options.earlyStopping?.restoreBestWeights ?? false)
        if let stopping = options.earlyStopping, record.epoch - state.bestEpoch >= stopping.patience {
            state.stopped = true
            state.history.stoppedEarly = record.epoch < options.epochs
        }
        if let checkpoint = options.checkpoint, let fingerprint {
            let due = checkpoint.minimumSteps <= 1 || (record.epoch - state.savedEpoch) * steps >= checkpoint.minimumSteps
                || state.stopped || record.epoch >= options.epochs
            if checkpoint.keep == .last ? due : improved {
                try state.save(to: checkpoint, model: self, optimizer: optimizer, fingerprint: fingerprint)
                state.savedEpoch = record.epoch
            }
        }
    }

    /// After the last epoch: the best weights put back when early stopping asks for them
    /// (a checkpoint's best weights of an earlier run with `--patience` do not count otherwise).
    func finishFit(_ state: inout TrainingState, lastEpoch: Int, restoreBest: Bool) {
        if restoreBest, let best = state.bestWeights {
            for (p, values) in zip(network.namedTensors, best) { p.tensor.scalars = values }
            state.history.keptEpoch = state.bestEpoch
        } else {
            state.history.keptEpoch = lastEpoch
        }
        state.history.keptEpochs = [state.history.keptEpoch]
    }

    /// Validation NLL in original units, and accuracy or RMSE, of the deterministic network.
    /// - Throws: `TrainingError` when the epoch's weights give the validation data a raw
    ///   output or parameter out of its domain (named as of the epoch's last batch).
    func validate(_ data: Dataset, into record: inout EpochRecord, batches: Int) throws {
        // The predictive's own pass, checked before its distributions are built.
        let raw = predictiveRawOutputs(data.features)
        if var invalid = head.invalidOutput(Tensor(shape: [data.count, head.rawOutputCount], scalars: raw[0]),
                                            epoch: record.epoch, batch: batches) {
            invalid.quantity += " on the validation data"
            throw invalid
        }
        let predictive = self.predictive(fromRawOutputs: raw, count: data.count)
        let logLikelihood = predictive.logLikelihood(data.targets)
        record.validationNLL = -logLikelihood.reduce(0.0) { $0 + Double($1) } / Double(max(data.count, 1))
        if head.family.support.isClassification {
            let predicted = predictive.classification.meanProbabilities.argmax(alongAxis: 1)
            record.validationAccuracy = Metrics.accuracy(predictions: predicted, labels: data.targets.scalars.map { Int($0) })
        } else {
            record.validationRMSE = Metrics.rootMeanSquaredError(predictions: predictive.mean,
                                                                 targets: data.targets.scalars.map(Double.init))
        }
    }

    /// The one line that reports an epoch (the progress bar's summary and the CLI's log line):
    /// `epoch 3/10  loss 0.4123  val_nll 0.3987  val_accuracy 0.8812  4.1s`, preceded by
    /// `member 2  ` for an ensemble's member.
    /// - Parameters:
    ///   - r: the epoch's record.
    ///   - epochs: the epochs planned (the `/10`).
    ///   - scoredOn: the name of the held-out data the epoch is scored on: `val` for a
    ///     validation split, `test` where the demo scores its test files (`test_nll`, ...).
    public static func epochLine(_ r: EpochRecord, of epochs: Int, scoredOn: String = "val") -> String {
        var line = (r.member.map { "member \($0)  " } ?? "") + String(format: "epoch %d/%d  loss %.4f", r.epoch, epochs, r.loss)
        if let v = r.validationNLL { line += String(format: "  \(scoredOn)_nll %.4f", v) }
        if let a = r.validationAccuracy { line += String(format: "  \(scoredOn)_accuracy %.4f", a) }
        if let e = r.validationRMSE { line += String(format: "  \(scoredOn)_rmse %.4g", e) }
        return line + String(format: "  %.1fs", r.seconds)
    }
}
