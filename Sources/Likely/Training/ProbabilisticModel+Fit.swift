import Foundation

extension ProbabilisticModel {
    /// Trains the model by minimising the mean negative log-likelihood of `data`.
    ///
    /// One step: forward (phase `training`), loss, backward (gradients keyed by parameter),
    /// the gradient hook, the optimizer update. Every epoch draws its shuffle from
    /// `RandomSource(seed:stream: 2·epoch)` and its dropout masks and augmentation from stream
    /// `2·epoch + 1` (of `seed ^ streamKey`), so a run resumed from a checkpoint continues exactly as the uninterrupted
    /// run would. Scalings (features, target) are fitted on the training part unless the model
    /// already has them.
    /// - Parameters:
    ///   - data: features `[N, …inputShape]` and targets `[N]` in original units.
    ///   - options: epochs, batch size, optimizer, validation, callbacks.
    ///   - resume: a checkpoint directory written by an earlier run with `keep: .last`.
    /// - Throws: `TrainingError` for a non-finite loss or gradient (naming epoch, batch and
    ///   parameter); `ModelFileError` for a checkpoint that cannot be read or written.
    /// - Returns: the history of every epoch.
    @discardableResult
    public func fit(_ data: Dataset, options: TrainingOptions, resume: String? = nil) throws -> History {
        precondition(options.epochs >= 1, "epochs must be ≥ 1, got \(options.epochs)")
        precondition(options.batchSize >= 1, "batch size must be ≥ 1, got \(options.batchSize)")
        precondition(Array(data.features.shape.dropFirst()) == inputShape,
                     "features of shape \(data.features.shape) do not match the model's input shape \(inputShape)")
        if options.calibrateTemperature {
            precondition(head.family.support.isClassification, "temperature scaling needs a bernoulli or categorical head")
            if case .none = options.validation { preconditionFailure("temperature scaling needs validation data") }
        }

        // Validation data and scalings.
        var train = data, validation: Dataset?
        switch options.validation {
        case .none: break
        case .data(let d): validation = d
        case .fraction(let f):
            var random = RandomSource(seed: options.seed, stream: UInt64.max)
            let split = data.split(validationFraction: f, stratified: head.family.support.isClassification, using: &random)
            train = split.train
            validation = split.validation
        }
        if featureScaling == nil && options.standardizeFeatures && inputShape.count == 1 {
            featureScaling = Standardizer(fitting: train.features)
        }
        if targetScaling == nil && options.standardizeTarget && head.family.isLocationScale {
            targetScaling = TargetScaling(fitting: train.targets)
        }
        let features = prepare(train.features), targets = prepareTargets(train.targets)
        let prepared = Dataset(features: features, targets: targets)

        var state = TrainingState()
        if let resume { state = try TrainingState.resume(from: resume, model: self, optimizer: options.optimizer) }
        let batchesPerEpoch = (prepared.count + options.batchSize - 1) / options.batchSize
        var progress = ProgressBar(epochs: options.epochs, batchesPerEpoch: batchesPerEpoch, enabled: options.showProgress)

        var epoch = state.history.epochs.count
        while epoch < options.epochs && !state.stopped {
            epoch += 1
            let started = Date()
            var shuffle = RandomSource(seed: options.seed, stream: 2 * UInt64(epoch))
            var draws = RandomSource(seed: options.seed ^ options.streamKey, stream: 2 * UInt64(epoch) + 1)
            let learningRate = Double(options.optimizer.schedule.rate(atStep: options.optimizer.step))
            // A standardized target z = (y − m)/s has NLL_y = NLL_z + ln s: report original units.
            let unitShift = targetScaling.map { Foundation.log(Double($0.standardDeviation)) } ?? 0
            var lossSum = 0.0, batch = 0
            for global in prepared.batches(size: options.batchSize, order: prepared.shuffledOrder(using: &shuffle)) {
                batch += 1
                let loss = try step(global, options: options, draws: &draws, epoch: epoch, batch: batch)
                lossSum += loss
                progress.update(epoch: epoch, batch: batch, loss: lossSum / Double(batch) + unitShift)
            }
            try options.epochEndHook?(self)
            var record = EpochRecord(epoch: epoch, loss: lossSum / Double(max(batch, 1)) + unitShift, learningRate: learningRate,
                                     seconds: 0)
            if let validation { validate(validation, into: &record) }
            record.seconds = Date().timeIntervalSince(started)
            state.history.epochs.append(record)

            let monitored = record.validationNLL ?? record.loss
            let improved = state.record(monitored, epoch: epoch, model: self, keepBest: options.earlyStopping?.restoreBestWeights ?? false)
            if let stopping = options.earlyStopping, epoch - state.bestEpoch >= stopping.patience {
                state.stopped = true
                state.history.stoppedEarly = epoch < options.epochs
            }
            progress.finishEpoch(Self.summaryLine(record, of: options.epochs))
            if let checkpoint = options.checkpoint, checkpoint.keep == .last || improved {
                try state.save(to: checkpoint.directory, model: self, optimizer: options.optimizer)
            }
            options.onEpochEnd?(record)
        }
        if options.earlyStopping?.restoreBestWeights == true, let best = state.bestWeights {
            for (p, values) in zip(network.parameters + network.state, best) { p.tensor.scalars = values }
            state.history.keptEpoch = state.bestEpoch
        } else {
            state.history.keptEpoch = epoch
        }
        if options.calibrateTemperature, let validation {
            state.history.temperature = Double(calibrateTemperature(on: validation, mcSamples: options.calibrationMCSamples,
                                                                    seed: options.seed))
        }
        return state.history
    }

