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
        try model.fit(Self.data(300, seed: 4), options: options)

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
