import Foundation
import LikelyTensor

/// Builds the layer list of a `Sequential` from statements:
/// `Sequential { Dense(inputSize: 4, outputSize: 8, using: &random); ReLU() }`.
@resultBuilder
public enum LayerBuilder {
    /// One layer statement.
    public static func buildExpression(_ layer: any Layer) -> [any Layer] { [layer] }
    /// A statement that is an array of layers (built in a helper), spliced in order.
    public static func buildExpression(_ layers: [any Layer]) -> [any Layer] { layers }
    /// The statements of a block, in order.
    public static func buildBlock(_ parts: [any Layer]...) -> [any Layer] { parts.flatMap { $0 } }
    /// An `if` without `else`: its layers, or none.
    public static func buildOptional(_ part: [any Layer]?) -> [any Layer] { part ?? [] }
    /// The first branch of an `if`–`else` or `switch`.
    public static func buildEither(first part: [any Layer]) -> [any Layer] { part }
    /// The second branch of an `if`–`else` or `switch`.
    public static func buildEither(second part: [any Layer]) -> [any Layer] { part }
    /// A `for` loop: the layers of every iteration, in order.
    public static func buildArray(_ parts: [[any Layer]]) -> [any Layer] { parts.flatMap { $0 } }
}

/// Layers applied one after another: y = fₙ(… f₂(f₁(x))).
///
/// Parameters and state are named `"<index>.<name>"` by the layer's position
/// (`"0.weight"`, `"0.bias"`, `"3.body.0.weight"`), in layer order: stable keys for weights
/// files and optimizer state.
public final class Sequential: Layer {
    /// The layers, in order.
    public let layers: [any Layer]
    /// The per-example input shape, when known (it is for models built from specs); used by
    /// `summary()`.
    public let inputShape: [Int]?

    /// A model from a list of layers.
    public init(inputShape: [Int]? = nil, layers: [any Layer]) {
        self.inputShape = inputShape
        self.layers = layers
    }

    /// A model from a result builder: `Sequential(inputShape: [4]) { Dense(...); ReLU() }`.
    public convenience init(inputShape: [Int]? = nil, @LayerBuilder _ build: () -> [any Layer]) {
        self.init(inputShape: inputShape, layers: build())
    }

    /// Rebuilds a model from its layer descriptions, propagating the shape from `inputShape`
    /// (per example, without the batch axis) and drawing fresh weights.
    /// - Throws: `LayerSpecError` naming the first description that does not fit.
    /// The most weights a network built from specs may hold: 2²⁸ = 268,435,456 float32
    /// values (1.07 GB; training with Adam holds about four times that). Checked before each
    /// layer allocates, so a model file or an option asking for more is refused, never tried.
    public static let maximumParameterCount = 1 << 28
    /// The most values one example's output of one layer may hold: 2²⁶ (268 MB).
    public static let maximumActivationCount = 1 << 26

    /// - Throws: `LayerSpecError` for a field out of range, `NetworkSizeError` for a network
    ///   beyond `maximumParameterCount` or a layer output beyond `maximumActivationCount`.
    public convenience init(specs: [LayerSpec], inputShape: [Int], using random: inout RandomSource) throws {
        var shape = inputShape
        var layers: [any Layer] = []
        var total = 0
        for (index, spec) in specs.enumerated() {
            let layer: any Layer
            let planned = spec.plannedParameterCount(inputShape: shape)
            let (sum, overflow) = total.addingReportingOverflow(planned ?? 0)
            guard planned != nil, !overflow, sum <= Self.maximumParameterCount else {
                throw NetworkSizeError(path: "layers[\(index)]", kind: spec.kind, needed: planned.flatMap { overflow ? nil : total + $0 }, isWeights: true)
            }
            do {
                layer = try spec.makeLayer(inputShape: shape, using: &random)
            } catch var error as LayerSpecError {
                error.path = "layers[\(index)]" + (error.path.isEmpty ? "" : "." + error.path.replacingOccurrences(of: "layers[", with: "body["))
                throw error
            } catch var error as NetworkSizeError {
                error.path = "layers[\(index)]." + error.path.replacingOccurrences(of: "layers[", with: "body[")
                throw error
            }
            total += layer.parameters.reduce(0) { $0 + $1.tensor.count }
            guard total <= Self.maximumParameterCount else {
                throw NetworkSizeError(path: "layers[\(index)]", kind: spec.kind, needed: total, isWeights: true)
            }
            shape = layer.outputShape(for: shape)
            var elements = 1
            for extent in shape {
                let (p, overflow) = elements.multipliedReportingOverflow(by: extent)
                guard !overflow, p <= Self.maximumActivationCount else {
                    throw NetworkSizeError(path: "layers[\(index)]", kind: spec.kind, needed: overflow ? nil : p, isWeights: false)
                }
                elements = p
            }
            layers.append(layer)
        }
        self.init(inputShape: inputShape, layers: layers)
    }

