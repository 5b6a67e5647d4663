import LikelyTensor

/// Inverted dropout (Keras `Dropout`): in `training` and `monteCarlo` each element is kept
/// with probability 1 − rate and scaled by 1/(1 − rate), so its expectation is unchanged;
/// in `inference` the identity.
public final class Dropout: Layer {
    /// The probability of dropping an element, in [0, 1).
    public let rate: Float

    /// A dropout layer.
    /// - Parameter rate: the drop probability, in [0, 1).
    public init(rate: Float) {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got \(rate)")
        self.rate = rate
    }

    /// Zeroes each unit with probability `rate` and scales the rest by 1/(1 − rate) in `.training`
    /// and `.monteCarlo`, each example's mask from its own stream; the identity in `.inference`.
    public func callAsFunction(_ x: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        phase.dropsUnits ? dropout(x, rate: rate, using: &streams) : x
    }

    /// The per-example output shape for a per-example input shape.
    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }
    /// The layer as it is written to `model.json`.
    public var spec: LayerSpec { .dropout(rate: rate) }
    /// The layer's kind, as summaries and error messages name it.
    public var kindName: String { "dropout" }
    /// Whether the layer draws random numbers (dropout): MC dropout reruns the network from the first such layer.
    public var isStochastic: Bool { rate > 0 }
}
