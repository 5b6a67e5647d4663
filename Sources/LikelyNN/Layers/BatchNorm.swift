import LikelyTensor

/// Batch normalization over the last axis (Keras `BatchNormalization`).
///
/// `training`: y = γ(x − μ_B)/√(σ²_B + ε) + β with the batch's mean and population variance
/// over every axis but the last, and the running statistics move towards them:
/// running ← momentum · running + (1 − momentum) · batch.
/// `inference` and `monteCarlo`: the running statistics replace μ_B and σ²_B and nothing is
/// updated, so MC-dropout passes never disturb the layer.
/// Parameters: γ (`"gamma"`) and β (`"beta"`), trainable; state `"running_mean"` and
/// `"running_variance"`, saved with the model but never trained (Keras counts all four).
public final class BatchNorm: Layer {
    /// γ, `[features]`, initialized to ones.
    public let scale: Tensor
    /// β, `[features]`, initialized to zeros.
    public let offset: Tensor
    /// The running mean, `[features]`, initialized to zeros.
    public let runningMean: Tensor
    /// The running (population) variance, `[features]`, initialized to ones.
    public let runningVariance: Tensor
    /// The weight of the old running statistics in each update (Keras default 0.99).
    public let momentum: Float
    /// ε added to the variance (Keras default 1e-3).
    public let epsilon: Float

    /// A batch normalization layer for `features` channels.
    public init(features: Int, momentum: Float = 0.99, epsilon: Float = 1e-3) {
        precondition(features > 0, "BatchNorm needs a positive feature count, got \(features)")
        precondition(momentum >= 0 && momentum <= 1, "BatchNorm momentum must be in [0, 1], got \(momentum)")
        precondition(epsilon > 0, "BatchNorm epsilon must be positive, got \(epsilon)")
        scale = Tensor.ones([features], requiresGradient: true)
        offset = Tensor.zeros([features], requiresGradient: true)
        runningMean = Tensor.zeros([features])
        runningVariance = Tensor.ones([features])
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// Normalises a batch per channel: with the batch's statistics in `.training` (updating the
    /// running ones), with the running statistics in `.inference` and `.monteCarlo`.
    public func callAsFunction(_ x: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        precondition(x.rank >= 2 && x.shape.last == scale.count,
                     "BatchNorm expects inputs whose last axis has \(scale.count) features, got shape \(x.shape)")
        guard phase.usesBatchStatistics else {
            return batchNormalized(x, scale: scale, offset: offset, mean: runningMean, variance: runningVariance, epsilon: epsilon).output
        }
        let (y, mean, variance) = batchNormalized(x, scale: scale, offset: offset, epsilon: epsilon)
        let keep = momentum
        for j in 0..<scale.count {
            runningMean.scalars[j] = keep * runningMean.scalars[j] + (1 - keep) * mean[j]
            runningVariance.scalars[j] = keep * runningVariance.scalars[j] + (1 - keep) * variance[j]
        }
        return y
    }

    /// The per-example output shape for a per-example input shape.
    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

    /// The trainable tensors, named as in weights files.
    public var parameters: [NamedTensor] {
        [NamedTensor(name: "gamma", tensor: scale), NamedTensor(name: "beta", tensor: offset)]
    }

    /// The non-trainable tensors saved beside the weights (BatchNorm's running statistics).
    public var state: [NamedTensor] {
        [NamedTensor(name: "running_mean", tensor: runningMean), NamedTensor(name: "running_variance", tensor: runningVariance)]
    }

    /// The layer as it is written to `model.json`.
    public var spec: LayerSpec { .batchNorm(momentum: momentum, epsilon: epsilon) }
    /// The layer's kind, as summaries and error messages name it.
    public var kindName: String { "batch_normalization" }
}
