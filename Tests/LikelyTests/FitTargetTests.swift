import Likely
import Testing

/// Library `fit` checks its targets against the head's family before training, as the CLI
/// does: a negative count is bad input named by its row, never a non-finite loss.
struct FitTargetTests {
    @Test func targetsOutsideTheSupportAreAThrownErrorNamingTheRow() throws {
        var random = RandomSource(seed: 21)
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [1], head: Head(.poisson), hidden: [4], dropout: 0,
                                           using: &random)
        let counts = Dataset(features: Tensor(shape: [4, 1], scalars: [0, 1, 2, 3]), targets: Tensor([1, 2, -3, 0]))
        var options = TrainingOptions()
        options.epochs = 1
        let before = model.parameters.map(\.tensor.scalars)
        #expect(throws: TargetError.self) { try model.fit(counts, options: options) }
        do {
            try model.fit(counts, options: options)
        } catch let error as TargetError {
            #expect(error.description.contains("row 3") && error.description.contains("-3"), "\(error)")
            #expect(!error.description.contains("--"), "a library error advises no command-line flag: \(error)")
        }
        #expect(model.parameters.map(\.tensor.scalars) == before, "no training step ran")
        // Validation data is checked as well.
        options.validation = .data(counts)
        let good = Dataset(features: counts.features, targets: Tensor([1, 2, 3, 0]))
        #expect(throws: TargetError.self) { try model.fit(good, options: options) }
    }
}
