/// How `ProbabilisticModel.fit` trains.
public struct TrainingOptions {
    /// Passes over the training data.
    public var epochs = 10
    /// Observations per gradient step (the global batch).
    public var batchSize = 32
    /// The update rule (its learning-rate schedule, weight decay and clipping included): a
    /// description that no fit updates. Each fit trains with its own `optimizer.fresh()`, so
    /// copies of the options never share moments or step counts.
    public var optimizer: any Optimizer = Adam()
    /// Seeds every draw of training: shuffles, dropout masks, augmentation, the validation
    /// split (each keyed by purpose, epoch and example: see `fit`).
    public var seed: UInt64 = 0
    /// Where validation data comes from.
    public var validation: Validation = .none
    /// Stop when validation NLL (training loss without validation data) has not improved for
    /// `patience` epochs.
    public var earlyStopping: EarlyStopping?
    /// Save a checkpoint after epochs (the last one, or the best one).
    public var checkpoint: Checkpointing?
    /// After training, fit temperature scaling on the validation data (Bernoulli and
    /// Categorical heads; needs validation data).
    public var calibrateTemperature = false
    /// The MC-dropout passes of the predictive to calibrate (0: the deterministic network).
    public var calibrationMCSamples = 0
    /// Image augmentation applied to each training batch.
    public var augmentation: AugmentationPipeline?
    /// Standardize table features with training statistics (kept in the model).
    public var standardizeFeatures = true
    /// Standardize the target of location-scale families (predictions stay in original units).
    public var standardizeTarget = true
    /// Draw a progress bar on a terminal.
    public var showProgress = false
    /// The gradient seam: called with every step's gradients (summed over all processes)
    /// before the optimizer update, e.g. for clipping of one's own.
    public var gradientHook: ((inout Gradients, [NamedTensor]) throws -> Void)?
    /// Rows per micro-batch: each global batch is cut into micro-batches of this size
    /// whose gradients are computed one by one and summed in Double, a partition that does
    /// not depend on the number of processes.
    public var microBatchSize = 64
    /// How the work is divided among processes (`distribute(over:members:)` sets it):
    /// which members and micro-batches this process trains, and how gradients, epoch ends
    /// and members' histories meet.
    public var topology: any TrainingTopology = SingleProcessTraining()
    /// Full-batch steps of the output-layer refit after training (0: none): with every layer
    /// but the last fixed and dropout off, the last layer is fitted again to the training rows
    /// and kept if it lowers the validation NLL (`ProbabilisticModel.refitOutputLayer`); it
    /// needs validation data and does nothing without.
    public var outputRefitSteps = 0
    /// Called after each epoch (logging, plots).
    public var onEpochEnd: ((EpochRecord) -> Void)?

    /// The defaults: 10 epochs of batches of 32 with Adam at 0.001, no validation,
    /// standardized features and target.
    public init() {}

    /// Where validation data comes from.
    public enum Validation {
        /// No validation.
        case none
        /// A seeded fraction of the training data (stratified by class for classification).
        case fraction(Double)
        /// Separate data.
        case data(Dataset)
    }

    /// Early stopping on the monitored quantity.
    public struct EarlyStopping {
        /// Epochs without improvement before stopping.
        public var patience: Int
        /// Put back the weights of the best epoch at the end.
        public var restoreBestWeights: Bool

        /// - Parameters:
        ///   - patience: epochs without improvement before stopping (≥ 1).
        ///   - restoreBestWeights: put back the best epoch's weights at the end (default).
        public init(patience: Int, restoreBestWeights: Bool = true) {
            precondition(patience >= 1, "patience must be ≥ 1, got \(patience)")
            self.patience = patience
            self.restoreBestWeights = restoreBestWeights
        }
    }

    /// Checkpoints written atomically to a directory.
    public struct Checkpointing {
        /// Which checkpoint to keep.
        public enum Keep: String, Sendable {
            /// After every epoch: the state to resume from.
            case last
            /// Only when the monitored quantity improves.
            case best
        }

        /// The checkpoint directory (a model directory plus the training state and the
        /// manifest `checkpoint.json`), replaced as one unit after each save.
        public var directory: String
        /// Which epochs are saved: the last one, or only improvements.
        public var keep: Keep
        /// With `keep: .last`, an epoch's checkpoint is written only once at least this many
        /// gradient steps have passed since the previous one, and always after the fit's last
        /// epoch (1: after every epoch). A table of 200 rows has 7 steps an epoch: writing
        /// every one of its thousands of epochs would take longer than the training.
        public var minimumSteps = 1
        /// Called as each save progresses: with each file's name once it is on disk (in the
        /// staging directory beside `directory`), then `checkpoint.json`, then `directory`
        /// once the new checkpoint is in place. An error it throws ends the fit as a crash
        /// would at that moment (tests of interrupted saves).
        public var landed: ((String) throws -> Void)?

        /// - Parameters:
        ///   - directory: where the checkpoint goes (replaced as one unit after each saved epoch).
        ///   - keep: `.last` (default) or `.best`.
        ///   - landed: called as each save progresses (see `landed`); `nil` in normal use.
        ///   - minimumSteps: gradient steps between two `.last` checkpoints (1: every epoch).
        public init(directory: String, keep: Keep = .last, landed: ((String) throws -> Void)? = nil, minimumSteps: Int = 1) {
            self.directory = directory
            self.keep = keep
            self.minimumSteps = minimumSteps
            self.landed = landed
        }
    }
}
