import LikelyNN
import LikelyTensor
import LikelyTestSupport
import Testing

/// Normal draws pushed at least `margin` away from 0, so kinks (relu, max) are not crossed
/// by a finite-difference step.
func awayFromZero(_ shape: [Int], margin: Float = 0.2, seed: UInt64) -> Tensor {
    var random = RandomSource(seed: seed)
    let t = Tensor.randomNormal(shape, using: &random)
    return Tensor(shape: shape, scalars: t.scalars.map { $0 >= 0 ? $0 + margin : $0 - margin })
}

/// Distinct values 0.1 apart in a seeded random order: the max of any window is unique.
func distinctValues(_ shape: [Int], seed: UInt64) -> Tensor {
    var random = RandomSource(seed: seed)
    return Tensor(shape: shape, scalars: random.permutation(elementCount(shape)).map { Float($0) * 0.1 - 1 })
}

@Suite("Layers")
struct LayerTests {
    @Test("Dense: value x·W + b and gradients")
    func dense() {
        let x = Tensor([[1, 2], [3, 4]]), w = Tensor([[1, 0, -1], [2, 1, 0]]), b = Tensor([0.5, -0.5, 1])
        #expect(linear(x, weight: w, bias: b).scalars == [5.5, 1.5, 0, 11.5, 3.5, -2])
        var random = RandomSource(seed: 1)
        let result = checkGradients(at: [Tensor.randomNormal([4, 3], using: &random), Tensor.randomNormal([3, 5], using: &random),
                                         Tensor.randomNormal([5], using: &random)]) { v in linear(v[0], weight: v[1], bias: v[2]) }
        #expect(result.passed, "\(result)")
        #expect(Dense(inputSize: 3136, outputSize: 40, using: &random).parameterCount == 125_480)
    }

    @Test("max pooling: value and gradients", arguments: [((2, 2), (2, 2), Padding.valid), ((3, 3), (2, 2), .same), ((3, 2), (1, 2), .valid), ((2, 2), (1, 1), .explicit(1))])
    func maxPooling(_ size: (Int, Int), _ strides: (Int, Int), _ padding: Padding) {
        let x = distinctValues([2, 5, 6, 3], seed: 2)
        let result = checkGradients(at: [x], epsilon: 1e-3) { v in maxPool2d(v[0], size: size, strides: strides, padding: padding) }
        #expect(result.passed, "\(result)")
    }

    @Test("2×2 max pooling: the vector kernel gives the general loop's values and gradients, ties included",
          arguments: [[2, 6, 8, 16], [3, 5, 7, 11], [1, 4, 4, 3]])
    func tiledMaxPooling(_ shape: [Int]) throws {
        guard Kernels.best == .vector else { return }  // this CPU has no AVX2 + FMA: only the general loop runs
        var random = RandomSource(seed: 5)
        // Values on a coarse grid, so many windows hold equal maxima (the first must win).
        let x = Tensor(shape: shape, scalars: Tensor.randomNormal(shape, using: &random).scalars.map { ($0 * 2).rounded() },
                       requiresGradient: true)
        let vector = maxPool2d(x, size: (2, 2), strides: (2, 2), kernels: .vector)
        let portable = maxPool2d(x, size: (2, 2), strides: (2, 2), kernels: .portable)
        #expect(vector.shape == portable.shape && vector.scalars == portable.scalars)
        let r = Tensor.randomNormal(vector.shape, using: &random)
        let gv = try #require((vector * r).sum().gradients()[x]), gp = try #require((portable * r).sum().gradients()[x])
        #expect(gv.scalars == gp.scalars)
    }

    @Test("max pooling picks window maxima; average pooling ignores padding")
    func poolingValues() {
        let x = Tensor(shape: [1, 4, 4, 1], scalars: (0..<16).map(Float.init))
        #expect(maxPool2d(x, size: (2, 2), strides: (2, 2)).scalars == [5, 7, 13, 15])
        #expect(avgPool2d(x, size: (2, 2), strides: (2, 2)).scalars == [2.5, 4.5, 10.5, 12.5])
        // 3×3 same, stride 2 on 4×4: TensorFlow pads 0 before and 1 after; the corner window
        // at (1, 1) holds rows 2–3 and columns 2–3 only: mean(10, 11, 14, 15) = 12.5.
        #expect(isApproximatelyEqual(avgPool2d(x, size: (3, 3), strides: (2, 2), padding: .same), [5, 6.5, 11, 12.5]))
        #expect(maxPool2d(x, size: (3, 3), strides: (2, 2), padding: .same).scalars == [10, 11, 14, 15])
    }

