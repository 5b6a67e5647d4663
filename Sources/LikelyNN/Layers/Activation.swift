import LikelyTensor

/// A layer that applies an element-wise function; no parameters. `ReLU()`, `Tanh()` and the
/// others are this protocol's named forms; `Activation(.elu(alpha: 1))` is the general one.
public protocol ActivationLayer: Layer {
    /// The function applied element-wise.
    var function: ActivationFunction { get }
}

extension ActivationLayer {
    /// The activation applied element-wise to a batch; `phase` and `streams` do not change it.
    public func callAsFunction(_ x: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        function.apply(x)
    }

    /// The per-example output shape for a per-example input shape.
    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }
    /// The layer as it is written to `model.json`.
    public var spec: LayerSpec { .activation(function) }

    /// Keras's layer names: `re_lu`, `leaky_re_lu`, `elu`, and `activation` for the rest.
    public var kindName: String {
        switch function {
        case .relu: return "re_lu"
        case .leakyRelu: return "leaky_re_lu"
        case .elu: return "elu"
        default: return "activation"
        }
    }
}

/// Any activation function as a layer.
public final class Activation: ActivationLayer {
    /// The function applied element-wise.
    public let function: ActivationFunction
    /// A layer applying `function`.
    public init(_ function: ActivationFunction) { self.function = function }
}

/// max(x, 0).
public final class ReLU: ActivationLayer {
    /// The function applied element-wise.
    public let function = ActivationFunction.relu
    /// A ReLU layer.
    public init() {}
}

/// x for x > 0, αx otherwise (Keras default α = 0.3).
public final class LeakyReLU: ActivationLayer {
    /// The function applied element-wise.
    public let function: ActivationFunction
    /// A leaky ReLU layer with slope `alpha` below zero.
    public init(alpha: Float = 0.3) { function = .leakyRelu(alpha: alpha) }
}

/// x for x > 0, α(eˣ − 1) otherwise.
public final class ELU: ActivationLayer {
    /// The function applied element-wise.
    public let function: ActivationFunction
    /// An ELU layer.
    public init(alpha: Float = 1) { function = .elu(alpha: alpha) }
}

/// 1/(1 + e⁻ˣ).
public final class Sigmoid: ActivationLayer {
    /// The function applied element-wise.
    public let function = ActivationFunction.sigmoid
    /// A sigmoid layer.
    public init() {}
}

/// tanh x.
public final class Tanh: ActivationLayer {
    /// The function applied element-wise.
    public let function = ActivationFunction.tanh
    /// A tanh layer.
    public init() {}
}

/// ln(1 + eˣ).
public final class Softplus: ActivationLayer {
    /// The function applied element-wise.
    public let function = ActivationFunction.softplus
    /// A softplus layer.
    public init() {}
}
