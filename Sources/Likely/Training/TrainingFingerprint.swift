import Foundation

/// What a checkpoint must share with the run that resumes it: the data (`DataFingerprint`
/// of the data handed to `fit`, with the model's column and class names) and every setting
/// that shapes the run's bytes except the epoch count (a resumed run may go on to more
/// epochs): the head, the network, the members, the optimizer, batch size, seed,
/// validation, early stopping, standardization and augmentation.
public struct TrainingFingerprint: Codable, Equatable, Sendable {
    /// The data trained on.
    public var data: DataFingerprint
    /// The settings, by name (`family`, `network`, `optimizer`, `batch size`, `seed`, …).
    public var settings: [String: String]

    /// The fingerprint of `model` (as built, before training) fitting `data` with `options`.
    public init(model: ProbabilisticModel, data: Dataset, options: TrainingOptions) {
        let columns = (model.featureNames ?? []) + (model.targetName.map { [$0] } ?? []) + (model.classNames ?? [])
        self.data = DataFingerprint(data, columns: columns)
        let validation: String = switch options.validation {
        case .none: "none"
        case .fraction(let f): "fraction \(f)"
        case .data(let d): "data " + DataFingerprint(d).checksum
        }
        var network = Checksum()
        for spec in model.layerSpecs { network.add(String(describing: spec)) }
        settings = [
            "family": model.head.family.name,
            "head": "scale link \(model.head.scaleLink), \(model.head.classCount) classes, \(model.head.components) components",
            "network": "\(model.layerSpecs.count) layers on \(model.inputShape) (checksum \(network.hex))",
            "members": String(model.memberCount),
            "optimizer": Self.describe(options.optimizer),
            "batch size": String(options.batchSize),
            "seed": String(options.seed),
            "validation": validation,
            "early stopping": options.earlyStopping.map { "patience \($0.patience), restore best \($0.restoreBestWeights)" } ?? "none",
            "standardize": "features \(options.standardizeFeatures), target \(options.standardizeTarget)",
            "augmentation": options.augmentation.map { "\($0)" } ?? "none",
        ]
    }

    /// The optimizer's rule and settings: its type, schedule, decay, clipping and own fields.
    static func describe(_ optimizer: any Optimizer) -> String {
        let fresh = optimizer.fresh()
        var parts = ["\(type(of: fresh))", "schedule \(fresh.core.schedule)", "weight decay \(fresh.core.weightDecay)",
                     "clip norm " + (fresh.core.clipNorm.map { "\($0)" } ?? "none")]
        for child in Mirror(reflecting: fresh).children where child.label != "core" {
            parts.append("\(child.label ?? "?") \(child.value)")
        }
        return parts.joined(separator: ", ")
    }

    /// What differs, this fingerprint's value first (`family normal against laplace`,
    /// `data: rows 442 against 506`), or `[]` when they agree.
    public func differences(from other: TrainingFingerprint) -> [String] {
        data.differences(from: other.data).map { "data: " + $0 }
            + Set(settings.keys).union(other.settings.keys).sorted().compactMap { key in
                let mine = settings[key] ?? "(not recorded)", theirs = other.settings[key] ?? "(not recorded)"
                return mine == theirs ? nil : "\(key) \(mine) against \(theirs)"
            }
    }
}
