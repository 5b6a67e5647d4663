import Foundation
import Likely

/// The demo's regression with a gap in the training data: where the deterministic network's
/// bands are too narrow, the epistemic part of MC dropout or an ensemble widens them little,
/// and a full Laplace posterior's linearised predictive widens them.
///
/// Training x ~ U([−4, 4] \ (0.5, 3)), test x ~ U(−4, 4); y = 2 sin x + x/2 + σ(x)·ε with
/// σ(x) = 0.1 + 0.3|x|, ε ~ N(0, 1). The network: MLP (50, 50, dropout 0.1), Normal head.
struct RegressionDemo {
    var plan: DemoPlan
    var seed: UInt64

    /// The open interval of x without training data.
    static let gap = 0.5...3.0
    /// The range of x.
    static let domain = -4.0...4.0

    /// Whether x lies inside the gap (its open interior).
    static func isInGap(_ x: Double) -> Bool { x > gap.lowerBound && x < gap.upperBound }

    /// The true mean and noise of the generated data.
    static func mean(_ x: Double) -> Double { 2 * sin(x) + 0.5 * x }
    static func noise(_ x: Double) -> Double { 0.1 + 0.3 * Swift.abs(x) }

    /// n draws of (x, y), seeded: x uniform on the domain, or on the domain without the gap
    /// (a uniform u on the kept length, mapped past the gap).
    static func generate(count n: Int, withoutGap: Bool, using random: inout RandomSource) -> Dataset {
        let kept = (domain.upperBound - domain.lowerBound) - (withoutGap ? gap.upperBound - gap.lowerBound : 0)
        var x: [Float] = [], y: [Float] = []
        for _ in 0..<n {
            var xi = domain.lowerBound + kept * random.uniform()
            if withoutGap && xi > gap.lowerBound { xi += gap.upperBound - gap.lowerBound }
            x.append(Float(xi))
            y.append(Float(mean(xi) + noise(xi) * random.normal()))
        }
        return Dataset(features: Tensor(shape: [n, 1], scalars: x), targets: Tensor(y), featureNames: ["x"])
    }

    /// −log p(y | x) under the true distribution, per observation.
    static func oracleNegativeLogLikelihoods(_ data: Dataset) -> [Double] {
        zip(data.features.scalars, data.targets.scalars).map { x, y in
            let s = noise(Double(x)), z = (Double(y) - mean(Double(x))) / s
            return 0.5 * z * z + Foundation.log(s) + 0.5 * Foundation.log(2 * Double.pi)
        }
    }

    struct Result: Encodable {
        var gap: [Double]
        var nTrain: Int
        var nTest: Int
        var epochs: Int
        var seconds: Double
        /// Mean NLL of the test points under the true distribution (the best any model can
        /// do): all, inside the gap, outside it.
        var oracleNLL: Double, oracleNLLInGap: Double, oracleNLLOutsideGap: Double
        /// The methods in column order, and by key.
        var order: [String]
        var methods: [String: DemoMethodResult]
        var files: [String] = []

        enum CodingKeys: String, CodingKey {
            case gap, nTrain = "n_train", nTest = "n_test", epochs, seconds, order, methods
            case oracleNLL = "test_oracle_nll", oracleNLLInGap = "test_in_gap_oracle_nll", oracleNLLOutsideGap = "test_outside_gap_oracle_nll"
        }
    }

    /// The network of the demo, as an ensemble of `members`.
    func makeModel(seed: UInt64, members: Int) throws -> ProbabilisticModel {
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [1], head: Head(.normal), hidden: [50, 50],
                                           dropout: 0.1, members: members, seed: seed)
        model.featureNames = ["x"]
        model.targetName = "y"
        return model
    }

    func run(out: String) throws -> Result {
        let started = Date()
        say("\n[1/3] regression with a gap: y = 2 sin x + x/2 + (0.1 + 0.3|x|)·ε, \(plan.regressionTrain) training points, "
            + "x in [−4, 4] except (\(Self.gap.lowerBound), \(Self.gap.upperBound))")
        var random = RandomSource(key: StreamKey(seed: seed, purpose: .demoRegressionData))
        let train = Self.generate(count: plan.regressionTrain, withoutGap: true, using: &random)
        let validation = Self.generate(count: plan.regressionValidation, withoutGap: true, using: &random)
        let test = Self.generate(count: plan.regressionTest, withoutGap: false, using: &random)
        let fits = try DemoFits.run(part: "regression", train: train, validation: validation, epochs: plan.regressionEpochs,
                                    batchSize: 32, learningRate: 0.003, seed: seed, members: plan.regressionMembers, epochLines: false, make: makeModel)
        let model = fits.single
        let inGap = test.features.scalars.map { Self.isInGap(Double($0)) }
        let outside = inGap.map { !$0 }
        let oracle = Self.oracleNegativeLogLikelihoods(test)
        func meanOracle(_ mask: [Bool]) -> Double {
            let chosen = zip(oracle, mask).filter(\.1).map(\.0)
            return chosen.isEmpty ? .nan : chosen.reduce(0, +) / Double(chosen.count)
        }
        let methods = DemoMethod.compared(fits, mc: plan.regressionMC, seed: seed) + [try DemoMethod.laplace(fits, train: train, seed: seed)]
        var results: [String: DemoMethodResult] = [:]
        for method in methods {
            let predictive = method.predict(test.features)
            results[method.key] = DemoMethodResult(
                method, test: method.model.evaluate(predictive, targets: test.targets, mcSamples: method.mcSamples, seed: seed),
                inGap: predictive.regionScores(targets: test.targets, inRegion: inGap, level: 0.9),
                outsideGap: predictive.regionScores(targets: test.targets, inRegion: outside, level: 0.9))
        }

        try ModelDirectory.save(model, to: DataSource.join(out, "regression-model"), history: fits.singleHistory)
        try ModelDirectory.save(fits.ensemble, to: DataSource.join(out, "regression-ensemble"), history: fits.history)
        var files = try TrainingPlots.write(history: fits.singleHistory, model: model, to: out, prefix: "regression-")
        if let mc = results["mc_dropout"] {
            // PIT, coverage and risk–coverage of the MC-dropout predictive; the bands are drawn below
            // per method over the training data (no targets here, so no second band plot).
            let data = LoadedData(kind: .arrays, path: "generated", features: test.features, targets: nil, featureNames: ["x"], targetName: "y")
            files += try EvaluationPlots.write(report: mc.test, model: model, data: data, mcSamples: plan.regressionMC,
                                               seed: seed, to: out, prefix: "regression-")
        }
        let x = train.features.scalars.map(Double.init), y = train.targets.scalars.map(Double.init)
        for method in methods {
            let svg = EvaluationPlots.bands(x: x, y: y, title: "Training data and the \(method.label) predictive",
                                            shaded: [(Self.gap, "no training data")], predict: method.predict)
            files.append(try TrainingPlots.save(svg, out, "regression-bands-\(method.key.replacingOccurrences(of: "_", with: "-")).svg"))
        }
        return Result(gap: [Self.gap.lowerBound, Self.gap.upperBound], nTrain: train.count, nTest: test.count,
                      epochs: fits.singleHistory.epochs.count, seconds: Date().timeIntervalSince(started),
                      oracleNLL: meanOracle(inGap.map { _ in true }), oracleNLLInGap: meanOracle(inGap),
                      oracleNLLOutsideGap: meanOracle(outside), order: methods.map(\.key), methods: results, files: files)
    }
}
