import Foundation
import Likely
import Testing

/// The library does what the CLI does: the README's Swift API and `likely fit`, given the
/// same explicit options and seed, train the same networks.
@Suite struct LibraryParityTests {
    /// A 3-member ensemble built by `ProbabilisticModel(architecture:…:members:seed:)` and
    /// trained by `fit` with `Adam(learningRate: 0.001)` has, bit for bit, the weights of
    /// `likely fit --ensemble 3` with the same options (fails when the CLI keys its initial
    /// weights by a stream of its own).
    @Test func swiftEnsembleEqualsCLIEnsemble() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 100))
        let cli = scratch.path("cli"), swift = scratch.path("swift")
        EndToEndTests.expectSuccess(try CLI.run([
            "fit", data, "--out", cli, "--ensemble", "3", "--hidden", "16", "--dropout", "0.1", "--seed", "7", "--epochs", "5",
            "--batch-size", "32", "--lr", "0.001", "--weight-decay", "0", "--optimizer", "adam", "--quiet",
        ]), "fit --ensemble 3")

        let table = try CSVReader.read(data, options: CSVOptions(target: "y"))
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [1], head: Head(.normal), hidden: [16],
                                           dropout: 0.1, members: 3, seed: 7)
        var options = TrainingOptions()
        options.epochs = 5
        options.batchSize = 32
        options.seed = 7
        options.optimizer = Adam(learningRate: 0.001)
        let history = try model.fit(Dataset(features: table.features, targets: try #require(table.targets)), options: options)
        try ModelDirectory.save(model, to: swift, history: history)

        let fromCLI = try ModelDirectory.load(cli), fromSwift = try ModelDirectory.load(swift)
        #expect(fromCLI.memberCount == 3 && fromSwift.memberCount == 3)
        #expect(fromCLI.namedTensors.map(\.name) == fromSwift.namedTensors.map(\.name))
        for (a, b) in zip(fromCLI.namedTensors, fromSwift.namedTensors) {
            #expect(a.tensor.scalars == b.tensor.scalars, "\(a.name) differs between likely fit and the Swift API")
        }
        let weights = "weights.safetensors"
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli + "/" + weights))
                == Data(contentsOf: URL(fileURLWithPath: swift + "/" + weights)), "\(weights) differs")
    }
}
