import Foundation

/// A network whose outputs are the parameters of a distribution: backbone + head.
///
/// The backbone maps a batch of (scaled) features `[N, …inputShape]` to raw outputs
/// `[N, head.rawOutputCount]`; the head turns them into one distribution per row. The loss is
/// the mean negative log-likelihood of the observations, the same code for every head.
///
/// Scaling travels with the model: `featureScaling` standardizes table features with training
/// statistics, and `targetScaling` standardizes the target of a location-scale family (or
/// divides that of a log-normal or gamma by its training mean) for training, while every
/// prediction is reported in the target's original units.
public final class ProbabilisticModel {
    /// The backbone.
    public let network: Sequential
    /// The distribution family and its links (and a fitted temperature).
    public internal(set) var head: Head
    /// The per-example input shape (`[features]` or `[H, W, C]`).
    public let inputShape: [Int]
    /// Feature standardization fitted on training data (tables), applied by `prepare(_:)`.
    public var featureScaling: Standardizer?
    /// Target standardization for location-scale families.
    public var targetScaling: TargetScaling?
    /// The class names, in class-index order (classification heads).
    public var classNames: [String]?
    /// The feature columns the model was trained on (tables).
    public var featureNames: [String]?
    /// The target column (tables).
    public var targetName: String?
    /// How the table's feature columns (`featureNames`) become the inputs: numbers, one-hot
    /// categories, the missing-cell policy and imputed values (tables).
    public var featureEncoding: TableEncoding?
    /// Conformity scores from a calibration set (`conformalize(on:)`), saved with the model.
    public var conformal: ConformalCalibration?

    /// Joins a backbone to a head.
    /// - Precondition: the network's output width equals `head.rawOutputCount`.
    public init(network: Sequential, head: Head, inputShape: [Int]) {
        let outputs = network.outputShape(for: inputShape)
        precondition(outputs == [head.rawOutputCount],
                     "the network outputs \(outputs) values per example but the \(head.family.name) head needs \(head.rawOutputCount)")
        self.network = network
        self.head = head
        self.inputShape = inputShape
    }

    /// A built-in architecture (`mlp`, `seed-cnn`, …) sized for `head`, with fresh weights.
    public convenience init(architecture: Architecture, inputShape: [Int], head: Head, hidden: [Int] = [50, 50],
                            dropout: Float = 0.25, using random: inout RandomSource) throws {
        let network = try architecture.makeModel(inputShape: inputShape, hidden: hidden, dropout: dropout,
                                                 outputs: head.rawOutputCount, using: &random)
        self.init(network: network, head: head, inputShape: inputShape)
    }

    /// The trainable parameters and their names (`"0.weight"`, …).
    public var parameters: [NamedTensor] { network.parameters }

    /// Features as the network sees them: standardized when the model has feature scaling.
    public func prepare(_ features: Tensor) -> Tensor {
        featureScaling.map { $0.apply(features) } ?? features
    }

    /// Targets in training units: standardized for location-scale families.
    public func prepareTargets(_ targets: Tensor) -> Tensor {
        targetScaling.map { $0.standardize(targets) } ?? targets
    }

    /// Raw outputs `[N, rawOutputCount]` for prepared features.
    /// - Parameter streams: one stream per row (see `ExampleStreams`); `inference` draws nothing.
    public func rawOutputs(_ prepared: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        network(prepared, phase: phase, using: &streams)
    }

    /// The predicted distributions, in the target's original units, for prepared features.
    public func distribution(_ prepared: Tensor, phase: Phase = .inference, using streams: inout ExampleStreams) -> any UnivariateDistribution {
        head.distribution(rawOutputs(prepared, phase: phase, using: &streams), scaling: targetScaling)
    }

    /// The training loss: the NLL of prepared targets (training units) given prepared
    /// features, reduced by `reduction` (the mean by default).
    public func loss(_ prepared: Tensor, targets: Tensor, phase: Phase = .training, reduction: Reduction = .mean,
                     using streams: inout ExampleStreams) -> Tensor {
        head.negativeLogLikelihood(rawOutputs(prepared, phase: phase, using: &streams), targets: targets, reduction: reduction)
    }
}
