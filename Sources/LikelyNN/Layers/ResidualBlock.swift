import LikelyTensor

/// A residual block: y = P(x) + F(x), where F is the body and P is the identity when F keeps
/// the shape, or else a learned projection (a 1×1 convolution with the body's stride for
/// images, a bias-free dense layer for vectors).
///
/// Parameters are named `"body.<i>.<name>"` and `"projection.<name>"`.
public final class ResidualBlock: Layer {
    /// F, the residual branch.
    public let body: Sequential
    /// P, or `nil` for the identity.
    public let projection: (any Layer)?

    /// A block from a body and an explicit projection (`nil`: identity, so the body must
    /// keep the shape).
    public init(body: Sequential, projection: (any Layer)?) {
        self.body = body
        self.projection = projection
    }

    /// A block whose projection is built when the body changes the shape of `inputShape`.
    /// - Throws: `LayerSpecError` when no 1×1 strided convolution can match the shapes.
    public convenience init(inputShape: [Int], body: Sequential, using random: inout RandomSource) throws {
        let out = body.outputShape(for: inputShape)
        guard out != inputShape else { self.init(body: body, projection: nil); return }
        let spec = LayerSpec.residual(body: body.specs)
        if inputShape.count == 1 && out.count == 1 {
            self.init(body: body, projection: Dense(inputSize: inputShape[0], outputSize: out[0], useBias: false, using: &random))
            return
        }
        guard inputShape.count == 3 && out.count == 3 else {
            throw LayerSpecError(layer: spec, field: "body", expected: "a body mapping vectors to vectors or images to images", inputShape: inputShape)
        }
        let strides = SpatialSize((inputShape[0] + out[0] - 1) / out[0], (inputShape[1] + out[1] - 1) / out[1])
        let projection = Conv2D(inputChannels: inputShape[2], filters: out[2], kernelSize: SpatialSize(1), strides: strides,
                                padding: .same, useBias: false, using: &random)
        guard projection.outputShape(for: inputShape) == out else {
            throw LayerSpecError(layer: spec, field: "body", expected: "an output shape a strided 1×1 convolution can reach, got \(out)", inputShape: inputShape)
        }
        self.init(body: body, projection: projection)
    }

    /// body(x) + x, or body(x) + projection(x) when the shapes differ, for a batch in `phase`.
    public func callAsFunction(_ x: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        let fx = body(x, phase: phase, using: &streams)
        let px = projection.map { $0(x, phase: phase, using: &streams) } ?? x
        precondition(fx.shape == px.shape, "residual branch shape \(fx.shape) does not match shortcut shape \(px.shape)")
        return px + fx
    }

    /// The per-example output shape for a per-example input shape.
    public func outputShape(for inputShape: [Int]) -> [Int] { body.outputShape(for: inputShape) }

    /// The trainable tensors, named as in weights files.
    public var parameters: [NamedTensor] {
        body.parameters.map { $0.prefixed("body") } + (projection?.parameters.map { $0.prefixed("projection") } ?? [])
    }

    /// The non-trainable tensors saved beside the weights (BatchNorm's running statistics).
    public var state: [NamedTensor] {
        body.state.map { $0.prefixed("body") } + (projection?.state.map { $0.prefixed("projection") } ?? [])
    }

    /// The layer as it is written to `model.json`.
    public var spec: LayerSpec { .residual(body: body.specs) }
    /// The layer's kind, as summaries and error messages name it.
    public var kindName: String { "residual_block" }
    /// Whether the layer draws random numbers (dropout): MC dropout reruns the network from the first such layer.
    public var isStochastic: Bool { body.isStochastic }
}
