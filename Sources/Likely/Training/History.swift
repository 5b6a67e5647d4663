import Foundation

/// What one epoch of training measured.
public struct EpochRecord: Codable, Equatable, Sendable {
    /// The ensemble member trained (0-based), `nil` for a model of one network.
    public var member: Int?
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
///
/// For a deep ensemble, `epochs` holds every member's epochs, member by member (each record
/// names its `member`), and `keptEpochs[j]` is the epoch member j's weights come from.
public struct History: Codable, Equatable, Sendable {
    /// One record per epoch trained, in order (member by member for an ensemble).
    public var epochs: [EpochRecord] = []
    /// The epoch whose weights the model holds at the end (the best one when early stopping
    /// restored the best weights, else the last): member 0's for an ensemble.
    public var keptEpoch: Int = 0
    /// The kept epoch of each member (one entry for a single network).
    public var keptEpochs: [Int] = []
    /// Whether early stopping ended the run (of any member) before the last epoch.
    public var stoppedEarly = false
    /// The temperature fitted on validation data after training, if asked for.
    public var temperature: Double?
    /// The output-layer refit of each network after training (`TrainingOptions.outputRefitSteps`),
    /// in member order; empty when there was none.
    public var outputRefits: [OutputRefit] = []
    /// The GLM weighed against the network after training (`FitPlan.glmCandidate`), or nil.
    public var glmCandidate: GLMCandidate?

    /// An empty history.
    public init() {}

    private enum CodingKeys: String, CodingKey { case epochs, keptEpoch, keptEpochs, stoppedEarly, temperature, outputRefits, glmCandidate }

    /// Reads a history; one written before ensembles (no `keptEpochs`) has `[keptEpoch]`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epochs = try c.decode([EpochRecord].self, forKey: .epochs)
        keptEpoch = try c.decode(Int.self, forKey: .keptEpoch)
        keptEpochs = try c.decodeIfPresent([Int].self, forKey: .keptEpochs) ?? [keptEpoch]
        stoppedEarly = try c.decode(Bool.self, forKey: .stoppedEarly)
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature)
        outputRefits = try c.decodeIfPresent([OutputRefit].self, forKey: .outputRefits) ?? []
        glmCandidate = try c.decodeIfPresent(GLMCandidate.self, forKey: .glmCandidate)
    }

    /// The histories of an ensemble's members, in member order, as one history.
    public init(members: [History]) {
        epochs = members.flatMap(\.epochs)
        keptEpochs = members.flatMap(\.keptEpochs)
        outputRefits = members.flatMap(\.outputRefits)
        keptEpoch = keptEpochs.first ?? 0
        stoppedEarly = members.contains(where: \.stoppedEarly)
    }

    /// `history.csv`: one row per epoch (with a first column `member` for an ensemble); empty
    /// cells where a value does not apply.
    public var csv: String {
        let ensemble = epochs.contains { $0.member != nil }
        var lines = [(ensemble ? "member," : "") + "epoch,loss,val_nll,val_accuracy,val_rmse,learning_rate,seconds"]
        func cell(_ x: Double?) -> String { x.map { String(format: "%.6g", $0) } ?? "" }
        for r in epochs {
            let member = ensemble ? [r.member.map(String.init) ?? ""] : []
            lines.append((member + [String(r.epoch), cell(r.loss), cell(r.validationNLL), cell(r.validationAccuracy),
                                    cell(r.validationRMSE), cell(r.learningRate), String(format: "%.3f", r.seconds)]).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
