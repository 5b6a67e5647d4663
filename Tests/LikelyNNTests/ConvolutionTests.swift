import LikelyNN
import LikelyTensor
import LikelyTestSupport
import Testing

/// Direct evaluation of the convolution sum, in Double, as the reference for `conv2d`.
func naiveConvolution(_ x: Tensor, _ w: Tensor, bias: [Float]?, stride: (Int, Int), padBefore: (Int, Int),
                      dilation: (Int, Int), output: (Int, Int)) -> [Float] {
    let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (kh, kw, f) = (w.shape[0], w.shape[1], w.shape[3])
    var out: [Float] = []
    for b in 0..<n { for i in 0..<output.0 { for j in 0..<output.1 { for o in 0..<f {
        var s = Double(bias?[o] ?? 0)
        for ky in 0..<kh { for kx in 0..<kw {
            let y = i * stride.0 - padBefore.0 + ky * dilation.0, xx = j * stride.1 - padBefore.1 + kx * dilation.1
            guard y >= 0 && y < h && xx >= 0 && xx < wd else { continue }
            for ch in 0..<c { s += Double(x[b, y, xx, ch]) * Double(w[ky, kx, ch, o]) }
        } }
        out.append(Float(s))
    } } } }
    return out
}

@Suite("Convolution")
struct ConvolutionTests {
    @Test("vertical-edge example: 6×6 half-bright image gives the 4×4 map of 30s")
    func verticalEdge() {
        let image = Tensor(shape: [1, 6, 6, 1], scalars: (0..<36).map { $0 % 6 < 3 ? 10 : 0 })
        let kernel = Tensor(shape: [3, 3, 1, 1], scalars: [1, 0, -1, 1, 0, -1, 1, 0, -1])
        let y = conv2d(image, filter: kernel)
        #expect(y.shape == [1, 4, 4, 1])
        #expect(y.scalars == [Float]([0, 30, 30, 0] + [0, 30, 30, 0] + [0, 30, 30, 0] + [0, 30, 30, 0]))
    }

    @Test("course example: 6×6 image with the vertical kernel")
    func courseSixBySix() {
        let rows: [[Float]] = [[3, 0, 1, 2, 7, 4], [1, 5, 8, 9, 3, 1], [2, 7, 2, 5, 1, 3],
                               [0, 1, 3, 1, 7, 8], [4, 2, 1, 6, 2, 8], [2, 4, 5, 2, 3, 9]]
        let image = Tensor(shape: [1, 6, 6, 1], scalars: rows.flatMap { $0 })
        let kernel = Tensor(shape: [3, 3, 1, 1], scalars: [1, 0, -1, 1, 0, -1, 1, 0, -1])
        let y = conv2d(image, filter: kernel)
        #expect(y.scalars == [-5, -4, 0, 8, -10, -2, 2, 3, 0, -2, -4, -7, -3, -2, -3, -16])
    }

    @Test("course example: 7×7 image, 3×3 kernel, stride 2")
    func courseStrideTwo() {
        let rows: [[Float]] = [[2, 3, 7, 4, 6, 2, 9], [6, 6, 9, 8, 7, 4, 3], [3, 4, 8, 3, 8, 9, 7], [7, 8, 3, 6, 6, 3, 4],
                               [4, 2, 1, 8, 3, 4, 6], [3, 2, 4, 1, 9, 8, 3], [0, 1, 3, 9, 2, 1, 4]]
        let image = Tensor(shape: [1, 7, 7, 1], scalars: rows.flatMap { $0 })
        let kernel = Tensor(shape: [3, 3, 1, 1], scalars: [3, 4, 4, 1, 0, 2, -1, 0, 3])
        let y = conv2d(image, filter: kernel, strides: (2, 2))
        #expect(y.shape == [1, 3, 3, 1])
        // The course's slide lists [[91, 100, 83], [69, 91, 127], [44, 72, 74]]. For this image
        // seven entries agree; the two others, worked by hand, are
        // (0, 2): 6·3 + 2·4 + 9·4 + 7·1 + 4·0 + 3·2 + 8·(−1) + 9·0 + 7·3 = 88 (slide: 83) and
        // (1, 2): 8·3 + 9·4 + 7·4 + 6·1 + 3·0 + 4·2 + 3·(−1) + 4·0 + 6·3 = 117 (slide: 127).
        #expect(y.scalars == [91, 100, 88, 69, 91, 117, 44, 72, 74])
    }

