import LikelyTensor

/// A differentiable transformation of a batch, with named parameters.
///
/// Shapes include the batch as their first axis at call time (`[batch, features]` or NHWC
/// images `[batch, height, width, channels]`); `outputShape(for:)` works on the shape of one
/// example, without the batch axis.
///
/// To add a layer: implement this protocol (its forward pass from tensor ops, or a primitive
/// op written with `Tensor.record` when speed matters), give it a `LayerSpec` case so model
/// files can describe it, and add a gradient check to the tests (see `docs/layers.md`).
public protocol Layer: AnyObject {
    /// Applies the layer to a batch.
    /// - Parameters:
    ///   - x: the input batch; its per-example shape must be one this layer was built for.
    ///   - phase: training, inference or an MC-dropout pass (see `Phase`).
    ///   - streams: one random stream per row of `x` (see `ExampleStreams`), the source of
    ///     dropout masks and any other draw; a layer draws row r's values from `streams[r]`
    ///     only, so no example's output depends on the rest of its batch.
    func callAsFunction(_ x: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor

    /// The per-example output shape for a per-example input shape (no batch axis).
    func outputShape(for inputShape: [Int]) -> [Int]

    /// The learnable tensors, in a stable order, named relative to the layer (`"weight"`, `"bias"`).
    var parameters: [NamedTensor] { get }

    /// Non-learnable state that belongs in a model file (BatchNorm's running mean and
    /// variance), named relative to the layer. Never updated by an optimizer.
    var state: [NamedTensor] { get }

    /// The layer's configuration as a Codable value; `spec.makeLayer(inputShape:using:)`
    /// rebuilds an equivalent layer (with fresh weights).
    var spec: LayerSpec { get }

    /// The Keras-style base name used in summaries (`"conv2d"`, `"dense"`, `"re_lu"`).
    var kindName: String { get }

    /// Whether the output depends on the random source in `monteCarlo` phase (Dropout, or a
    /// container holding one). The MC-dropout predictive runs the layers before the first
    /// stochastic one once and only the rest T times. A layer that draws must say so:
    /// training passes of a network with no stochastic layer get no streams.
    var isStochastic: Bool { get }
}

extension Layer {
    /// No learnable tensors by default.
    public var parameters: [NamedTensor] { [] }

    /// No non-learnable state by default.
    public var state: [NamedTensor] { [] }

    /// Deterministic by default.
    public var isStochastic: Bool { false }

    /// Applies the layer in `inference` phase, which draws nothing.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var none = ExampleStreams()
        return self(x, phase: .inference, using: &none)
    }

    /// The number of scalars in parameters and state (what Keras reports as "Param #":
    /// BatchNorm's running statistics count, as non-trainable).
    public var parameterCount: Int {
        (parameters + state).reduce(0) { $0 + $1.tensor.count }
    }

    /// The number of scalars an optimizer updates.
    public var trainableParameterCount: Int {
        parameters.filter(\.isTrainable).reduce(0) { $0 + $1.tensor.count }
    }

    /// Whether every parameter is trainable. Setting it freezes (`false`) or unfreezes the
    /// layer for transfer learning; state is never trainable.
    public var isTrainable: Bool {
        get { parameters.allSatisfy(\.isTrainable) }
        set { for p in parameters { p.tensor.requiresGradient = newValue } }
    }
}

/// Checks that a batch has the per-example shape a layer expects.
@inline(__always)
func checkInput(_ x: Tensor, rank: Int, layer: String) {
    precondition(x.rank == rank, "\(layer) expects inputs of rank \(rank) (batch included), got shape \(x.shape)")
}
