import Foundation
import Likely
import Testing

/// The sampled-network ("nn") Laplace predictive: on a network linear in its weights it must
/// equal the exact Bayesian linear regression's predictive, and it is refused where it
/// cannot sample.
@Suite struct LaplaceNNMethodTests {
    /// On Dense(2 → 2) under a Normal head (exact Bayesian linear regression, the fixture of
    /// `Fixtures/laplace/generate_laplace_blr.py`), f(x, θ) is linear in θ, so the sampled
    /// networks' raw outputs are N(f(x, θ*), x̃ᵀ Σ x̃) with Σ the fixture's (scipy's) posterior
    /// covariance and x̃ = (x₁, x₂, 1) placed on each output's weights. The antithetic draws
    /// have mean f(x, θ*) exactly; their variance is within Monte-Carlo error (4000
    /// independent pairs: relative sd √(2/4000) ≈ 2.2%, bound 10%).
    @Test func equalsBayesianLinearRegressionOnALinearNetwork() throws {
        let fixture = try MetricsFixture.load(file: "laplace/laplace_blr.json")
        let x = fixture.numbers("x"), y = fixture.numbers("y"), n = y.count
        let theta = fixture.numbers("theta")
        let model = ProbabilisticModel(network: LaplaceTests.linear(inputs: 2, outputs: 2, weights: theta), head: Head(.normal), inputShape: [2])
        let data = Dataset(features: Tensor(shape: [n, 2], scalars: x.map(Float.init)), targets: Tensor(shape: [n], scalars: y.map(Float.init)))
        try model.fitLaplace(on: data, structure: .full, prior: .fixed(fixture.number("delta")))
        let sigma = fixture.numbers("covariance")
        let probe: [[Double]] = [[3, 3], [-4, 9], [12, -2]]
        let method = LaplaceNNMethod(draws: 8000)
        let draws = method.rawOutputDraws(of: model, features: Tensor(shape: [3, 2], scalars: probe.flatMap { $0 }.map(Float.init)),
                                          seed: 11, firstIndex: 0, chunkSize: 2)
        #expect(draws.count == 8000)
        for (i, point) in probe.enumerated() {
            let augmented = point + [1]
            for k in 0..<2 {
                // θ order W00 W01 W10 W11 b0 b1: output k's weights sit at k, 2 + k, 4 + k.
                let indices = [k, 2 + k, 4 + k]
                let mean = zip(augmented, indices).reduce(0.0) { $0 + $1.0 * theta[$1.1] }
                var variance = 0.0
                for (a, r) in indices.enumerated() { for (b, c) in indices.enumerated() { variance += augmented[a] * augmented[b] * sigma[r * 6 + c] } }
                let values = draws.map { Double($0[i * 2 + k]) }
                let drawnMean = values.reduce(0, +) / Double(values.count)
                let drawnVariance = values.reduce(0.0) { $0 + ($1 - drawnMean) * ($1 - drawnMean) } / Double(values.count)
                #expect(abs(drawnMean - mean) <= 1e-4 * max(abs(mean), 1), "input \(i) output \(k): mean \(drawnMean) against \(mean)")
                #expect(abs(drawnVariance - variance) <= 0.1 * variance, "input \(i) output \(k): variance \(drawnVariance) against \(variance)")
            }
        }
    }

    /// The same seed gives the same networks whatever the batch; another seed other networks;
    /// T = 0 makes the default 100 draws.
    @Test func drawsAreKeyedBySeedNotBatch() throws {
        let model = try LaplaceTests.mlp(inputs: 2, head: Head(.normal), hidden: [5])
        var random = RandomSource(seed: 3)
        let x = Tensor.randomNormal([6, 2], using: &random)
        let data = Dataset(features: x, targets: Tensor.randomNormal([6], using: &random))
        try model.fitLaplace(on: data, structure: .full, prior: .fixed(1))
        let method = LaplaceNNMethod(draws: 0)
        #expect(method.draws == LaplaceMethod.defaultDraws)
        let whole = method.rawOutputDraws(of: model, features: x, seed: 5, firstIndex: 0, chunkSize: 6)
        let chunked = method.rawOutputDraws(of: model, features: x, seed: 5, firstIndex: 0, chunkSize: 4)
        let tail = method.rawOutputDraws(of: model, features: x.slice(alongAxis: 0, 4..<6), seed: 5, firstIndex: 4, chunkSize: 6)
        #expect(whole == chunked)
        #expect(whole.map { Array($0[8...]) } == tail)
        #expect(whole != method.rawOutputDraws(of: model, features: x, seed: 6, firstIndex: 0, chunkSize: 6))
        let predictive = model.predictive(x, method: try UncertaintyMethods.named("laplace-nn", for: model, mcSamples: 20), seed: 5)
        #expect(predictive.method == "laplace-nn")
        #expect(predictive.mean.allSatisfy { $0.isFinite })
    }

    /// A model without a posterior, or with a KFAC or diagonal one, is refused with a message
    /// that names the way out.
    @Test func refusesWhatItCannotSample() throws {
        let model = try LaplaceTests.mlp(inputs: 2, head: Head(.normal), hidden: [4])
        #expect(throws: UncertaintyMethodError.self) { try UncertaintyMethods.named("laplace-nn", for: model, mcSamples: 0) }
        var random = RandomSource(seed: 4)
        let x = Tensor.randomNormal([5, 2], using: &random)
        try model.fitLaplace(on: Dataset(features: x, targets: Tensor.randomNormal([5], using: &random)), structure: .kfac)
        do {
            _ = try UncertaintyMethods.named("laplace-nn", for: model, mcSamples: 0)
            Issue.record("a KFAC posterior was accepted")
        } catch let error as UncertaintyMethodError {
            #expect(error.description.contains("kfac") && error.description.contains("--predictive laplace"))
        }
    }
}