    @Test("output sizes follow ⌊(n + 2p − d(f − 1) − 1)/s⌋ + 1", arguments: [
        (7, 3, 2, 1, Padding.valid, 3), (6, 3, 1, 1, .valid, 4), (6, 3, 1, 1, .explicit(1), 6), (7, 3, 2, 2, .explicit(1), 3),
        (28, 3, 1, 1, .same, 28), (28, 3, 2, 1, .same, 14), (27, 5, 2, 1, .same, 14), (10, 3, 1, 3, .valid, 4),
    ])
    func outputSize(_ n: Int, _ f: Int, _ s: Int, _ d: Int, _ padding: Padding, _ expected: Int) {
        #expect(convolutionOutputSize(input: n, kernel: f, stride: s, dilation: d, padding: padding) == expected)
    }

    @Test("ten 3×3×3 filters with bias have 280 parameters")
    func parameterCount() {
        var random = RandomSource(seed: 1)
        let layer = Conv2D(inputChannels: 3, filters: 10, kernelSize: 3, using: &random)
        #expect(layer.parameterCount == 280)
        #expect(Conv2D(inputChannels: 3, filters: 10, kernelSize: 3, useBias: false, using: &random).parameterCount == 270)
    }

    @Test("conv2d equals the direct sum", arguments: [
        ((1, 1), Padding.valid, (1, 1)), ((2, 2), .valid, (1, 1)), ((1, 1), .same, (1, 1)), ((2, 1), .same, (1, 1)),
        ((1, 1), .valid, (2, 2)), ((2, 2), .same, (2, 1)), ((3, 2), .explicit(2), (1, 2)),
    ])
    func againstNaive(_ strides: (Int, Int), _ padding: Padding, _ dilations: (Int, Int)) {
        var random = RandomSource(seed: 7)
        let x = Tensor.randomNormal([2, 9, 8, 3], using: &random)
        let w = Tensor.randomNormal([3, 2, 3, 4], using: &random)
        let b = Tensor.randomNormal([4], using: &random)
        let y = conv2d(x, filter: w, bias: b, strides: strides, padding: padding, dilations: dilations)
        let rows = WindowGeometry(input: 9, kernel: 3, stride: strides.0, dilation: dilations.0, padding: padding)
        let cols = WindowGeometry(input: 8, kernel: 2, stride: strides.1, dilation: dilations.1, padding: padding)
        #expect(y.shape == [2, rows.output, cols.output, 4])
        let expected = naiveConvolution(x, w, bias: b.scalars, stride: strides, padBefore: (rows.padBefore, cols.padBefore),
                                        dilation: dilations, output: (rows.output, cols.output))
        #expect(isApproximatelyEqual(y, expected, absolute: 1e-4))
    }

    @Test("same padding splits like TensorFlow: 4 with kernel 4 stride 1 pads 1 before, 2 after")
    func samePaddingSplit() {
        let g = WindowGeometry(input: 4, kernel: 4, stride: 1, padding: .same)
        #expect(g.output == 4 && g.padBefore == 1)
    }

    @Test("conv2d gradients", arguments: [
        ((1, 1), Padding.valid, (1, 1)), ((2, 2), .valid, (1, 1)), ((1, 1), .same, (1, 1)), ((2, 2), .same, (1, 1)),
        ((1, 1), .valid, (2, 2)), ((1, 2), .same, (2, 1)), ((2, 1), .explicit(1), (1, 1)),
    ])
    func convolutionGradients(_ strides: (Int, Int), _ padding: Padding, _ dilations: (Int, Int)) {
        var random = RandomSource(seed: 3)
        let x = Tensor.randomNormal([2, 6, 5, 2], using: &random)
        let w = Tensor.randomNormal([3, 2, 2, 3], using: &random)
        let b = Tensor.randomNormal([3], using: &random)
        let result = checkGradients(at: [x, w, b]) { v in
            conv2d(v[0], filter: v[1], bias: v[2], strides: strides, padding: padding, dilations: dilations)
        }
        #expect(result.passed, "\(result)")
    }