    /// Every layer in order, each in `phase`, drawing from the examples' streams where it is stochastic.
    public func callAsFunction(_ x: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        callAsFunction(x, layers: layers.indices, phase: phase, using: &streams)
    }

    /// Applies only the layers at `range` (for example the deterministic prefix before the
    /// first dropout once, then the stochastic suffix many times). A `Conv2D` followed by a
    /// ReLU runs as one fused op (the same values, one pass fewer over the activations), and
    /// with a `MaxPool2D` after them as one op too (`conv2dReLUMaxPool`).
    public func callAsFunction(_ x: Tensor, layers range: Range<Int>, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        precondition(range.lowerBound >= 0 && range.upperBound <= layers.count,
                     "layer range \(range) is outside 0..<\(layers.count)")
        var y = x
        var i = range.lowerBound
        while i < range.upperBound {
            if let conv = layers[i] as? Conv2D, i + 1 < range.upperBound, isReLU(layers[i + 1]) {
                if i + 2 < range.upperBound, let pool = layers[i + 2] as? MaxPool2D {
                    y = conv.forwardThenReLUMaxPool(y, pool)
                    i += 3
                } else {
                    y = conv.forwardThenReLU(y)
                    i += 2
                }
            } else {
                y = layers[i](y, phase: phase, using: &streams)
                i += 1
            }
        }
        return y
    }

    private func isReLU(_ layer: any Layer) -> Bool {
        guard let activation = layer as? any ActivationLayer, case .relu = activation.function else { return false }
        return true
    }

    /// The index of the first stochastic layer (a Dropout, or a block holding one), or `nil`
    /// if every layer is deterministic: layers before it need to run only once per input
    /// for an MC-dropout predictive.
    public var firstStochasticLayerIndex: Int? { layers.firstIndex { $0.isStochastic } }

    /// The per-example output shape for a per-example input shape.
    public func outputShape(for inputShape: [Int]) -> [Int] {
        layers.reduce(inputShape) { $1.outputShape(for: $0) }
    }

    /// The trainable tensors, named as in weights files.
    public var parameters: [NamedTensor] {
        layers.enumerated().flatMap { i, layer in layer.parameters.map { $0.prefixed("\(i)") } }
    }

    /// The non-trainable tensors saved beside the weights (BatchNorm's running statistics).
    public var state: [NamedTensor] {
        layers.enumerated().flatMap { i, layer in layer.state.map { $0.prefixed("\(i)") } }
    }

    /// The parameters an optimizer updates (the trainable ones).
    public var trainableParameters: [NamedTensor] { parameters.filter(\.isTrainable) }

    /// Every tensor a model file stores: parameters then state, in order.
    public var namedTensors: [NamedTensor] { parameters + state }

    /// The description of each layer, in order.
    public var specs: [LayerSpec] { layers.map(\.spec) }

    /// The layer as it is written to `model.json`.
    public var spec: LayerSpec { .sequential(layers: specs) }
    /// The layer's kind, as summaries and error messages name it.
    public var kindName: String { "sequential" }
    /// Whether the layer draws random numbers (dropout): MC dropout reruns the network from the first such layer.
    public var isStochastic: Bool { layers.contains { $0.isStochastic } }
}
