import CGSL
import Foundation
import Likely
import Testing

/// Log-normal and gamma heads on positive targets of order 3·10⁵ (prices): trained on the
/// targets divided by a stored positive scale, they report in original units with finite
/// RMSE and CRPS and an NLL near that of the true parameters (computed with GSL's densities).
struct PositiveTargetScalingTests {
    /// ln y ~ N(12.5 + 0.5x, 0.2²), x ~ U(0, 1): y around 3·10⁵.
    static func data(count: Int, seed: UInt64) -> (data: Dataset, trueNLL: Double) {
        var random = RandomSource(seed: seed)
        var xs: [Float] = [], ys: [Float] = []
        var nll = 0.0
        for _ in 0..<count {
            let x = random.uniform()
            let logY = 12.5 + 0.5 * x + 0.2 * random.normal()
            let y = Float(exp(logY))
            xs.append(Float(x))
            ys.append(y)
            nll -= log(gsl_ran_lognormal_pdf(Double(y), 12.5 + 0.5 * x, 0.2))
        }
        return (Dataset(features: Tensor(shape: [count, 1], scalars: xs), targets: Tensor(ys)), nll / Double(count))
    }

    @Test(arguments: [Family.logNormal, Family.gamma])
    func trainsOnPricesAndReportsInOriginalUnits(_ family: Family) throws {
        let (train, _) = Self.data(count: 1500, seed: 21)
        let (test, trueNLL) = Self.data(count: 1500, seed: 22)
        var random = RandomSource(seed: 5)
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [1], head: Head(family), hidden: [16],
                                           dropout: 0, using: &random)
        var options = TrainingOptions()
        options.epochs = 40
        options.batchSize = 100
        options.optimizer = Adam(learningRate: .constant(0.01))
        try model.fit(train, options: options)
        let scale = try #require(model.targetScaling)
        #expect(scale.mean == 0 && scale.standardDeviation > 1e5, "\(scale)")
        let report = model.evaluate(test)
        for (name, value) in [("rmse", report.rmse), ("mae", report.mae), ("crps", report.crps)] {
            #expect(value.map { $0.isFinite && $0 < 1e5 } == true, "\(family.name) \(name): \(String(describing: value))")
        }
        // A gamma cannot match a log-normal exactly; within 0.1 nats of the truth, the
        // log-normal within 0.05.
        let slack = family == .logNormal ? 0.05 : 0.1
        #expect(abs(report.nll - trueNLL) < slack, "\(family.name) test NLL \(report.nll), true parameters \(trueNLL)")
    }
}
