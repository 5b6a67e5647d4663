import LikelyTensor

/// What a convolution and a transposed convolution share: a kernel, an optional bias, and
/// the window's strides, padding and dilation. The kernel's shape is the subclass's
/// (`[kh, kw, C, F]` for `Conv2D`, `[kh, kw, F, C]` for `Conv2DTranspose`); the bias is `[F]`.
public class ConvolutionLayer {
    /// The kernel.
    public let filter: Tensor
    /// The bias, `[filters]`, or `nil`.
    public let bias: Tensor?
    /// Steps between windows (upsampling steps of a transposed convolution).
    public let strides: SpatialSize
    /// Border handling.
    public let padding: Padding
    /// Spacing between kernel taps.
    public let dilation: SpatialSize
    /// How the kernel was initialized.
    public let kernelInitializer: Initializer

    /// Whether the kernel is laid out `[kh, kw, F, C]` (a transposed convolution) rather than
    /// `[kh, kw, C, F]`.
    class var transposesKernel: Bool { false }

    /// A layer from `inputChannels` to `filters` channels with freshly drawn weights, kernel
    /// first (Glorot uniform kernel, zero bias by default).
    /// - Precondition: positive channel counts and kernel size.
    public init(inputChannels: Int, filters: Int, kernelSize: SpatialSize, strides: SpatialSize = SpatialSize(1),
                padding: Padding = .valid, dilation: SpatialSize = SpatialSize(1), useBias: Bool = true,
                kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                using random: inout RandomSource) {
        precondition(inputChannels > 0 && filters > 0, "\(Self.self) needs positive channel counts, got \(inputChannels) → \(filters)")
        precondition(kernelSize.rows > 0 && kernelSize.columns > 0, "\(Self.self) kernel size must be positive, got \(kernelSize)")
        let channels = Self.transposesKernel ? [filters, inputChannels] : [inputChannels, filters]
        filter = kernelInitializer.makeTensor(shape: [kernelSize.rows, kernelSize.columns] + channels, using: &random)
        bias = useBias ? biasInitializer.makeTensor(shape: [filters], using: &random) : nil
        self.strides = strides
        self.padding = padding
        self.dilation = dilation
        self.kernelInitializer = kernelInitializer
    }

    /// `weight` (the filter `[kh, kw, Cin, Cout]`) and, when there is one, `bias` `[Cout]`.
    public var parameters: [NamedTensor] {
        [NamedTensor(name: "weight", tensor: filter)] + (bias.map { [NamedTensor(name: "bias", tensor: $0)] } ?? [])
    }
}

/// A 2-D convolution over NHWC images (Keras `Conv2D`), computed by `conv2d`.
///
/// Shapes: x `[batch, H, W, inputChannels]`, kernel `[kh, kw, inputChannels, filters]`,
/// bias `[filters]`, y `[batch, outH, outW, filters]` with
/// out = ⌊(n + 2p − d(f − 1) − 1)/s⌋ + 1 per axis. Parameters: kh·kw·C·F + F.
public final class Conv2D: ConvolutionLayer, Layer {
    /// A square-kernel convenience: `Conv2D(inputChannels: 1, filters: 8, kernelSize: 3, padding: .same, using: &r)`.
    public convenience init(inputChannels: Int, filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid,
                            dilation: Int = 1, useBias: Bool = true, using random: inout RandomSource) {
        self.init(inputChannels: inputChannels, filters: filters, kernelSize: SpatialSize(kernelSize), strides: SpatialSize(strides),
                  padding: padding, dilation: SpatialSize(dilation), useBias: useBias, using: &random)
    }

    /// The convolution of a batch `[N, H, W, Cin]` into `[N, H′, W′, Cout]`; `phase` and `streams` do not change it.
    public func callAsFunction(_ x: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        conv2d(x, filter: filter, bias: bias, strides: strides.pair, padding: padding, dilations: dilation.pair)
    }

