import LikelyTensor

/// Rows and columns of a 2-D window, stride or dilation.
public struct SpatialSize: Codable, Sendable, Hashable {
    /// The vertical extent.
    public var rows: Int
    /// The horizontal extent.
    public var columns: Int

    /// A window of `rows` × `columns`.
    public init(_ rows: Int, _ columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    /// A square window n × n.
    public init(_ n: Int) { self.init(n, n) }

    var pair: (Int, Int) { (rows, columns) }
}

/// An element-wise activation function (Keras's names and defaults).
public enum ActivationFunction: Codable, Sendable, Hashable {
    /// max(x, 0).
    case relu
    /// x for x > 0, αx otherwise (Keras default α = 0.3 for the LeakyReLU layer).
    case leakyRelu(alpha: Float)
    /// x for x > 0, α(eˣ − 1) otherwise (α = 1 by default).
    case elu(alpha: Float)
    /// 1/(1 + e⁻ˣ).
    case sigmoid
    /// tanh x.
    case tanh
    /// ln(1 + eˣ), computed without overflow.
    case softplus
    /// The identity.
    case linear

    /// Applies the function element-wise (differentiable).
    public func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return LikelyTensor.relu(x)
        case .leakyRelu(let alpha): return LikelyTensor.leakyRelu(x, alpha: alpha)
        case .elu(let alpha): return LikelyNN.elu(x, alpha: alpha)
        case .sigmoid: return LikelyTensor.sigmoid(x)
        case .tanh: return LikelyTensor.tanh(x)
        case .softplus: return LikelyTensor.softplus(x)
        case .linear: return x
        }
    }
}

