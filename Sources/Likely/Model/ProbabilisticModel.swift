import Foundation

/// A network whose outputs are the parameters of a distribution: backbone + head; or a deep
/// ensemble of M such backbones sharing the head, whose predictive is the equal-weight
/// mixture of the members' (see `ProbabilisticModel+Members.swift`).
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
    /// The backbones, M ≥ 1 of the same architecture: one for a single network, the members of
    /// a deep ensemble otherwise.
    public let members: [Sequential]
    /// The backbone of a single network. An ensemble has no single network: asking for it is
    /// a programmer error that stops with a message (use `members[j]`, or `member(j)` for one
    /// member's model, and `layerSpecs` for the architecture the members share).
    public var network: Sequential {
        precondition(memberCount == 1, "an ensemble of \(memberCount) members has no single network: use members[j], member(j) or layerSpecs")
        return members[0]
    }
    /// The layers every member is built of (the members share one architecture).
    public var layerSpecs: [LayerSpec] { members[0].specs }
    /// M, the number of members.
    public var memberCount: Int { members.count }
    /// The distribution family and its links (and a fitted temperature).
    public internal(set) var head: Head
    /// The per-example input shape (`[features]` or `[H, W, C]`).
    public let inputShape: [Int]
    /// What the model knows of its data: columns, encoding, scalings, target, class names.
    public var schema = ModelSchema()
    /// Feature standardization fitted on training data (tables), applied by `prepare(_:)`.
    public var featureScaling: Standardizer? {
        get { schema.featureScaling }
        set { schema.featureScaling = newValue }
    }
    /// Target standardization for location-scale families.
    public var targetScaling: TargetScaling? {
        get { schema.targetScaling }
        set { schema.targetScaling = newValue }
    }
    /// The class names, in class-index order (classification heads).
    public var classNames: [String]? {
        get { schema.classNames }
        set { schema.classNames = newValue }
    }
    /// The feature columns the model was trained on (tables).
    public var featureNames: [String]? {
        get { schema.featureNames }
        set { schema.featureNames = newValue }
    }
    /// The target column (tables).
    public var targetName: String? {
        get { schema.targetName }
        set { schema.targetName = newValue }
    }
    /// How the table's feature columns (`featureNames`) become the inputs: numbers, one-hot
    /// categories, the missing-cell policy and imputed values (tables).
    public var featureEncoding: TableEncoding? {
        get { schema.featureEncoding }
        set { schema.featureEncoding = newValue }
    }
    /// Conformity scores from a calibration set (`conformalize(on:)`), saved with the model.
    public var conformal: ConformalCalibration?
    /// Laplace posteriors of the members' weights (`fitLaplace(on:)`), saved with the model;
    /// when present the default predictive is the Laplace one.
    public var laplace: LaplaceApproximation?
    /// How `FitPlan.fit` (and `likely fit`) drew the rows it trained on, saved with the model so
    /// that `likely laplace` can draw them again; nil for a model trained otherwise.
    public var trainingRows: TrainingRows?

    /// Joins a backbone to a head.
    /// - Precondition: the network's output width equals `head.rawOutputCount`.
    public convenience init(network: Sequential, head: Head, inputShape: [Int]) {
        self.init(members: [network], head: head, inputShape: inputShape)
    }

    /// Joins M ≥ 1 backbones of the same architecture (distinct objects, each with its own
    /// weights) to one head: a deep ensemble.
    /// - Precondition: at least one member, no member twice, the same layer descriptions, and
    ///   every output width equal to `head.rawOutputCount`.
    public init(members: [Sequential], head: Head, inputShape: [Int]) {
        precondition(!members.isEmpty, "a model needs at least one member network")
        precondition(Set(members.map(ObjectIdentifier.init)).count == members.count,
                     "the \(members.count) members must be distinct networks (one network passed twice would share its weights)")
        for (j, member) in members.enumerated() {
            let outputs = member.outputShape(for: inputShape)
            precondition(outputs == [head.rawOutputCount],
                         "member \(j): the network outputs \(outputs) values per example but the \(head.family.name) head needs \(head.rawOutputCount)")
            precondition(j == 0 || member.specs == members[0].specs,
                         "member \(j) has layers \(member.specs.map(\.kind)), member 0 \(members[0].specs.map(\.kind)): members share one architecture")
        }
        self.members = members
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

    /// The trainable parameters and their names (`"0.weight"`, …), of every member: member j's
    /// prefixed `member_j.` when the model has more than one.
    public var parameters: [NamedTensor] { memberTensors(\.parameters) }

    /// Every tensor a model file stores (parameters then state, member by member), named as
    /// in `weights.safetensors`: `"0.weight"` for one member, `"member_j.0.weight"` for M > 1.
    public var namedTensors: [NamedTensor] { memberTensors(\.namedTensors) }

    private func memberTensors(_ tensors: (Sequential) -> [NamedTensor]) -> [NamedTensor] {
        guard members.count > 1 else { return tensors(network) }
        return members.enumerated().flatMap { j, member in tensors(member).map { $0.prefixed("member_\(j)") } }
    }

    /// Features as the network sees them: standardized when the model has feature scaling
    /// (compact table features: their numeric columns, see `ProbabilisticModel+CompactInput.swift`).
    public func prepare(_ features: Tensor) -> Tensor {
        guard let scaling = featureScaling else { return features }
        return compactEncoding.map { scaling.applyCompact(features, encoding: $0) } ?? scaling.apply(features)
    }

    /// Targets in training units: standardized for location-scale families.
    public func prepareTargets(_ targets: Tensor) -> Tensor {
        targetScaling.map { $0.standardize(targets) } ?? targets
    }

    /// Raw outputs `[N, rawOutputCount]` of a single network for prepared features (of an
    /// ensemble, member j's are `member(j).rawOutputs`, the whole ensemble's
    /// `predictiveRawOutputs`; called on an ensemble it stops with a message, as `network` does).
    /// - Parameters:
    ///   - prepared: features already through `prepare`, `[N] + featureShape`.
    ///   - phase: `inference` for the deterministic network, `monteCarlo` for an MC-dropout pass.
    ///   - streams: one stream per row (see `ExampleStreams`); `inference` draws nothing.
    public func rawOutputs(_ prepared: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        forward(prepared, through: network, layers: network.layers.indices, phase: phase, using: &streams)
    }

    /// The predicted distributions of a single network, in the target's original units, for
    /// prepared features (of an ensemble: `member(j).distribution`, or the mixture `predictive(_:)`).
    public func distribution(_ prepared: Tensor, phase: Phase = .inference, using streams: inout ExampleStreams) -> any UnivariateDistribution {
        head.distribution(rawOutputs(prepared, phase: phase, using: &streams), scaling: targetScaling)
    }

    /// The training loss of a single network (of an ensemble: `member(j).loss`): the NLL of
    /// prepared targets (training units) given prepared features, reduced by `reduction` (the
    /// mean by default).
    public func loss(_ prepared: Tensor, targets: Tensor, phase: Phase = .training, reduction: Reduction = .mean,
                     using streams: inout ExampleStreams) -> Tensor {
        head.negativeLogLikelihood(rawOutputs(prepared, phase: phase, using: &streams), targets: targets, reduction: reduction)
    }
}
