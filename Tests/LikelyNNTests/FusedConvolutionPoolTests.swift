import LikelyNN
import LikelyTensor
import LikelyTestSupport
import Testing

@Suite("Convolution, ReLU and max pooling fused")
struct FusedConvolutionPoolTests {
    /// (images shape, kernel size, filters, padding): seed-cnn's second layer on small images; a
    /// batch of 9 that the threads and the 8 gradient groups split unevenly, with 5 filters (a
    /// partial channel block) and 3 input channels; a valid convolution whose 6×8 output still
    /// pools evenly; and an odd output (7×9), which falls back to the separate ops.
    static let cases: [([Int], Int, Int, Padding)] = [
        ([2, 8, 10, 8], 3, 16, .same), ([9, 6, 4, 3], 3, 5, .same), ([3, 8, 10, 2], 3, 11, .valid),
        ([2, 7, 9, 4], 3, 8, .same),
    ]

    private static func leaf(_ shape: [Int], _ random: inout RandomSource) -> Tensor {
        Tensor(shape: shape, scalars: Tensor.randomNormal(shape, using: &random).scalars, requiresGradient: true)
    }

    /// The fused op and the separate ops on the same kernels (whose sums it shares) agree bit for
    /// bit, values and all three gradients; the separate ops on the patch matrix (other sums)
    /// agree to rounding.
    @Test("conv2dReLUMaxPool equals maxPool2d(relu(conv2d)) bit for bit: values and gradients", arguments: cases)
    func equalsSeparateOps(_ geometry: ([Int], Int, Int, Padding)) throws {
        let (shape, k, f, padding) = geometry
        var random = RandomSource(seed: 21)
        let x = Self.leaf(shape, &random)
        let w = Self.leaf([k, k, shape[3], f], &random)
        let b = Self.leaf([f], &random)
        let fused = conv2dReLUMaxPool(x, filter: w, bias: b, padding: padding, poolSize: (2, 2), poolStrides: (2, 2))
        let separate = maxPool2d(conv2d(x, filter: w, bias: b, padding: padding, algorithm: .direct, relu: true),
                                 size: (2, 2), strides: (2, 2))
        let patches = maxPool2d(relu(conv2d(x, filter: w, bias: b, padding: padding, algorithm: .patchMatrix)),
                                size: (2, 2), strides: (2, 2))
        #expect(fused.shape == separate.shape)
        #expect(fused.scalars == separate.scalars)
        #expect(isApproximatelyEqual(fused, patches.scalars, absolute: 1e-4))
        // Some windows are all clipped, so the ReLU's mask in the pullback matters.
        #expect(fused.scalars.contains(0))
        let r = Tensor.randomNormal(fused.shape, using: &random)
        let gf = (fused * r).sum().gradients(), gs = (separate * r).sum().gradients(), gp = (patches * r).sum().gradients()
        for p in [x, w, b] {
            #expect(try #require(gf[p]).scalars == (try #require(gs[p])).scalars)
            #expect(isApproximatelyEqual(try #require(gf[p]), try #require(gp[p]).scalars, absolute: 1e-3))
        }
    }

    /// A small step (10⁻³ of each element) so that no window's winner and no ReLU changes sides
    /// between x − ε and x + ε: at ε = 10⁻² a few of the 540 elements cross such a kink.
    @Test("conv2dReLUMaxPool passes the finite-difference check")
    func gradientCheck() {
        var random = RandomSource(seed: 22)
        let x = Tensor.randomNormal([2, 6, 8, 3], using: &random)
        let w = Tensor.randomNormal([3, 3, 3, 9], using: &random)
        let b = Tensor.randomNormal([9], using: &random)
        let result = checkGradients(at: [x, w, b], epsilon: 1e-3) { v in
            conv2dReLUMaxPool(v[0], filter: v[1], bias: v[2], padding: .same, poolSize: (2, 2), poolStrides: (2, 2))
        }
        #expect(result.passed, "\(result)")
    }

