import Foundation
import Likely
import Testing

/// A Normal head learns a noise level that depends on x: the mission's first job.
struct HeteroscedasticRegressionTests {
    /// μ(x) = 2 sin(x), σ(x) = 0.1 + 0.25 (1 + sin(x/2)) on x ∈ [−4, 4].
    static func mu(_ x: Double) -> Double { 2 * sin(x) }
    static func sigma(_ x: Double) -> Double { 0.1 + 0.25 * (1 + sin(x / 2)) }

    static func data(_ n: Int, seed: UInt64) -> Dataset {
        var random = RandomSource(seed: seed)
        var xs: [Float] = [], ys: [Float] = []
        for _ in 0..<n {
            let x = -4 + 8 * random.uniform()
            xs.append(Float(x))
            ys.append(Float(mu(x) + sigma(x) * random.normal()))
        }
        return Dataset(features: Tensor(shape: [n, 1], scalars: xs), targets: Tensor(ys))
    }

    @Test func learnsTheNoiseFunctionAndApproachesTheTrueNLL() throws {
        var random = RandomSource(seed: 1)
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [1], head: Head(.normal),
                                           hidden: [50, 50], dropout: 0, using: &random)
        var options = TrainingOptions()
        options.epochs = 150
        options.batchSize = 64
        options.optimizer = Adam(learningRate: .cosine(initial: 3e-3, decaySteps: 150 * 63, alpha: 0.03))
        options.seed = 2
        try model.fit(Self.data(4000, seed: 3), options: options)

        // σ(x) within 15% of the truth over the central 80% of x.
        let grid = (0...80).map { -3.2 + 6.4 * Double($0) / 80 }
        let predictive = model.predictive(Tensor(shape: [grid.count, 1], scalars: grid.map(Float.init)))
        let learned = predictive.aleatoricVariance.map { $0.squareRoot() }
        let worst = zip(grid, learned).map { Swift.abs($1 / Self.sigma($0) - 1) }.max()!
        print("heteroscedastic: worst relative σ error \(worst)")
        #expect(worst < 0.15, "largest relative error of σ(x): \(worst)")

        // Test NLL within 0.05 nats of the true model's.
        let test = Self.data(10_000, seed: 4)
        let report = model.evaluate(test)
        let trueNLL = zip(test.features.scalars, test.targets.scalars).map { x, y -> Double in
            let s = Self.sigma(Double(x)), z = (Double(y) - Self.mu(Double(x))) / s
            return 0.5 * z * z + log(s) + 0.5 * log(2 * Double.pi)
        }.reduce(0, +) / Double(test.count)
        print("heteroscedastic: model NLL \(report.nll), true NLL \(trueNLL), coverage \(report.coverage!)")
        #expect(report.nll - trueNLL < 0.05, "model NLL \(report.nll), true NLL \(trueNLL)")
        #expect(Swift.abs(report.coverage![0.9]! - 0.9) < 0.02)
    }
}
