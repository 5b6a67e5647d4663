import LikelyTensor

/// A fully connected layer: y = x·W + b.
///
/// Shapes: x `[batch, inputSize]`, W `[inputSize, outputSize]`, b `[outputSize]`,
/// y `[batch, outputSize]`. Parameters: inputSize·outputSize + outputSize (with bias).
public final class Dense: Layer {
    /// The kernel W, `[inputSize, outputSize]`.
    public let weight: Tensor
    /// The bias b, `[outputSize]`, or `nil` without bias.
    public let bias: Tensor?
    /// How the kernel was initialized (kept for the layer's spec).
    public let kernelInitializer: Initializer

    /// A dense layer with freshly drawn weights.
    /// - Parameters:
    ///   - inputSize: features per example.
    ///   - outputSize: units.
    ///   - useBias: whether to add b.
    ///   - kernelInitializer: Glorot uniform by default, as in Keras.
    ///   - biasInitializer: zeros by default.
    ///   - random: the source of the kernel's draws.
    public init(inputSize: Int, outputSize: Int, useBias: Bool = true, kernelInitializer: Initializer = .glorotUniform,
                biasInitializer: Initializer = .zeros, using random: inout RandomSource) {
        precondition(inputSize > 0 && outputSize > 0, "Dense needs positive sizes, got \(inputSize) → \(outputSize)")
        weight = kernelInitializer.makeTensor(shape: [inputSize, outputSize], using: &random)
        bias = useBias ? biasInitializer.makeTensor(shape: [outputSize], using: &random) : nil
        self.kernelInitializer = kernelInitializer
    }

    /// x · W + b for a batch `[N, inputSize]`, giving `[N, outputSize]`; `phase` and `streams` do not change it.
    public func callAsFunction(_ x: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        checkInput(x, rank: 2, layer: "Dense")
        return linear(x, weight: weight, bias: bias)
    }

    /// The per-example output shape for a per-example input shape.
    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape == [weight.shape[0]], "Dense expects input shape [\(weight.shape[0])], got \(inputShape)")
        return [weight.shape[1]]
    }

    /// The trainable tensors, named as in weights files.
    public var parameters: [NamedTensor] {
        [NamedTensor(name: "weight", tensor: weight)] + (bias.map { [NamedTensor(name: "bias", tensor: $0)] } ?? [])
    }

    /// The layer as it is written to `model.json`.
    public var spec: LayerSpec { .dense(units: weight.shape[1], useBias: bias != nil, kernelInitializer: kernelInitializer) }
    /// The layer's kind, as summaries and error messages name it.
    public var kindName: String { "dense" }
}