    @Test("average pooling gradients", arguments: [((2, 2), (2, 2), Padding.valid), ((3, 3), (2, 2), .same), ((2, 3), (1, 1), .explicit(1))])
    func averagePooling(_ size: (Int, Int), _ strides: (Int, Int), _ padding: Padding) {
        var random = RandomSource(seed: 3)
        let result = checkGradients(at: [Tensor.randomNormal([2, 5, 6, 2], using: &random)]) { v in
            avgPool2d(v[0], size: size, strides: strides, padding: padding)
        }
        #expect(result.passed, "\(result)")
    }

    @Test("global average pooling and flatten")
    func globalPoolAndFlatten() {
        let x = Tensor(shape: [1, 2, 2, 2], scalars: [1, 10, 2, 20, 3, 30, 4, 40])
        #expect(GlobalAveragePool2D()(x).scalars == [2.5, 25])
        #expect(Flatten()(x).shape == [1, 8])
        var random = RandomSource(seed: 4)
        let result = checkGradients(at: [Tensor.randomNormal([2, 3, 3, 2], using: &random)]) { v in
            GlobalAveragePool2D()(Flatten()(v[0]).reshaped(to: [2, 3, 3, 2]))
        }
        #expect(result.passed, "\(result)")
    }

    @Test("activation layers: values and gradients", arguments: [
        ActivationFunction.relu, .leakyRelu(alpha: 0.3), .elu(alpha: 1), .sigmoid, .tanh, .softplus, .linear,
    ])
    func activations(_ function: ActivationFunction) {
        let x = awayFromZero([3, 4], seed: 5)
        let result = checkGradients(at: [x]) { v in Activation(function)(v[0]) }
        #expect(result.passed, "\(result)")
    }

    @Test("ELU values: x above 0, α(eˣ − 1) below")
    func eluValues() {
        let y = elu(Tensor([-2, -1e-4, 0, 3]), alpha: 1.5)
        #expect(isApproximatelyEqual(y, [1.5 * (-0.8646647), 1.5 * (-9.9995e-5), 0, 3], absolute: 1e-6))
    }

    @Test("BatchNorm in training: normalizes per channel and its gradients check")
    func batchNormTraining() {
        var random = RandomSource(seed: 6)
        let x = Tensor.randomNormal([4, 3, 3, 2], mean: 3, standardDeviation: 2, using: &random)
        let (y, _, _) = batchNormalized(x, scale: Tensor.ones([2]), offset: Tensor.zeros([2]), epsilon: 1e-5)
        let means = y.mean(alongAxes: [0, 1, 2]).scalars, variances = y.variance(alongAxes: [0, 1, 2]).scalars
        #expect(means.allSatisfy { Swift.abs($0) < 1e-5 } && variances.allSatisfy { Swift.abs($0 - 1) < 1e-3 })
        let result = checkGradients(at: [x, Tensor.randomNormal([2], using: &random), Tensor.randomNormal([2], using: &random)]) { v in
            batchNormalized(v[0], scale: v[1], offset: v[2], epsilon: 1e-3).output
        }
        #expect(result.passed, "\(result)")
    }

    @Test("BatchNorm with running statistics: value and gradients")
    func batchNormInference() {
        var random = RandomSource(seed: 7)
        let x = Tensor.randomNormal([5, 3], using: &random)
        let mean = Tensor([0.5, -1, 2]), variance = Tensor([4, 0.25, 1])
        let y = batchNormalized(x, scale: Tensor([2, 1, 1]), offset: Tensor([0, 1, 0]), mean: mean, variance: variance, epsilon: 1e-3).output
        let expected0 = 2 * (x.scalars[0] - 0.5) / (4 + 1e-3 as Float).squareRoot()
        #expect(isApproximatelyEqual(y.scalars[0], expected0))
        let result = checkGradients(at: [x, Tensor([1.5, 0.5, 1]), Tensor([0.1, 0.2, 0.3])]) { v in
            batchNormalized(v[0], scale: v[1], offset: v[2], mean: mean, variance: variance, epsilon: 1e-3).output
        }
        #expect(result.passed, "\(result)")
    }

    @Test("Dropout: identity in inference, mean preserved and rate respected when active")
    func dropoutExpectation() {
        let layer = Dropout(rate: 0.25)
        let x = Tensor.ones([4, 25_000])
        var none = ExampleStreams()
        #expect(layer(x, phase: .inference, using: &none).scalars == x.scalars)
        var random = ExampleStreams(key: StreamKey(seed: 8, purpose: .dropout), examples: 0..<4)
        for phase in [Phase.training, .monteCarlo] {
            let y = layer(x, phase: phase, using: &random)
            let mean = y.scalars.reduce(0, +) / Float(y.count)
            let dropped = Float(y.scalars.filter { $0 == 0 }.count) / Float(y.count)
            // E[y] = 1 with sd √(p/(1 − p))/√n ≈ 0.0018; the dropped fraction has sd ≈ 0.0014.
            #expect(Swift.abs(mean - 1) < 0.008, "mean \(mean)")
            #expect(Swift.abs(dropped - 0.25) < 0.006, "dropped \(dropped)")
            #expect(y.scalars.allSatisfy { $0 == 0 || isApproximatelyEqual($0, 4 / 3) })
        }
    }

