import Foundation

/// One network's fit, epoch by epoch: what `ProbabilisticModel.fit` advances for each member,
/// one after another or several at the same time (`Parallel.interleave`). An epoch is its
/// steps, validation, early stopping and checkpoint, as a fit alone runs them.
final class MemberFit {
    private let model: ProbabilisticModel
    private let train: Dataset, validation: Dataset?
    private let options: TrainingOptions
    private let member: Int?
    private let fingerprint: TrainingFingerprint?
    private let optimizer: any Optimizer
    private var state = TrainingState()
    private var progress: ProgressBar
    private var epoch: Int

    /// - Parameters:
    ///   - model: the network to train (a member's view, `ProbabilisticModel.member(_:)`).
    ///   - train: prepared training data; `validation`: raw validation data.
    ///   - options: this network's options (its member seed and checkpoint directory).
    ///   - member: the member's index in an ensemble (for the records), nil for a single network.
    ///   - resume: its checkpoint directory, verified against `fingerprint`.
    /// - Throws: `CheckpointError`, `ModelFileError` for a checkpoint that cannot be resumed.
    init(_ model: ProbabilisticModel, train: Dataset, validation: Dataset?, options: TrainingOptions, member: Int?,
         resume: String?, fingerprint: TrainingFingerprint?) throws {
        (self.model, self.train, self.validation, self.options) = (model, train, validation, options)
        (self.member, self.fingerprint) = (member, fingerprint)
        optimizer = options.optimizer.fresh()
        if let resume, let fingerprint {
            state = try TrainingState.resume(from: resume, model: model, optimizer: optimizer, fingerprint: fingerprint)
        }
        let batchesPerEpoch = (train.count + options.batchSize - 1) / options.batchSize
        progress = ProgressBar(epochs: options.epochs, batchesPerEpoch: batchesPerEpoch, enabled: options.showProgress)
        epoch = state.history.epochs.count
    }

    /// Whether epochs remain: not all run, and not stopped early.
    private var remains: Bool { epoch < options.epochs && !state.stopped }

    /// Trains the next epoch (if any remains); returns whether another remains.
    /// - Throws: what `fit` throws for this network (a non-finite loss, a failed checkpoint).
    func advance() throws -> Bool {
        guard remains else { return false }
        epoch += 1
        let started = Date()
        var record = try model.trainEpoch(epoch, on: train, options: options, optimizer: optimizer, progress: &progress)
        record.member = member
        let batches = (train.count + options.batchSize - 1) / options.batchSize
        if let validation { try model.validate(validation, into: &record, batches: batches) }
        record.seconds = Date().timeIntervalSince(started)
        try model.endEpoch(record, state: &state, options: options, optimizer: optimizer, fingerprint: fingerprint, steps: batches)
        progress.finishEpoch(ProbabilisticModel.epochLine(record, of: options.epochs))
        options.onEpochEnd?(record)
        return remains
    }

    /// After the last epoch: the best weights put back if asked for, then the output-layer
    /// refit if asked for and there is validation data; the network's history.
    func finish() -> History {
        model.finishFit(&state, lastEpoch: epoch, restoreBest: options.earlyStopping?.restoreBestWeights == true)
        if options.outputRefitSteps > 0, let validation,
           let refit = model.refitOutputLayer(train: train, validation: validation, optimizer: optimizer,
                                              steps: options.outputRefitSteps) {
            state.history.outputRefits = [refit]
        }
        return state.history
    }
}

extension TrainingOptions {
    /// These options with their callbacks (`onEpochEnd`, the topology's `endEpoch`, a
    /// checkpoint's `landed`) called one at a time, for members trained at the same time.
    func serialisingCallbacks() -> TrainingOptions {
        let lock = NSLock()
        var options = self
        if let onEpochEnd { options.onEpochEnd = { record in lock.withLock { onEpochEnd(record) } } }
        options.topology = SerialisedEpochEnds(base: topology, lock: lock)
        if let landed = checkpoint?.landed { options.checkpoint?.landed = { name in try lock.withLock { try landed(name) } } }
        return options
    }
}

/// A topology whose epoch ends are called one at a time (members trained at the same time).
private struct SerialisedEpochEnds: TrainingTopology {
    let base: any TrainingTopology
    let lock: NSLock
    var sumsEveryStep: Bool { base.sumsEveryStep }
    func trainedMembers(of count: Int) -> [Int] { base.trainedMembers(of: count) }
    func microBatches(of all: Range<Int>) -> Range<Int> { base.microBatches(of: all) }
    func sumGradients(_ buffer: inout [Double]) throws { try base.sumGradients(&buffer) }
    func endEpoch(of network: ProbabilisticModel) throws { try lock.withLock { try base.endEpoch(of: network) } }
    func gatherMembers(of model: ProbabilisticModel, histories: [History]) throws -> [History] {
        try base.gatherMembers(of: model, histories: histories)
    }
}