    /// relu(self(x)) as one op (see `conv2d(_:filter:bias:strides:padding:dilations:algorithm:relu:)`):
    /// what `Sequential` runs for this layer followed by a ReLU.
    public func forwardThenReLU(_ x: Tensor) -> Tensor {
        conv2d(x, filter: filter, bias: bias, strides: strides.pair, padding: padding, dilations: dilation.pair,
               algorithm: .automatic, relu: true)
    }

    /// pool(relu(self(x))) as one op where the kernels allow it (see `conv2dReLUMaxPool`): what
    /// `Sequential` runs for this layer followed by a ReLU and a max pooling.
    public func forwardThenReLUMaxPool(_ x: Tensor, _ pool: MaxPool2D) -> Tensor {
        conv2dReLUMaxPool(x, filter: filter, bias: bias, strides: strides.pair, padding: padding, dilations: dilation.pair,
                          poolSize: pool.poolSize.pair, poolStrides: pool.strides.pair, poolPadding: pool.padding)
    }

    /// The per-example output shape for a per-example input shape.
    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.count == 3 && inputShape[2] == filter.shape[2],
                     "Conv2D expects input shape [H, W, \(filter.shape[2])], got \(inputShape)")
        return [convolutionOutputSize(input: inputShape[0], kernel: filter.shape[0], stride: strides.rows, dilation: dilation.rows, padding: padding),
                convolutionOutputSize(input: inputShape[1], kernel: filter.shape[1], stride: strides.columns, dilation: dilation.columns, padding: padding),
                filter.shape[3]]
    }

    /// The layer as it is written to `model.json`.
    public var spec: LayerSpec {
        .conv2D(filters: filter.shape[3], kernelSize: SpatialSize(filter.shape[0], filter.shape[1]), strides: strides,
                padding: padding, dilation: dilation, useBias: bias != nil, kernelInitializer: kernelInitializer)
    }
    /// The layer's kind, as summaries and error messages name it.
    public var kindName: String { "conv2d" }
}

/// A transposed 2-D convolution over NHWC images (Keras `Conv2DTranspose`), computed by
/// `conv2dTranspose`: the adjoint of a convolution, used to upsample.
///
/// Shapes: x `[batch, H, W, inputChannels]`, kernel `[kh, kw, filters, inputChannels]`,
/// y `[batch, outH, outW, filters]`; out per axis: valid (n − 1)s + d(f − 1) + 1, same n·s,
/// explicit p (n − 1)s − 2p + d(f − 1) + 1. Parameters: kh·kw·F·C + F.
public final class Conv2DTranspose: ConvolutionLayer, Layer {
    /// `true`: the kernel is `[kh, kw, F, C]`.
    override class var transposesKernel: Bool { true }

    /// The transposed convolution of a batch `[N, H, W, Cin]`; `phase` and `streams` do not change it.
    public func callAsFunction(_ x: Tensor, phase: Phase, using streams: inout ExampleStreams) -> Tensor {
        conv2dTranspose(x, filter: filter, bias: bias, strides: strides.pair, padding: padding, dilations: dilation.pair)
    }

    /// The per-example output shape for a per-example input shape.
    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.count == 3 && inputShape[2] == filter.shape[3],
                     "Conv2DTranspose expects input shape [H, W, \(filter.shape[3])], got \(inputShape)")
        return [WindowGeometry(transposedInput: inputShape[0], kernel: filter.shape[0], stride: strides.rows, dilation: dilation.rows, padding: padding).input,
                WindowGeometry(transposedInput: inputShape[1], kernel: filter.shape[1], stride: strides.columns, dilation: dilation.columns, padding: padding).input,
                filter.shape[2]]
    }

    /// The layer as it is written to `model.json`.
    public var spec: LayerSpec {
        .conv2DTranspose(filters: filter.shape[2], kernelSize: SpatialSize(filter.shape[0], filter.shape[1]), strides: strides,
                         padding: padding, dilation: dilation, useBias: bias != nil, kernelInitializer: kernelInitializer)
    }
    /// The layer's kind, as summaries and error messages name it.
    public var kindName: String { "conv2d_transpose" }
}
