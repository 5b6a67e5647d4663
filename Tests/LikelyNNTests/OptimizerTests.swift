import LikelyNN
import LikelyTensor
import LikelyTestSupport
import Testing

/// One step of `optimizer` on L = Σ c·w from w, returning the new weights.
private func steps(_ optimizer: any Optimizer, from w: [Float], gradient c: [Float], count: Int = 1) -> [Float] {
    let parameter = Tensor(shape: [w.count], scalars: w, requiresGradient: true)
    let named = [NamedTensor(name: "w", tensor: parameter)]
    for _ in 0..<count {
        let grads = (parameter * Tensor(c)).sum().gradients()
        optimizer.update(named, with: grads)
    }
    return parameter.scalars
}

@Suite("Optimizers")
struct OptimizerTests {
    @Test("SGD: plain, momentum, Nesterov, L2 decay (hand-computed)")
    func sgd() {
        #expect(isApproximatelyEqual(Tensor(steps(SGD(learningRate: 0.1), from: [1], gradient: [0.5])), [0.95]))
        // v₁ = −0.05, w₁ = 0.95; v₂ = 0.9·(−0.05) − 0.05 = −0.095, w₂ = 0.855.
        #expect(isApproximatelyEqual(Tensor(steps(SGD(learningRate: 0.1, momentum: 0.9), from: [1], gradient: [0.5], count: 2)), [0.855]))
        // w₁ = 1 + 0.9·(−0.05) − 0.05 = 0.905; w₂ = 0.905 + 0.9·(−0.095) − 0.05 = 0.7695.
        #expect(isApproximatelyEqual(Tensor(steps(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), from: [1], gradient: [0.5], count: 2)), [0.7695]))
        // g = 0.5 + 0.1·1 = 0.6.
        #expect(isApproximatelyEqual(Tensor(steps(SGD(learningRate: 0.1, weightDecay: 0.1), from: [1], gradient: [0.5])), [0.94]))
    }

    @Test("gradient-norm clipping scales the global norm down to the limit")
    func clipping() {
        // ‖(3, 4)‖ = 5 → (0.6, 0.8).
        #expect(isApproximatelyEqual(Tensor(steps(SGD(learningRate: 1, clipNorm: 1), from: [0, 0], gradient: [3, 4])), [-0.6, -0.8]))
        #expect(isApproximatelyEqual(Tensor(steps(SGD(learningRate: 1, clipNorm: 10), from: [0, 0], gradient: [3, 4])), [-3, -4]))
    }