/// A layer's configuration as a Codable value: what a model file stores about the
/// architecture. Input sizes are not stored; they follow from the model's input shape when
/// `makeLayer(inputShape:using:)` rebuilds the layer.
public indirect enum LayerSpec: Codable, Sendable, Hashable {
    /// `Dense` with `units` outputs.
    case dense(units: Int, useBias: Bool, kernelInitializer: Initializer)
    /// `Conv2D` with `filters` output channels.
    case conv2D(filters: Int, kernelSize: SpatialSize, strides: SpatialSize, padding: Padding,
                dilation: SpatialSize, useBias: Bool, kernelInitializer: Initializer)
    /// `Conv2DTranspose` with `filters` output channels.
    case conv2DTranspose(filters: Int, kernelSize: SpatialSize, strides: SpatialSize, padding: Padding,
                         dilation: SpatialSize, useBias: Bool, kernelInitializer: Initializer)
    /// `MaxPool2D`.
    case maxPool2D(poolSize: SpatialSize, strides: SpatialSize, padding: Padding)
    /// `AvgPool2D`.
    case avgPool2D(poolSize: SpatialSize, strides: SpatialSize, padding: Padding)
    /// `GlobalAveragePool2D`.
    case globalAveragePool2D
    /// `Flatten`.
    case flatten
    /// `Dropout` with drop probability `rate`.
    case dropout(rate: Float)
    /// `BatchNorm`.
    case batchNorm(momentum: Float, epsilon: Float)
    /// An activation layer.
    case activation(ActivationFunction)
    /// `ResidualBlock` x + F(x) with F the body; the projection is rebuilt when shapes differ.
    case residual(body: [LayerSpec])
    /// A nested `Sequential`.
    case sequential(layers: [LayerSpec])

    /// The case name (`"conv2D"`, `"dense"`), for messages.
    public var kind: String {
        switch self {
        case .dense: return "dense"
        case .conv2D: return "conv2D"
        case .conv2DTranspose: return "conv2DTranspose"
        case .maxPool2D: return "maxPool2D"
        case .avgPool2D: return "avgPool2D"
        case .globalAveragePool2D: return "globalAveragePool2D"
        case .flatten: return "flatten"
        case .dropout: return "dropout"
        case .batchNorm: return "batchNorm"
        case .activation: return "activation"
        case .residual: return "residual"
        case .sequential: return "sequential"
        }
    }

    /// The weights the layer will hold for inputs of `inputShape`, known before it is built
    /// (0 for layers without parameters; nested layers are counted as they are built);
    /// `nil` when the count overflows `Int`.
    func plannedParameterCount(inputShape: [Int]) -> Int? {
        func product(_ factors: Int...) -> Int? {
            var p = 1
            for f in factors {
                let (q, overflow) = p.multipliedReportingOverflow(by: Swift.max(f, 0))
                if overflow { return nil }
                p = q
            }
            return p
        }
        switch self {
        case let .dense(units, _, _):
            return inputShape.count == 1 ? product(inputShape[0] + 1, units) : 0
        case let .conv2D(filters, kernel, _, _, _, _, _), let .conv2DTranspose(filters, kernel, _, _, _, _, _):
            return inputShape.count == 3 ? product(kernel.rows, kernel.columns, inputShape[2] + 1, filters) : 0
        case .batchNorm:
            return product(4, inputShape.last ?? 0)
        default:
            return 0
        }
    }

    /// Rebuilds the layer for inputs of per-example shape `inputShape`, drawing fresh weights.
    /// - Throws: `LayerSpecError` when a field is out of range or the input shape does not fit.
    public func makeLayer(inputShape: [Int], using random: inout RandomSource) throws -> any Layer {
        func require(_ condition: Bool, _ field: String, _ expected: String) throws {
            if !condition { throw LayerSpecError(layer: self, field: field, expected: expected, inputShape: inputShape) }
        }
        func checkWindow(_ n: Int, _ f: Int, _ s: Int, _ d: Int, _ padding: Padding, _ axis: String) throws {
            try require(f > 0, "kernelSize.\(axis)", "a positive size")
            try require(s > 0, "strides.\(axis)", "a positive stride")
            try require(d > 0, "dilation.\(axis)", "a positive dilation")
            switch padding {
            case .valid: try require(n >= d * (f - 1) + 1, "kernelSize.\(axis)", "a dilated kernel no larger than the input extent \(n)")
            case .explicit(let p): try require(p >= 0 && n + 2 * p >= d * (f - 1) + 1, "padding", "p ≥ 0 with the padded input at least the dilated kernel")
            case .same: break
            }
        }
        func checkImage() throws { try require(inputShape.count == 3 && inputShape.allSatisfy { $0 > 0 }, "inputShape", "[height, width, channels] with positive extents") }
        switch self {
        case let .dense(units, useBias, kernelInitializer):
            try require(units > 0, "units", "a positive number of units")
            try require(inputShape.count == 1 && inputShape[0] > 0, "inputShape", "[features] (flatten images first)")
            return Dense(inputSize: inputShape[0], outputSize: units, useBias: useBias, kernelInitializer: kernelInitializer, using: &random)
        case let .conv2D(filters, kernel, strides, padding, dilation, useBias, kernelInitializer):
            try checkImage()
            try require(filters > 0, "filters", "a positive number of filters")
            try checkWindow(inputShape[0], kernel.rows, strides.rows, dilation.rows, padding, "rows")
            try checkWindow(inputShape[1], kernel.columns, strides.columns, dilation.columns, padding, "columns")
            return Conv2D(inputChannels: inputShape[2], filters: filters, kernelSize: kernel, strides: strides, padding: padding,
                          dilation: dilation, useBias: useBias, kernelInitializer: kernelInitializer, using: &random)
        case let .conv2DTranspose(filters, kernel, strides, padding, dilation, useBias, kernelInitializer):
            try checkImage()
            try require(filters > 0, "filters", "a positive number of filters")
            try require(kernel.rows > 0 && kernel.columns > 0 && strides.rows > 0 && strides.columns > 0 && dilation.rows > 0 && dilation.columns > 0,
                        "kernelSize", "positive kernel sizes, strides and dilations")
            if case .explicit(let p) = padding {
                try require(p >= 0 && (inputShape[0] - 1) * strides.rows - 2 * p + dilation.rows * (kernel.rows - 1) + 1 > 0
                            && (inputShape[1] - 1) * strides.columns - 2 * p + dilation.columns * (kernel.columns - 1) + 1 > 0,
                            "padding", "a padding that leaves a positive output extent")
            }
            return Conv2DTranspose(inputChannels: inputShape[2], filters: filters, kernelSize: kernel, strides: strides, padding: padding,
                                   dilation: dilation, useBias: useBias, kernelInitializer: kernelInitializer, using: &random)
        case let .maxPool2D(pool, strides, padding), let .avgPool2D(pool, strides, padding):
            try checkImage()
            try checkWindow(inputShape[0], pool.rows, strides.rows, 1, padding, "rows")
            try checkWindow(inputShape[1], pool.columns, strides.columns, 1, padding, "columns")
            if case .explicit(let p) = padding { try require(2 * p <= Swift.min(pool.rows, pool.columns), "padding", "at most half the pool size") }
            if case .maxPool2D = self { return MaxPool2D(poolSize: pool, strides: strides, padding: padding) }
            return AvgPool2D(poolSize: pool, strides: strides, padding: padding)
        case .globalAveragePool2D:
            try checkImage()
            return GlobalAveragePool2D()
        case .flatten:
            try require(!inputShape.isEmpty && inputShape.allSatisfy { $0 > 0 }, "inputShape", "a non-empty shape with positive extents")
            return Flatten()
        case .dropout(let rate):
            try require(rate >= 0 && rate < 1, "rate", "a probability in [0, 1)")
            return Dropout(rate: rate)
        case let .batchNorm(momentum, epsilon):
            try require(momentum >= 0 && momentum <= 1, "momentum", "a value in [0, 1]")
            try require(epsilon > 0, "epsilon", "a positive value")
            try require(!inputShape.isEmpty && inputShape.last! > 0, "inputShape", "a shape whose last axis holds the features")
            return BatchNorm(features: inputShape.last!, momentum: momentum, epsilon: epsilon)
        case .activation(let function):
            return Activation(function)
        case .residual(let body):
            let inner = try Sequential(specs: body, inputShape: inputShape, using: &random)
            return try ResidualBlock(inputShape: inputShape, body: inner, using: &random)
        case .sequential(let layers):
            return try Sequential(specs: layers, inputShape: inputShape, using: &random)
        }
    }
}