    /// One optimizer step on a global batch; returns the batch's mean loss.
    ///
    /// The batch is cut into micro-batches of `options.microBatchSize` rows, a partition that
    /// does not depend on the number of processes. Each micro-batch's gradient is computed on
    /// its own (its loss is its sum divided by the global batch size) and added into one
    /// Double buffer, with the loss in its last slot; `gradientSum` adds the buffers of all
    /// processes (data-parallel training), and the optimizer gets the result rounded to Float
    /// once. Sums of a few Floats in Double are exact in practice, so the step is the same, bit
    /// for bit, whichever process computed which micro-batch.
    private func step(_ global: Batch, options: TrainingOptions, draws: inout RandomSource,
                      epoch: Int, batch: Int) throws -> Double {
        let count = global.indices.count, size = max(options.microBatchSize, 1)
        let micro = stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
        let mine = options.shard?(0..<micro.count) ?? 0..<micro.count
        let trainable = parameters.filter(\.isTrainable)
        var offsets: [Int] = [], total = 0
        for p in trainable { offsets.append(total); total += p.tensor.count }
        var sums = [Double](repeating: 0, count: total + 1)
        for j in mine {
            var x = global.features.slice(alongAxis: 0, micro[j])
            let y = global.targets.slice(alongAxis: 0, micro[j])
            if let augmentation = options.augmentation { x = augmentation.apply(to: x, using: &draws) }
            let raw = rawOutputs(x, phase: .training, using: &draws)
            let loss = -head.distribution(raw).logProb(y).sum() / Float(count)
            let value = loss.scalar
            guard value.isFinite else { throw TrainingError(epoch: epoch, batch: batch, quantity: "loss", value: value) }
            let gradients = loss.gradients()
            for (p, offset) in zip(trainable, offsets) {
                guard let g = gradients[p.tensor] else { continue }
                try g.scalars.withUnsafeBufferPointer { pg in
                    for i in 0..<pg.count {
                        guard pg[i].isFinite else {
                            throw TrainingError(epoch: epoch, batch: batch, quantity: "gradient of \(p.name)", value: pg[i])
                        }
                        sums[offset + i] += Double(pg[i])
                    }
                }
            }
            sums[total] += Double(value)
        }
        try options.gradientSum?(&sums)
        var gradients = Gradients()
        for (p, offset) in zip(trainable, offsets) {
            gradients.set(Tensor(shape: p.tensor.shape, scalars: sums[offset..<(offset + p.tensor.count)].map { Float($0) }),
                          for: p.tensor)
        }
        try options.gradientHook?(&gradients, parameters)
        options.optimizer.update(parameters, with: gradients)
        return sums[total]
    }

    /// Validation NLL in original units, and accuracy or RMSE, of the deterministic network.
    private func validate(_ data: Dataset, into record: inout EpochRecord) {
        let predictive = self.predictive(data.features)
        let logLikelihood = predictive.logLikelihood(data.targets)
        record.validationNLL = -logLikelihood.reduce(0.0) { $0 + Double($1) } / Double(max(data.count, 1))
        if head.family.support.isClassification {
            let predicted = predictive.classification.meanProbabilities.argmax(alongAxis: 1)
            record.validationAccuracy = Metrics.accuracy(predictions: predicted, labels: data.targets.scalars.map { Int($0) })
        } else {
            record.validationRMSE = Metrics.rootMeanSquaredError(predictions: predictive.mean.map(Double.init),
                                                                 targets: data.targets.scalars.map(Double.init))
        }
    }

    static func summaryLine(_ r: EpochRecord, of epochs: Int) -> String {
        var line = String(format: "epoch %d/%d  loss %.4f", r.epoch, epochs, r.loss)
        if let v = r.validationNLL { line += String(format: "  val_nll %.4f", v) }
        if let a = r.validationAccuracy { line += String(format: "  val_accuracy %.4f", a) }
        if let e = r.validationRMSE { line += String(format: "  val_rmse %.4g", e) }
        return line + String(format: "  %.1fs", r.seconds)
    }
}