    @Test("Adagrad and RMSprop first steps (hand-computed)")
    func adaptive() {
        // a = 0.1 + 0.25 = 0.35; w = 1 − 0.1·0.5/√0.35.
        #expect(isApproximatelyEqual(Tensor(steps(Adagrad(learningRate: 0.1), from: [1], gradient: [0.5])), [0.9154846]))
        // v = 0.1·0.25 = 0.025; w = 1 − 0.1·0.5/√0.025.
        #expect(isApproximatelyEqual(Tensor(steps(RMSprop(learningRate: 0.1), from: [1], gradient: [0.5])), [0.6837722]))
        // centered: ḡ = 0.05, d = 0.025 − 0.0025 = 0.0225; w = 1 − 0.05/0.15.
        #expect(isApproximatelyEqual(Tensor(steps(RMSprop(learningRate: 0.1, centered: true), from: [1], gradient: [0.5])), [0.6666667]))
        // momentum: m₁ = Δ₁ = 0.3162278; v₂ = 0.0475, Δ₂ = 0.05/√0.0475 = 0.2294157, m₂ = 0.5·m₁ + Δ₂.
        #expect(isApproximatelyEqual(Tensor(steps(RMSprop(learningRate: 0.1, momentum: 0.5), from: [1], gradient: [0.5], count: 2)),
                                     [1 - 0.3162278 - (0.5 * 0.3162278 + 0.2294157)]))
    }

    @Test("Adam moves by η per step under a constant gradient; AdamW decays first")
    func adam() {
        // With constant g the bias-corrected m̂ = g and v̂ = g², so each step is η·g/(|g| + ε) ≈ η.
        #expect(isApproximatelyEqual(Tensor(steps(Adam(learningRate: 0.1), from: [1, -1], gradient: [0.5, -2], count: 3)), [0.7, -0.7], absolute: 1e-5))
        // w ← 1 − 0.1·0.004·1 = 0.9996, then − 0.1.
        #expect(isApproximatelyEqual(Tensor(steps(AdamW(learningRate: 0.1), from: [1], gradient: [0.5])), [0.8996], absolute: 1e-5))
    }

    @Test("learning-rate schedules (Keras formulas)")
    func schedules() {
        #expect(LearningRateSchedule.step(initial: 1, factor: 0.5, every: 10).rate(atStep: 25) == 0.25)
        #expect(isApproximatelyEqual(LearningRateSchedule.exponential(initial: 1, decayRate: 0.5, decaySteps: 10, staircase: false).rate(atStep: 5), 0.70710678))
        #expect(LearningRateSchedule.exponential(initial: 1, decayRate: 0.5, decaySteps: 10, staircase: true).rate(atStep: 15) == 0.5)
        #expect(isApproximatelyEqual(LearningRateSchedule.cosine(initial: 2, decaySteps: 100, alpha: 0).rate(atStep: 50), 1))
        #expect(isApproximatelyEqual(LearningRateSchedule.cosine(initial: 2, decaySteps: 100, alpha: 0.1).rate(atStep: 500), 0.2))
        // The optimizer reads the schedule at its own step: 0.1 then 0.05.
        #expect(isApproximatelyEqual(Tensor(steps(SGD(learningRate: .step(initial: 0.1, factor: 0.5, every: 1)), from: [0], gradient: [1], count: 2)), [-0.15]))
    }

    @Test("saving and restoring the state resumes Adam exactly")
    func resume() throws {
        var random = RandomSource(seed: 1)
        let model = Sequential.mlp(features: 3, hidden: [4], outputs: 2, using: &random)
        let x = Tensor.randomNormal([5, 3], using: &random)
        func loss() -> Tensor { square(model(x)).mean() }
        let optimizer = Adam(learningRate: 0.01)
        optimizer.update(model.parameters, with: loss().gradients())
        let saved = optimizer.state(for: model.parameters)
        #expect(saved.step == 1 && saved.tensors.map(\.name).prefix(2) == ["0.weight/m", "0.weight/v"])
        let weights = model.parameters.map { $0.tensor.scalars }
        optimizer.update(model.parameters, with: loss().gradients())
        let expected = model.parameters.map { $0.tensor.scalars }
        for (p, w) in zip(model.parameters, weights) { p.tensor.scalars = w }
        let resumed = Adam(learningRate: 0.01)
        try resumed.restore(saved, for: model.parameters)
        resumed.update(model.parameters, with: loss().gradients())
        #expect(model.parameters.map { $0.tensor.scalars } == expected)
        let broken = OptimizerState(step: 1, tensors: [NamedTensor(name: "0.weight/m", tensor: Tensor.zeros([2]))])
        #expect(throws: OptimizerStateError.self) { try Adam().restore(broken, for: model.parameters) }
    }

    @Test("initializers: Glorot and He limits, zeros, constant, seeded")
    func initializers() {
        var random = RandomSource(seed: 2)
        let glorot = Initializer.glorotUniform.makeTensor(shape: [3, 3, 8, 16], using: &random)
        let limit = (6.0 / Double(72 + 144)).squareRoot()
        #expect(glorot.scalars.allSatisfy { Swift.abs(Double($0)) <= limit })
        let he = Initializer.heNormal.makeTensor(shape: [200, 100], using: &random)
        let sd = (2.0 / 200).squareRoot()
        #expect(he.scalars.allSatisfy { Swift.abs(Double($0)) <= 2 * sd + 1e-6 })
        // Truncated at 2σ the standard deviation is 0.8796σ.
        let sample = (he.scalars.map { Double($0) * Double($0) }.reduce(0, +) / Double(he.count)).squareRoot()
        #expect(Swift.abs(sample / sd - 0.8796) < 0.02)
        #expect(Initializer.zeros.makeTensor(shape: [3], using: &random).scalars == [0, 0, 0])
        #expect(Initializer.constant(0.5).makeTensor(shape: [2], using: &random).scalars == [0.5, 0.5])
        var a = RandomSource(seed: 3), b = RandomSource(seed: 3)
        #expect(Initializer.heUniform.makeTensor(shape: [4, 4], using: &a).scalars == Initializer.heUniform.makeTensor(shape: [4, 4], using: &b).scalars)
    }
}
