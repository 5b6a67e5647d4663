import Foundation
import Likely
import Testing

/// `FitPlan` and `Tuner`: the library side of `likely fit` and `likely tune`.
@Suite struct FitPlanTests {
    static func data(rows: Int, features: Int = 1) -> Dataset {
        var random = RandomSource(key: StreamKey(seed: 4, purpose: .sampling))
        let x = Tensor.randomNormal([rows, features], using: &random)
        return Dataset(features: x, targets: Tensor(x.scalars.enumerated().filter { $0.offset % features == 0 }.map { 2 * $0.element }))
    }

    /// The default epochs by hand: 200 rows in batches of 32 are ⌈200/32⌉ = 7 steps an epoch,
    /// ⌈500/7⌉ = 72 epochs; 20% held out leaves 160 rows, 5 steps, 100 epochs; 10 rows take
    /// 500 epochs; 10⁶ rows are held at 10; images take 10.
    @Test func defaultEpochsByHand() {
        #expect(FitDefaults.epochs(.table, examples: 200, batchSize: 32, validationSplit: 0) == 72)
        #expect(FitDefaults.epochs(.table, examples: 200, batchSize: 32, validationSplit: 0.2) == 100)
        #expect(FitDefaults.epochs(.table, examples: 10, batchSize: 32, validationSplit: 0) == 500)
        #expect(FitDefaults.epochs(.table, examples: 1_000_000, batchSize: 32, validationSplit: 0) == 10)
        #expect(FitDefaults.epochs(.images, examples: 200, batchSize: 32, validationSplit: 0) == 10)
        #expect(FitDefaults.checkpoint(of: "models/m/") == "models/m.checkpoint")
    }

    /// Data of another input shape is a thrown error naming both shapes, for training and
    /// validation data alike (it was a precondition).
    @Test func dataOfAnotherShapeIsAThrownError() throws {
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [2], head: Head(.normal), hidden: [4],
                                           dropout: 0, members: 1, seed: 0)
        var options = TrainingOptions()
        options.epochs = 1
        #expect(throws: DataShapeError(role: "the training data", exampleShape: [3], inputShape: [2])) {
            try model.fit(Self.data(rows: 10, features: 3), options: options)
        }
        options.validation = .data(Self.data(rows: 5, features: 1))
        #expect(throws: DataShapeError(role: "the validation data", exampleShape: [1], inputShape: [2])) {
            try model.fit(Self.data(rows: 10, features: 2), options: options)
        }
    }

    /// A validation split that leaves no example on one side names the plan's property.
    @Test func emptyValidationSplitNamesTheProperty() throws {
        var plan = FitPlan(family: .normal)
        plan.validationSplit = 0.01
        #expect(throws: FitPlanError.self) { try plan.fit(Self.data(rows: 20), kind: .table) }
        do { _ = try plan.trainingOptions(for: Self.data(rows: 20), kind: .table) } catch let error as FitPlanError {
            #expect(error.description.hasPrefix("validationSplit 0.01 of 20 examples leaves 0 for validation"))
        }
    }

    /// Trial 1 is the plan with its defaults spelt out; with the family searched the next
    /// trials are that plan under each other family the targets allow, then the draws.
    @Test func trialsStartWithThePlanAndItsFamilies() throws {
        var plan = FitPlan(family: .normal)
        plan.seed = 9
        let data = Self.data(rows: 40)
        let tuner = try Tuner(plan: plan, data: data, kind: .table, dimensions: [.family, .lr],
                              validation: TuneValidation(folds: 2))
        let trials = tuner.space.trials(6)
        #expect(trials.count == 6)
        #expect(trials[0].dropout == FitDefaults.tableDropout && trials[0].weightDecay == FitDefaults.tableWeightDecay)
        #expect(trials[0].patience == Tuner.defaultPatience && trials[0].validationSplit == 0)
        // Targets of both signs: student-t and laplace are the other families.
        #expect(trials[1...2].map(\.family.name) == ["studentt", "laplace"])
        #expect(trials[3...].allSatisfy { TuneSpace.learningRateRange.contains(Double($0.learningRate ?? 0)) })
        #expect(trials[3...].allSatisfy { $0.dropout == trials[0].dropout && $0.hidden == trials[0].hidden })
        #expect(tuner.space.trials(6).map(\.learningRate) == trials.map(\.learningRate), "the draws are seeded")
    }
}
