import Foundation
import Likely
import Testing

/// The seed CNN with MC dropout on (a CI-sized part of) Fashion-MNIST, from the system
/// package's files. The full recipe (60,000 images, 10 epochs) is run by `likely fit` and
/// reported in docs/performance.md; here 8,000 images and 2 epochs must already give an
/// accurate and calibrated classifier.
struct FashionMNISTTests {
    static let directory = "/usr/share/datasets/fashion-mnist"

    /// A seed CNN (dropout 0.25) fitted for 2 epochs (Adam 1e-3, batch 128) on the first
    /// `images` training images, its weights drawn from `seed`: the briefly trained classifier
    /// that this suite and the conformal tests score.
    static func brieflyTrainedSeedCNN(images: Int, seed: UInt64) throws -> ProbabilisticModel {
        let train = try MNISTDirectory.load(directory, split: .train).subset(Array(0..<images))
        var random = RandomSource(seed: seed)
        let model = try ProbabilisticModel(architecture: .seedCNN, inputShape: [28, 28, 1],
                                           head: Head(.categorical, classCount: 10), dropout: 0.25, using: &random)
        var options = TrainingOptions()
        options.epochs = 2
        options.batchSize = 128
        options.optimizer = Adam(learningRate: 1e-3)
        try model.fit(train, options: options)
        return model
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: directory)))
    func mcDropoutSeedCNNIsAccurateAndCalibrated() throws {
        let model = try Self.brieflyTrainedSeedCNN(images: 8000, seed: 0)
        let test = try MNISTDirectory.load(Self.directory, split: .test).subset(Array(0..<2000))

        let deterministic = model.evaluate(test)
        let mc = model.evaluate(test, mcSamples: 20, seed: 1)
        print("fashion-mnist (8k images, 2 epochs): deterministic accuracy \(deterministic.accuracy!) NLL \(deterministic.nll) ECE \(deterministic.ece!); MC T=20 accuracy \(mc.accuracy!) NLL \(mc.nll) ECE \(mc.ece!)")
        // After 2 short epochs the network is under-trained: averaging its dropout members
        // makes it under-confident, so MC's ECE is looser here than after the full recipe.
        #expect(deterministic.accuracy! >= 0.80)
        #expect(deterministic.ece! <= 0.05)
        #expect(mc.accuracy! >= 0.80)
        #expect(mc.nll <= 0.6)
        #expect(mc.ece! <= 0.10)
        #expect(mc.mcSamples == 20)
    }
}
