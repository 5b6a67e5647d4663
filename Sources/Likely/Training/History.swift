import Foundation

/// What one epoch of training measured.
public struct EpochRecord: Codable, Equatable, Sendable {
    /// The 1-based epoch.
    public var epoch: Int
    /// Mean training loss: negative log-likelihood per observation in the target's original
    /// units (dropout active, so usually above the validation NLL of the deterministic network).
    public var loss: Double
    /// Validation NLL per observation in the target's original units, if there was validation data.
    public var validationNLL: Double?
    /// Validation accuracy (classification heads).
    public var validationAccuracy: Double?
    /// Validation RMSE in the target's original units (regression and count heads).
    public var validationRMSE: Double?
    /// The learning rate used during the epoch.
    public var learningRate: Double
    /// Wall-clock seconds the epoch took.
    public var seconds: Double
}

/// The per-epoch record of a training run, and the epoch whose weights were kept.
public struct History: Codable, Equatable, Sendable {
    public var epochs: [EpochRecord] = []
    /// The epoch whose weights the model holds at the end (the best one when early stopping
    /// restored the best weights, else the last).
    public var keptEpoch: Int = 0
    /// Whether early stopping ended the run before the last epoch.
    public var stoppedEarly = false
    /// The temperature fitted on validation data after training, if asked for.
    public var temperature: Double?

    public init() {}

    /// `history.csv`: one row per epoch; empty cells where a value does not apply.
    public var csv: String {
        var lines = ["epoch,loss,val_nll,val_accuracy,val_rmse,learning_rate,seconds"]
        func cell(_ x: Double?) -> String { x.map { String(format: "%.6g", $0) } ?? "" }
        for r in epochs {
            lines.append([String(r.epoch), cell(r.loss), cell(r.validationNLL), cell(r.validationAccuracy),
                          cell(r.validationRMSE), cell(r.learningRate), String(format: "%.3f", r.seconds)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