    @Test("1×1 convolution without bias and its gradient")
    func pointwise() {
        var random = RandomSource(seed: 4)
        let x = Tensor.randomNormal([2, 3, 3, 4], using: &random)
        let w = Tensor.randomNormal([1, 1, 4, 2], using: &random)
        let y = conv2d(x, filter: w)
        #expect(isApproximatelyEqual(y, matmul(x.reshaped(to: [18, 4]), w.reshaped(to: [4, 2])).reshaped(to: [2, 3, 3, 2])))
        let result = checkGradients(at: [x, w]) { v in conv2d(v[0], filter: v[1]) }
        #expect(result.passed, "\(result)")
    }

    @Test("transposed convolution is the adjoint of convolution: ⟨conv(x), y⟩ = ⟨x, convᵀ(y)⟩",
          arguments: [((1, 1), Padding.valid, (1, 1)), ((2, 2), .valid, (1, 1)), ((2, 2), .same, (1, 1)), ((3, 2), .explicit(1), (1, 2))])
    func transposedAdjoint(_ strides: (Int, Int), _ padding: Padding, _ dilations: (Int, Int)) {
        var random = RandomSource(seed: 5)
        let y = Tensor.randomNormal([2, 3, 4, 3], using: &random)
        let w = Tensor.randomNormal([3, 3, 2, 3], using: &random)   // [kh, kw, F = 2, C = 3] for the transpose
        let up = conv2dTranspose(y, filter: w, strides: strides, padding: padding, dilations: dilations)
        let x = Tensor.randomNormal(up.shape, using: &random)
        // The forward convolution of x with the same kernel read as [kh, kw, 2, 3] maps back to y's shape.
        let down = conv2d(x, filter: w, strides: strides, padding: padding, dilations: dilations)
        #expect(down.shape == y.shape)
        let lhs = zip(down.scalars, y.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let rhs = zip(x.scalars, up.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(isApproximatelyEqual(lhs, rhs, absolute: 1e-3, relative: 1e-4))
    }

    @Test("transposed convolution output sizes match Keras", arguments: [
        (Padding.valid, 2, 3, 9), (.same, 2, 3, 8), (.valid, 1, 3, 6), (.same, 3, 2, 12),
    ])
    func transposedSizes(_ padding: Padding, _ stride: Int, _ kernel: Int, _ expected: Int) {
        var random = RandomSource(seed: 6)
        let layer = Conv2DTranspose(inputChannels: 1, filters: 2, kernelSize: SpatialSize(kernel), strides: SpatialSize(stride),
                                    padding: padding, using: &random)
        #expect(layer.outputShape(for: [4, 4, 1]) == [expected, expected, 2])
        #expect(layer(Tensor.zeros([1, 4, 4, 1])).shape == [1, expected, expected, 2])
    }

    @Test("transposed convolution gradients", arguments: [((1, 1), Padding.valid, (1, 1)), ((2, 2), .same, (1, 1)), ((2, 1), .valid, (1, 2))])
    func transposedGradients(_ strides: (Int, Int), _ padding: Padding, _ dilations: (Int, Int)) {
        var random = RandomSource(seed: 8)
        let x = Tensor.randomNormal([2, 3, 3, 2], using: &random)
        let w = Tensor.randomNormal([2, 3, 3, 2], using: &random)
        let b = Tensor.randomNormal([3], using: &random)
        let result = checkGradients(at: [x, w, b]) { v in
            conv2dTranspose(v[0], filter: v[1], bias: v[2], strides: strides, padding: padding, dilations: dilations)
        }
        #expect(result.passed, "\(result)")
    }

    /// A zero kernel size stops the process for a transposed convolution as for a plain one
    /// (it would otherwise draw weights of fan-in 0); a positive one builds the layer.
    @Test("a transposed convolution with an empty kernel stops")
    func transposedConvolutionWithAnEmptyKernelStops() async {
        await #expect(processExitsWith: .failure) {
            var random = RandomSource(seed: 1)
            _ = Conv2DTranspose(inputChannels: 1, filters: 2, kernelSize: SpatialSize(0, 3), using: &random)
        }
        await #expect(processExitsWith: .success) {
            var random = RandomSource(seed: 1)
            _ = Conv2DTranspose(inputChannels: 1, filters: 2, kernelSize: SpatialSize(2, 3), using: &random)
        }
    }
}
