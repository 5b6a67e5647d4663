/// Which kind of forward pass a layer is in.
///
/// - `training`: Dropout drops units; BatchNorm normalizes with the batch's own statistics
///   and updates its running statistics.
/// - `inference`: the deterministic network; Dropout is the identity and BatchNorm uses its
///   running statistics.
/// - `monteCarlo`: one stochastic pass of MC dropout; Dropout drops units as in training,
///   but BatchNorm uses (and never updates) its running statistics, so predicting with MC
///   dropout leaves the trained network untouched.
public enum Phase: Sendable, Hashable {
    /// Training: dropout on, BatchNorm with batch statistics (and updating its running ones).
    case training
    /// Prediction with the deterministic network: dropout off, BatchNorm's running statistics.
    case inference
    /// One MC-dropout pass: dropout on, BatchNorm's running statistics (never updated).
    case monteCarlo

    /// Whether Dropout is active: in `training` and `monteCarlo`.
    public var dropsUnits: Bool { self != .inference }

    /// Whether BatchNorm normalizes with batch statistics: in `training` only.
    public var usesBatchStatistics: Bool { self == .training }
}
