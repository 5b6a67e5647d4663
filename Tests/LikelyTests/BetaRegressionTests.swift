import CGSL
import Foundation
import Likely
import Testing

/// The Beta head, added as docs/distributions.md "Adding a family" says (its declaration in
/// Beta.swift and one line in the list of families): trained on Beta data, its NLL must come
/// near the NLL of the true parameters, computed independently with GSL's Beta density.
struct BetaRegressionTests {
    /// y ~ Beta(μφ, (1 − μ)φ) with mean μ = σ(0.5 + 1.5x) and precision φ = 12, x ~ U(−1, 1).
    static func data(count: Int, seed: UInt64) -> (data: Dataset, trueNLL: Double) {
        var random = RandomSource(seed: seed)
        var xs: [Float] = [], ys: [Float] = []
        var nll = 0.0
        for _ in 0..<count {
            let x = -1 + 2 * random.uniform()
            let mu = 1 / (1 + exp(-(0.5 + 1.5 * x))), phi = 12.0
            let y = random.beta(mu * phi, (1 - mu) * phi)
            xs.append(Float(x))
            ys.append(Float(y))
            nll -= log(gsl_ran_beta_pdf(Double(Float(y)), mu * phi, (1 - mu) * phi))
        }
        return (Dataset(features: Tensor(shape: [count, 1], scalars: xs), targets: Tensor(ys)), nll / Double(count))
    }

    @Test func fitsGeneratedBetaDataToTheTrueLikelihood() throws {
        let (train, _) = Self.data(count: 2000, seed: 11)
        let (test, trueNLL) = Self.data(count: 2000, seed: 12)
        var random = RandomSource(seed: 4)
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [1], head: Head(.beta), hidden: [16],
                                           dropout: 0, using: &random)
        #expect(model.head.rawOutputCount == 2)
        var options = TrainingOptions()
        options.epochs = 60
        options.batchSize = 100
        options.optimizer = Adam(learningRate: .constant(0.01))
        try model.fit(train, options: options)
        let nll = model.evaluate(test).nll
        // Held-out data: within 0.05 nats per example of the true parameters' NLL.
        #expect(abs(nll - trueNLL) < 0.05, "test NLL \(nll), true parameters \(trueNLL)")
    }

    @Test func rejectsTargetsOnTheEdgesOfTheUnitInterval() {
        #expect(throws: TargetError.self) { try Family.beta.checkTargets(Tensor([0.2, 0])) }
        #expect(throws: TargetError.self) { try Family.beta.checkTargets(Tensor([1, 0.2])) }
        #expect(throws: Never.self) { try Family.beta.checkTargets(Tensor([0.001, 0.999])) }
    }
}