    /// Equal maxima: a zero kernel gives every cell of a channel the bias, so the first cell of
    /// each window wins (as in `maxPool2d`); with a negative bias every cell is clipped to 0.
    @Test("ties go to the first cell, as in maxPool2d", arguments: [Float(0.5), -0.5])
    func ties(_ biasValue: Float) throws {
        var random = RandomSource(seed: 23)
        let x = Self.leaf([3, 4, 6, 2], &random)
        let w = Tensor(shape: [3, 3, 2, 8], scalars: [Float](repeating: 0, count: 144), requiresGradient: true)
        let b = Tensor(shape: [8], scalars: [Float](repeating: biasValue, count: 8), requiresGradient: true)
        let fused = conv2dReLUMaxPool(x, filter: w, bias: b, padding: .same, poolSize: (2, 2), poolStrides: (2, 2))
        let separate = maxPool2d(conv2d(x, filter: w, bias: b, padding: .same, algorithm: .direct, relu: true),
                                 size: (2, 2), strides: (2, 2))
        #expect(fused.scalars == [Float](repeating: max(biasValue, 0), count: fused.count))
        let r = Tensor.randomNormal(fused.shape, using: &random)
        let gf = (fused * r).sum().gradients(), gs = (separate * r).sum().gradients()
        for p in [x, w, b] { #expect(try #require(gf[p]).scalars == (try #require(gs[p])).scalars) }
        // ∂L/∂bias: each window passes r to one cell (its first) when the maximum is positive.
        let expected = biasValue > 0 ? r.sum(alongAxis: 0).sum(alongAxis: 0).sum(alongAxis: 0).scalars : [Float](repeating: 0, count: 8)
        #expect(isApproximatelyEqual(try #require(gf[b]), expected, absolute: 1e-4))
    }

    @Test("images that need no gradient: the parameters' gradients alone, as the separate ops give them")
    func parametersOnly() throws {
        var random = RandomSource(seed: 24)
        let x = Tensor.randomNormal([5, 6, 6, 1], using: &random)
        let w = Self.leaf([3, 3, 1, 8], &random)
        let b = Self.leaf([8], &random)
        let fused = conv2dReLUMaxPool(x, filter: w, bias: b, padding: .same, poolSize: (2, 2), poolStrides: (2, 2))
        let separate = maxPool2d(conv2d(x, filter: w, bias: b, padding: .same, algorithm: .direct, relu: true),
                                 size: (2, 2), strides: (2, 2))
        let gf = fused.sum().gradients(), gs = separate.sum().gradients()
        #expect(gf[x] == nil)
        for p in [w, b] { #expect(try #require(gf[p]).scalars == (try #require(gs[p])).scalars) }
    }

    @Test("Sequential fuses Conv2D, ReLU and MaxPool2D: the same values and gradients as layer by layer")
    func sequentialFusion() throws {
        var random = RandomSource(seed: 25)
        let conv = Conv2D(inputChannels: 2, filters: 8, kernelSize: 3, padding: .same, using: &random)
        let (relu, pool) = (ReLU(), MaxPool2D())
        let model = Sequential(inputShape: [8, 6, 2], layers: [conv, relu, pool])
        let x = Tensor.randomNormal([4, 8, 6, 2], using: &random)
        var none = ExampleStreams()
        let fused = model(x, phase: .training, using: &none)
        let separate = pool(relu(conv(x, phase: .training, using: &none), phase: .training, using: &none),
                            phase: .training, using: &none)
        #expect(fused.shape == [4, 4, 3, 8])
        #expect(fused.scalars == separate.scalars)
        let gf = fused.sum().gradients(), gs = separate.sum().gradients()
        for p in model.parameters.map(\.tensor) { #expect(try #require(gf[p]).scalars == (try #require(gs[p])).scalars) }
    }
}
