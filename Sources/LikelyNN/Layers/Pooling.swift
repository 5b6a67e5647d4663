import LikelyTensor

/// What max and average pooling share: a window slid over NHWC images with no parameters,
/// y `[batch, outH, outW, C]` with out = ⌊(n + 2p − f)/s⌋ + 1 per axis.
public class Pool2D {
    /// The window.
    public let poolSize: SpatialSize
    /// Steps between windows (the pool size by default, as in Keras).
    public let strides: SpatialSize
    /// Border handling.
    public let padding: Padding

    /// A pooling layer; `strides` defaults to `poolSize`.
    public init(poolSize: SpatialSize = SpatialSize(2), strides: SpatialSize? = nil, padding: Padding = .valid) {
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
    }

    /// `[H′, W′, C]` for an input `[H, W, C]`, each side by `convolutionOutputSize` of the
    /// pool size, stride and padding.
    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.count == 3, "pooling expects input shape [H, W, C], got \(inputShape)")
        return [convolutionOutputSize(input: inputShape[0], kernel: poolSize.rows, stride: strides.rows, padding: padding),
                convolutionOutputSize(input: inputShape[1], kernel: poolSize.columns, stride: strides.columns, padding: padding),
                inputShape[2]]
    }
}

/// Max pooling over NHWC images (Keras `MaxPooling2D`).
public final class MaxPool2D: Pool2D, Layer {
    /// Max pooling of a batch `[N, H, W, C]`; `phase` and `streams` do not change it.
    public func callAsFunction(_ x: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        maxPool2d(x, size: poolSize.pair, strides: strides.pair, padding: padding)
    }

    /// The layer as it is written to `model.json`.
    public var spec: LayerSpec { .maxPool2D(poolSize: poolSize, strides: strides, padding: padding) }
    /// The layer's kind, as summaries and error messages name it.
    public var kindName: String { "max_pooling2d" }
}

/// Average pooling over NHWC images (Keras `AveragePooling2D`); padded cells are not counted.
public final class AvgPool2D: Pool2D, Layer {
    /// Average pooling of a batch `[N, H, W, C]`; `phase` and `streams` do not change it.
    public func callAsFunction(_ x: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        avgPool2d(x, size: poolSize.pair, strides: strides.pair, padding: padding)
    }

    /// The layer as it is written to `model.json`.
    public var spec: LayerSpec { .avgPool2D(poolSize: poolSize, strides: strides, padding: padding) }
    /// The layer's kind, as summaries and error messages name it.
    public var kindName: String { "average_pooling2d" }
}

/// The mean of each channel over all positions: `[batch, H, W, C]` → `[batch, C]`.
public final class GlobalAveragePool2D: Layer {
    /// A global average pooling layer.
    public init() {}

    /// The mean over height and width, `[N, H, W, C]` to `[N, C]`; `phase` and `streams` do not change it.
    public func callAsFunction(_ x: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        checkInput(x, rank: 4, layer: "GlobalAveragePool2D")
        return x.mean(alongAxes: [1, 2])
    }

    /// The per-example output shape for a per-example input shape.
    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.count == 3, "GlobalAveragePool2D expects input shape [H, W, C], got \(inputShape)")
        return [inputShape[2]]
    }

    /// The layer as it is written to `model.json`.
    public var spec: LayerSpec { .globalAveragePool2D }
    /// The layer's kind, as summaries and error messages name it.
    public var kindName: String { "global_average_pooling2d" }
}

/// Flattens each example: `[batch, d1, d2, ...]` → `[batch, d1·d2·...]` (row-major, so NHWC
/// images flatten in Keras's order).
public final class Flatten: Layer {
    /// A flatten layer.
    public init() {}

    /// Each example as one vector, `[N, …]` to `[N, product of the rest]`; `phase` and `streams` do not change it.
    public func callAsFunction(_ x: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        precondition(x.rank >= 1, "Flatten needs a batch axis, got shape \(x.shape)")
        return x.reshaped(to: [x.shape[0], x.count / Swift.max(x.shape[0], 1)])
    }

    /// The per-example output shape for a per-example input shape.
    public func outputShape(for inputShape: [Int]) -> [Int] { [inputShape.reduce(1, *)] }

    /// The layer as it is written to `model.json`.
    public var spec: LayerSpec { .flatten }
    /// The layer's kind, as summaries and error messages name it.
    public var kindName: String { "flatten" }
}