/// A network too large to build: its weights or one layer's activations would exceed the
/// documented limits (`Sequential.maximumParameterCount`, `Sequential.maximumActivationCount`).
public struct NetworkSizeError: Error, CustomStringConvertible {
    /// Where the layer sits (`"layers[1]"`).
    public var path: String
    /// The layer kind (`"dense"`).
    public var kind: String
    /// What would be needed; `nil` when the count overflows `Int`.
    public var needed: Int?
    /// Weights (`true`) or one example's activations (`false`).
    public var isWeights: Bool

    /// The message, as `print` and the CLI show it.
    public var description: String {
        let limit = isWeights ? Sequential.maximumParameterCount : Sequential.maximumActivationCount
        let amount = needed.map { "\($0) numbers (\(Self.bytes(Double($0) * 4)))" } ?? "more than \(Int.max) numbers"
        if isWeights {
            return "\(path) (\(kind)): the network would need \(amount) of weights; at most \(limit) (\(Self.bytes(Double(limit) * 4))) are allowed — use fewer or smaller layers"
        }
        return "\(path) (\(kind)): one example's output would be \(amount); at most \(limit) (\(Self.bytes(Double(limit) * 4))) per layer are allowed — use fewer filters or smaller images"
    }

    /// A byte count in decimal units: "4.0 TB".
    public static func bytes(_ n: Double) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = n, unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return String(format: unit == 0 ? "%.0f %@" : "%.1f %@", value, units[unit])
    }
}

/// A layer description that cannot be built: names the field and what was expected.
public struct LayerSpecError: Error, CustomStringConvertible {
    /// The offending description.
    public var layer: LayerSpec
    /// Where it sits in the model (`"layers[3]"`, `"layers[5].body[0]"`); empty when built alone.
    public var path = ""
    /// The field that is out of range.
    public var field: String
    /// What the field should have been.
    public var expected: String
    /// The per-example input shape the layer was to be built for.
    public var inputShape: [Int]

    /// The message, as `print` and the CLI show it.
    public var description: String {
        "\(path.isEmpty ? "layer" : path) (\(layer.kind)): field '\(field)' must be \(expected) (input shape \(inputShape))"
    }
}
