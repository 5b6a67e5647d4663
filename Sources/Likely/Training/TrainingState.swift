import Foundation

/// What a training run carries from epoch to epoch, and what a checkpoint keeps of it so a
/// resumed run continues exactly: the history, the best monitored value and its epoch, the
/// best weights (for restoring), and (beside the model files) the optimizer's state.
struct TrainingState: Codable {
    var history = History()
    var bestValue = Double.infinity
    var bestEpoch = 0
    var stopped = false
    var bestWeights: [[Float]]?
    /// The epoch of the last checkpoint written (or resumed from); not itself saved.
    var savedEpoch = 0

    private enum CodingKeys: String, CodingKey { case history, bestValue, bestEpoch, stopped }

    init() {}

    /// Reads `training.json`, where a best value that is not finite (+∞ before any epoch
    /// improved) is `null` (the `JSONNumbers` convention).
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        history = try container.decode(History.self, forKey: .history)
        bestValue = try container.decodeIfPresent(Double.self, forKey: .bestValue) ?? .infinity
        bestEpoch = try container.decode(Int.self, forKey: .bestEpoch)
        stopped = try container.decode(Bool.self, forKey: .stopped)
        savedEpoch = history.epochs.count
    }

    /// Notes the monitored value of an epoch; returns whether it improved.
    mutating func record(_ value: Double, epoch: Int, model: ProbabilisticModel, keepBest: Bool) -> Bool {
        guard value < bestValue else { return false }
        bestValue = value
        bestEpoch = epoch
        if keepBest { bestWeights = (model.network.parameters + model.network.state).map(\.tensor.scalars) }
        return true
    }

    /// Writes the checkpoint: the model files, `training.json`, the optimizer state and the
    /// best weights, as one unit (`Checkpoint`) recording `fingerprint`.
    func save(to checkpoint: TrainingOptions.Checkpointing, model: ProbabilisticModel, optimizer: any Optimizer,
              fingerprint: TrainingFingerprint) throws {
        var files = try ModelDirectory.files(model, history: history, in: checkpoint.directory).files
        let optimizerState = optimizer.state(for: model.parameters)
        files.append((ModelLayout.optimizerName, Safetensors.encode(optimizerState.tensors.map { ($0.name, $0.tensor) },
                                                                  metadata: ["step": String(optimizerState.step)])))
        if let bestWeights {
            let named = zip(model.network.parameters + model.network.state, bestWeights).map {
                ($0.name, Tensor(shape: $0.tensor.shape, scalars: $1))
            }
            files.append((ModelLayout.bestWeightsName, Safetensors.encode(named)))
        }
        // Non-finite numbers (a best value of +∞, a NaN validation NLL) are null with a note.
        files.append((ModelLayout.trainingStateName, Data((try JSONNumbers.encode(self) + "\n").utf8)))
        try Checkpoint.write(files, epoch: history.epochs.count, fingerprint: fingerprint, to: checkpoint.directory,
                             landed: checkpoint.landed)
    }

    /// Restores the weights, optimizer and training state of a checkpoint into `model` and
    /// `optimizer`, once `Checkpoint.verify` has found it whole and of a run with `fingerprint`.
    static func resume(from directory: String, model: ProbabilisticModel, optimizer: any Optimizer,
                       fingerprint: TrainingFingerprint) throws -> TrainingState {
        try Checkpoint.verify(directory, fingerprint: fingerprint)
        return try restore(from: directory, model: model, optimizer: optimizer)
    }

    /// Reads the checkpoint's files into `model` and `optimizer`.
    private static func restore(from directory: String, model: ProbabilisticModel, optimizer: any Optimizer) throws -> TrainingState {
        let layout = ModelLayout(directory)
        try ModelDirectory.loadWeights(layout.weightsFile, into: model)
        let stored = try ModelDirectory.readDescription(layout.descriptionFile)
        model.featureScaling = stored.featureScaling
        model.targetScaling = stored.targetScaling
        let trainingURL = layout.trainingStateFile
        guard let json = FileManager.default.contents(atPath: trainingURL.path) else {
            throw ModelFileError(file: trainingURL.path, "missing: not a checkpoint written with keep: last")
        }
        let decoder = JSONDecoder()
        var state: TrainingState
        do { state = try decoder.decode(TrainingState.self, from: json) } catch let error as DecodingError {
            throw ModelFileError(file: trainingURL.path, "cannot read the training state: " + ModelFileDecoding.describe(error, json: json))
        } catch {
            throw ModelFileError(file: trainingURL.path, "cannot read the training state: \(error)")
        }
        let optimizerURL = layout.optimizerStateFile
        guard let optimizerData = FileManager.default.contents(atPath: optimizerURL.path) else {
            throw ModelFileError(file: optimizerURL.path, "missing or unreadable")
        }
        let (tensors, metadata) = try Safetensors.decode(optimizerData, file: optimizerURL.path)
        guard let step = metadata["step"].flatMap(Int.init), step >= 0 else {
            throw ModelFileError(file: optimizerURL.path, "metadata field step: expected a non-negative integer")
        }
        do {
            try optimizer.restore(OptimizerState(step: step, tensors: tensors.map { NamedTensor(name: $0.key, tensor: $0.value) }),
                                  for: model.parameters)
        } catch {
            throw ModelFileError(file: optimizerURL.path, "\(error)")
        }
        let bestURL = layout.bestWeightsFile
        if let bestData = FileManager.default.contents(atPath: bestURL.path) {
            let best = try Safetensors.decode(bestData, file: bestURL.path).tensors
            state.bestWeights = try (model.network.parameters + model.network.state).map { p in
                guard let t = best[p.name], t.shape == p.tensor.shape else {
                    throw ModelFileError(file: bestURL.path, "tensor '\(p.name)' is missing or has the wrong shape")
                }
                return t.scalars
            }
        }
        return state
    }
}