    @Test("Dropout gradient equals its mask (same seed)")
    func dropoutGradient() {
        var r1 = RandomSource(seed: 9)
        let x = Tensor.randomNormal([6, 5], using: &r1)
        let result = checkGradients(at: [x]) { v in
            var random = ExampleStreams(key: StreamKey(seed: 10, purpose: .dropout), examples: 0..<6)
            return dropout(v[0], rate: 0.4, using: &random)
        }
        #expect(result.passed, "\(result)")
    }

    @Test("BatchNorm: training updates running statistics, a monteCarlo pass leaves them untouched")
    func batchNormPhases() {
        let layer = BatchNorm(features: 2, momentum: 0.9, epsilon: 1e-3)
        var random = ExampleStreams()  // BatchNorm draws nothing
        let x = Tensor([[1, 10], [3, 20], [5, 30], [7, 40]])
        _ = layer(x, phase: .monteCarlo, using: &random)
        _ = layer(x, phase: .inference, using: &random)
        #expect(layer.runningMean.scalars == [0, 0] && layer.runningVariance.scalars == [1, 1])
        _ = layer(x, phase: .training, using: &random)
        // batch means 4, 25; population variances 5, 125.
        #expect(isApproximatelyEqual(layer.runningMean, [0.4, 2.5]))
        #expect(isApproximatelyEqual(layer.runningVariance, [0.9 + 0.5, 0.9 + 12.5]))
        let before = layer.runningMean.scalars + layer.runningVariance.scalars
        _ = layer(x, phase: .monteCarlo, using: &random)
        #expect(layer.runningMean.scalars + layer.runningVariance.scalars == before)
        #expect(layer.parameterCount == 8 && layer.trainableParameterCount == 4)
    }

    @Test("residual block: identity shortcut and projection, gradients")
    func residual() throws {
        var random = RandomSource(seed: 12)
        let same = try ResidualBlock(inputShape: [4, 4, 2], body: Sequential(specs: [
            .conv2D(filters: 2, kernelSize: SpatialSize(3), strides: SpatialSize(1), padding: .same, dilation: SpatialSize(1), useBias: true, kernelInitializer: .glorotUniform),
            .activation(.tanh)], inputShape: [4, 4, 2], using: &random), using: &random)
        #expect(same.projection == nil)
        let x = Tensor.randomNormal([2, 4, 4, 2], using: &random)
        #expect(isApproximatelyEqual(same(x), x + same.body(x)))
        let down = try ResidualBlock(inputShape: [4, 4, 2], body: Sequential(specs: [
            .conv2D(filters: 3, kernelSize: SpatialSize(3), strides: SpatialSize(2), padding: .same, dilation: SpatialSize(1), useBias: true, kernelInitializer: .glorotUniform),
            .activation(.tanh)], inputShape: [4, 4, 2], using: &random), using: &random)
        #expect(down.projection != nil && down.outputShape(for: [4, 4, 2]) == [2, 2, 3])
        #expect(down.parameters.map(\.name) == ["body.0.weight", "body.0.bias", "projection.weight"])
        for block in [same, down] {
            let result = checkGradients(at: [x]) { v in block(v[0]) }
            #expect(result.passed, "\(result)")
        }
        let vector = try ResidualBlock(inputShape: [3], body: Sequential(specs: [.dense(units: 5, useBias: true, kernelInitializer: .heNormal)],
                                                                          inputShape: [3], using: &random), using: &random)
        #expect(vector.outputShape(for: [3]) == [5] && vector.parameterCount == 3 * 5 + 5 + 3 * 5)
    }

    @Test("freezing a layer stops its gradients")
    func freezing() {
        var random = RandomSource(seed: 13)
        let layer = Dense(inputSize: 2, outputSize: 2, using: &random)
        layer.isTrainable = false
        #expect(!layer.isTrainable && layer.trainableParameterCount == 0 && layer.parameterCount == 6)
        let x = Tensor([[1, 2]], requiresGradient: true)
        let grads = layer(x).sum().gradients()
        #expect(grads[layer.weight] == nil && grads[x] != nil)
    }
}
