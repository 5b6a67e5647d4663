import Foundation

/// Where each file of a model directory lives: the one place their names are spelled.
///
/// A model directory holds `model.json` (the description: architecture, head, schema,
/// conformal scores, format version), `weights.safetensors` (every tensor) and, after a fit,
/// `history.csv` (one row per epoch), and with a Laplace posterior `laplace.safetensors`. A checkpoint directory holds the same two model files
/// plus `optimizer.safetensors`, `training.json` (loop state), with early stopping
/// `best.safetensors`, and `checkpoint.json` (its manifest, `Checkpoint`).
public struct ModelLayout: Sendable {
    /// `model.json`.
    public static let descriptionName = "model.json"
    /// `weights.safetensors`.
    public static let weightsName = "weights.safetensors"
    /// `history.csv`.
    public static let historyName = "history.csv"
    /// `training.json`, a checkpoint's loop state.
    public static let trainingStateName = "training.json"
    /// `optimizer.safetensors`, a checkpoint's optimizer state.
    public static let optimizerName = "optimizer.safetensors"
    /// `best.safetensors`, a checkpoint's best weights so far (early stopping).
    public static let bestWeightsName = "best.safetensors"
    /// `checkpoint.json`, a checkpoint's manifest.
    public static let manifestName = "checkpoint.json"
    /// `laplace.safetensors`, the factors of a model's Laplace posteriors.
    public static let laplaceName = "laplace.safetensors"
    /// The files `ModelDirectory.save` may write, for checking an output directory first.
    public static let savedNames = [descriptionName, weightsName, historyName, laplaceName]

    /// The directory.
    public let directory: URL

    /// The layout of the model directory at `path`.
    public init(_ path: String) { directory = URL(fileURLWithPath: path) }

    /// The file `name` inside the directory.
    public func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// `model.json` of this directory.
    public var descriptionFile: URL { file(Self.descriptionName) }
    /// `weights.safetensors` of this directory.
    public var weightsFile: URL { file(Self.weightsName) }
    /// `history.csv` of this directory.
    public var historyFile: URL { file(Self.historyName) }
    /// `training.json` of this (checkpoint) directory.
    public var trainingStateFile: URL { file(Self.trainingStateName) }
    /// `optimizer.safetensors` of this (checkpoint) directory.
    public var optimizerStateFile: URL { file(Self.optimizerName) }
    /// `best.safetensors` of this (checkpoint) directory.
    public var bestWeightsFile: URL { file(Self.bestWeightsName) }
}
