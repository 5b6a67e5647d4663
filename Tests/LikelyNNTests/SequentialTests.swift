import Foundation
import LikelyNN
import LikelyTensor
import LikelyTestSupport
import Testing

@Suite("Sequential")
struct SequentialTests {
    @Test("result builder, stable names, sub-ranges")
    func builder() {
        var random = RandomSource(seed: 1)
        let model = Sequential(inputShape: [4]) {
            Dense(inputSize: 4, outputSize: 8, using: &random)
            ReLU()
            Dropout(rate: 0.5)
            Dense(inputSize: 8, outputSize: 2, using: &random)
        }
        #expect(model.layers.count == 4)
        #expect(model.parameters.map(\.name) == ["0.weight", "0.bias", "3.weight", "3.bias"])
        #expect(model.firstStochasticLayerIndex == 2)
        let x = Tensor.randomNormal([3, 4], using: &random)
        var none = ExampleStreams()
        let prefix = model(x, layers: 0..<2, phase: .inference, using: &none)
        let whole = model(x, phase: .inference, using: &none)
        #expect(isApproximatelyEqual(model(prefix, layers: 2..<4, phase: .inference, using: &none), whole))
        #expect(model.summary().totalParameterCount == 4 * 8 + 8 + 8 * 2 + 2)
    }

    @Test("a Conv2D then ReLU runs fused, with the values and gradients of the layers one by one")
    func fusedConvolutionReLU() throws {
        var random = RandomSource(seed: 3)
        let model = Sequential.seedCNN(inputShape: [28, 28, 1], outputs: 10, using: &random)
        let x = Tensor.randomNormal([4, 28, 28, 1], using: &random)
        var none = ExampleStreams()
        let whole = model(x, phase: .inference, using: &none)
        // The same layers applied one at a time: never fused.
        var y = x
        for layer in model.layers { y = layer(y, phase: .inference, using: &none) }
        #expect(isApproximatelyEqual(whole, y.scalars, absolute: 1e-4))
        let gw = whole.sum().gradients(), gy = y.sum().gradients()
        for p in model.parameters.map(\.tensor) {
            #expect(isApproximatelyEqual(try #require(gw[p]), try #require(gy[p]).scalars, absolute: 1e-3))
        }
    }

    @Test("seed-cnn has Keras's parameter counts")
    func seedCNNCounts() {
        var random = RandomSource(seed: 2)
        let model = Sequential.seedCNN(inputShape: [28, 28, 1], outputs: 10, using: &random)
        let rows = model.summary().rows
        #expect(rows.map(\.parameterCount) == [80, 0, 1168, 0, 0, 0, 125_480, 0, 0, 410])
        #expect(rows.map(\.name) == ["conv2d", "re_lu", "conv2d_1", "re_lu_1", "max_pooling2d", "flatten", "dense", "re_lu_2", "dropout", "dense_1"])
        #expect(rows[4].outputShape == [14, 14, 16] && rows[5].outputShape == [3136])
        #expect(model.summary().totalParameterCount == 127_138)
    }

    @Test("specs survive JSON and rebuild the same architecture", arguments: Architecture.allCases)
    func specsRoundTrip(_ architecture: Architecture) throws {
        var random = RandomSource(seed: 3)
        let shape = architecture.takesImages ? [28, 28, 1] : [5]
        let model = try architecture.makeModel(inputShape: shape, outputs: 3, using: &random)
        let data = try JSONEncoder().encode(model.specs)
        let decoded = try JSONDecoder().decode([LayerSpec].self, from: data)
        #expect(decoded == model.specs)
        let rebuilt = try Sequential(specs: decoded, inputShape: shape, using: &random)
        #expect(rebuilt.namedTensors.map(\.name) == model.namedTensors.map(\.name))
        #expect(rebuilt.namedTensors.map(\.tensor.shape) == model.namedTensors.map(\.tensor.shape))
        #expect(rebuilt.outputShape(for: shape) == [3])
        // Copy the weights over: the rebuilt model computes the same function.
        for (a, b) in zip(rebuilt.namedTensors, model.namedTensors) { a.tensor.scalars = b.tensor.scalars }
        let x = Tensor.randomNormal([2] + shape, using: &random)
        #expect(isApproximatelyEqual(rebuilt(x), model(x), absolute: 1e-5))
    }

    @Test("a spec that does not fit throws an error naming the layer and field")
    func badSpec() {
        var random = RandomSource(seed: 4)
        #expect(throws: LayerSpecError.self) { try Architecture.lenet5.makeModel(inputShape: [4, 4, 1], outputs: 2, using: &random) }
        do {
            _ = try Sequential(specs: [.flatten, .dropout(rate: 1.5)], inputShape: [3], using: &random)
            Issue.record("expected an error")
        } catch let error as LayerSpecError {
            #expect(error.description.contains("layers[1]") && error.description.contains("rate"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test("residual CNN: BatchNorm state is named and counted as non-trainable")
    func residualState() throws {
        var random = RandomSource(seed: 5)
        let model = try Architecture.resnetSmall.makeModel(inputShape: [8, 8, 1], outputs: 4, using: &random)
        #expect(model.state.map(\.name).contains("3.body.1.running_mean"))
        #expect(model.summary().nonTrainableParameterCount == 2 * (16 + 16 + 16 + 32 + 32))
        // The backward path reaches every trainable parameter (per-layer gradients are checked
        // in the layer tests; ReLU kinks make a whole-network finite difference unreliable).
        let x = Tensor.randomNormal([3, 8, 8, 1], using: &random)
        var streams = ExampleStreams(key: StreamKey(seed: 5, purpose: .dropout), examples: 0..<3)
        let grads = square(model(x, phase: .training, using: &streams)).mean().gradients()
        #expect(model.parameters.allSatisfy { grads[$0.tensor] != nil })
    }
}
