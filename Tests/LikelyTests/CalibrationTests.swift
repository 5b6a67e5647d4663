import Foundation
import Likely
import Testing

struct CalibrationTests {
    /// Three overlapping Gaussian classes in 2-D: an unregularised network fitted too long is
    /// over-confident, and temperature scaling on validation data repairs that.
    static func data(_ n: Int, seed: UInt64) -> Dataset {
        var random = RandomSource(seed: seed)
        var xs: [Float] = [], ys: [Float] = []
        let centres: [(Double, Double)] = [(0, 0), (1.2, 0.3), (0.4, 1.1)]
        for _ in 0..<n {
            let c = random.integer(in: 0..<3)
            xs += [Float(centres[c].0 + 0.6 * random.normal()), Float(centres[c].1 + 0.6 * random.normal())]
            ys.append(Float(c))
        }
        return Dataset(features: Tensor(shape: [n, 2], scalars: xs), targets: Tensor(ys))
    }

    @Test func temperatureScalingReducesNLLAndECEWithoutChangingAccuracy() throws {
        var random = RandomSource(seed: 3)
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [2], head: Head(.categorical, classCount: 3),
                                           hidden: [64, 64], dropout: 0, using: &random)
        var options = TrainingOptions()
        options.epochs = 150
        options.batchSize = 32
        options.optimizer = Adam(learningRate: 0.01)
        // 120 points: over-fitted enough that the over-confidence (ECE ≈ 0.2 before) is clear
        // for any seed; with 300 the ECE before is ≈ 0.07 and the NLL-optimal T can raise it.
        try model.fit(Self.data(120, seed: 4), options: options)

        let validation = Self.data(2000, seed: 5), test = Self.data(4000, seed: 6)
        let before = model.evaluate(test)
        let t = model.calibrateTemperature(on: validation)
        let after = model.evaluate(test)
        print("calibration: T \(t), NLL \(before.nll) → \(after.nll), ECE \(before.ece!) → \(after.ece!)")
        #expect(t > 1, "an over-fitted network is over-confident")
        #expect(after.nll < before.nll)
        #expect(after.ece! < before.ece!)
        #expect(after.accuracy == before.accuracy)

        // The temperature travels with the model.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("likely-calibrated-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ModelDirectory.save(model, to: dir)
        #expect(try ModelDirectory.load(dir).head.temperature == t)
    }
}

struct MemberTemperatureTests {
    /// With one member the mixture fit is ordinary temperature scaling: it must agree with
    /// the independent Newton/golden-section fit of `TemperatureScaling(fittingLogits:)`.
    @Test func oneMemberAgreesWithTheDeterministicFit() {
        var random = RandomSource(seed: 17)
        let n = 500, k = 4
        let logits = Tensor.randomNormal([n, k], standardDeviation: 3, using: &random)
        let labels = (0..<n).map { _ in random.integer(in: 0..<k) }
        let single = TemperatureScaling(fittingLogits: logits, labels: labels).temperature
        let members = TemperatureScaling(fittingMemberLogits: [logits.scalars], labels: labels, classes: k).temperature
        #expect(Swift.abs(members / single - 1) < 1e-3, "mixture fit \(members), single fit \(single)")
    }

    /// The fitted T minimises the NLL of the MC predictive it was fitted on (the same dropout
    /// draws): no lower at T = 1 or at T ± 5%.
    @Test func calibratingTheMCPredictiveLowersItsNLL() throws {
        var random = RandomSource(seed: 3)
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [2], head: Head(.categorical, classCount: 3),
                                           hidden: [64, 64], dropout: 0.3, using: &random)
        var options = TrainingOptions()
        options.epochs = 100
        options.optimizer = Adam(learningRate: 0.01)
        try model.fit(CalibrationTests.data(300, seed: 4), options: options)
        let validation = CalibrationTests.data(2000, seed: 5)
        let atOne = model.evaluate(validation, mcSamples: 20, seed: 8).nll
        let t = model.calibrateTemperature(on: validation, mcSamples: 20, seed: 8)
        let fitted = model.evaluate(validation, mcSamples: 20, seed: 8).nll
        var neighbours: [Double] = []
        for factor: Float in [0.95, 1.05] {
            model.temperature = t * factor
            neighbours.append(model.evaluate(validation, mcSamples: 20, seed: 8).nll)
        }
        print("MC calibration: T \(t), validation NLL at T = 1 \(atOne), at T \(fitted), at ±5% \(neighbours)")
        #expect(fitted <= atOne + 1e-6)
        #expect(neighbours.allSatisfy { fitted <= $0 + 1e-6 })
    }
}
