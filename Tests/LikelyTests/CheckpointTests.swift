import Foundation
import Likely
import Testing

/// A checkpoint is one unit: a save interrupted at any moment leaves a checkpoint that resumes
/// to the bytes of the uninterrupted run, and a checkpoint that is torn or of another run is
/// refused, naming what is wrong.
struct CheckpointTests {
    struct Interrupted: Error {}

    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("likely-checkpoint-\(UUID().uuidString)").path
    }

    static func model(_ head: Head = Head(.normal), members: Int = 1) throws -> ProbabilisticModel {
        try ProbabilisticModel(architecture: .mlp, inputShape: [2], head: head, hidden: [8], dropout: 0.1,
                               members: members, seed: 13)
    }

    /// `TrainingTests`'s options with early stopping, so that best.safetensors is written too.
    static func options(epochs: Int) -> TrainingOptions {
        var o = TrainingTests.options(epochs: epochs)
        o.earlyStopping = .init(patience: 10)
        return o
    }

    /// The files of one save in the order they land, then the manifest, then the swap.
    static let moments = ["weights.safetensors", "model.json", "history.csv", "optimizer.safetensors",
                          "best.safetensors", "training.json", "checkpoint.json", "(in place)"]

    /// Fits `epochs` epochs, interrupted the moment `moment` of save number `save` (counted
    /// over all members) lands; then resumes to the end.
    static func interruptedThenResumed(members: Int, save: Int, moment: String, epochs: Int) throws -> ProbabilisticModel {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var saves = 1
        var options = options(epochs: epochs)
        options.checkpoint = .init(directory: dir, keep: .last) { name in
            let landed = name.hasPrefix("/") ? "(in place)" : name
            if saves == save && landed == moment { throw Interrupted() }
            if landed == "(in place)" { saves += 1 }
        }
        #expect(throws: Interrupted.self) { try model(members: members).fit(TrainingTests.data(), options: options) }
        let resumed = try model(members: members)
        var again = Self.options(epochs: epochs)
        again.checkpoint = .init(directory: dir, keep: .last)
        try resumed.fit(TrainingTests.data(), options: again, resume: dir)
        return resumed
    }

    @Test func aSaveInterruptedAtAnyMomentResumesToTheUninterruptedWeights() throws {
        let straight = try Self.model()
        try straight.fit(TrainingTests.data(), options: Self.options(epochs: 3))
        for moment in Self.moments {
            let resumed = try Self.interruptedThenResumed(members: 1, save: 2, moment: moment, epochs: 3)
            for (a, b) in zip(straight.parameters, resumed.parameters) {
                #expect(a.tensor.scalars == b.tensor.scalars, "interrupted at \(moment) of epoch 2: parameter \(a.name) differs")
            }
        }
    }

    /// An ensemble of 2 trained 2 epochs each saves 4 times: interrupting member 0's last
    /// save and member 1's first.
    @Test func anEnsembleSaveInterruptedAtAnyMomentResumesToTheUninterruptedWeights() throws {
        let straight = try Self.model(members: 2)
        try straight.fit(TrainingTests.data(), options: Self.options(epochs: 2))
        for save in [2, 3] {
            for moment in ["weights.safetensors", "training.json", "checkpoint.json", "(in place)"] {
                let resumed = try Self.interruptedThenResumed(members: 2, save: save, moment: moment, epochs: 2)
                for (a, b) in zip(straight.parameters, resumed.parameters) {
                    #expect(a.tensor.scalars == b.tensor.scalars, "interrupted at \(moment) of save \(save): \(a.name) differs")
                }
            }
        }
    }

    /// Writes a 2-epoch checkpoint of the normal model on `TrainingTests.data()`.
    static func checkpoint() throws -> String {
        let dir = directory()
        var options = options(epochs: 2)
        options.checkpoint = .init(directory: dir, keep: .last)
        try model().fit(TrainingTests.data(), options: options)
        return dir
    }

    static func expectRefused(_ resume: String, model: ProbabilisticModel, data: Dataset = TrainingTests.data(),
                              options: TrainingOptions = options(epochs: 3), naming words: [String]) {
        #expect {
            try model.fit(data, options: options, resume: resume)
        } throws: { error in
            let text = "\(error)"
            let named = error is CheckpointError && words.allSatisfy { text.contains($0) }
            if !named { Issue.record("expected a CheckpointError naming \(words), got: \(text)") }
            return named
        }
    }

    @Test func aTornCheckpointIsRefused() throws {
        let dir = try Self.checkpoint()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let weights = URL(fileURLWithPath: dir).appendingPathComponent("weights.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 0x40
        try bytes.write(to: weights)
        Self.expectRefused(dir, model: try Self.model(), naming: ["weights.safetensors", "torn"])
        try FileManager.default.removeItem(at: URL(fileURLWithPath: dir).appendingPathComponent("checkpoint.json"))
        Self.expectRefused(dir, model: try Self.model(), naming: ["checkpoint.json", "not a complete checkpoint"])
    }

    @Test func aCheckpointOfOtherDataOrOptionsIsRefusedNamingTheDifference() throws {
        let dir = try Self.checkpoint()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = TrainingTests.data()
        // The same shapes, one target changed: only the checksum tells.
        var targets = data.targets.scalars
        targets[7] += 1
        Self.expectRefused(dir, model: try Self.model(), data: Dataset(features: data.features, targets: Tensor(shape: [targets.count], scalars: targets)),
                           naming: ["another run", "data: values (checksum"])
        let fewer = Dataset(features: data.features.gatheringRows(Array(0..<150)), targets: data.targets.gatheringRows(Array(0..<150)))
        Self.expectRefused(dir, model: try Self.model(), data: fewer, naming: ["data: rows 200 against 150"])
        Self.expectRefused(dir, model: try Self.model(Head(.laplace)), naming: ["family normal against laplace"])
        var other = Self.options(epochs: 3)
        other.batchSize = 8
        Self.expectRefused(dir, model: try Self.model(), options: other, naming: ["batch size 16 against 8"])
        other = Self.options(epochs: 3)
        other.optimizer = Adam(learningRate: 0.01)
        Self.expectRefused(dir, model: try Self.model(), options: other, naming: ["optimizer"])
    }
}
