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

    /// The step budget by hand: 160 training examples in batches of 32 are 5 steps an epoch,
    /// so 20,000 steps are 4000 epochs and a patience of 1000 steps is 200 epochs; 10 examples
    /// (1 step) take 20,000 epochs and a patience of 1000; 55,000 images (1719 steps) 12 epochs
    /// and a patience of 1. Held out: 20% of 200 is 40, of 60,000 the cap 5000, of 2 none.
    /// Weight decay δ/N: 1/160 for 160 rows, 0 for images.
    @Test func defaultStepBudgetByHand() {
        #expect(FitDefaults.epochs(trainingExamples: 160, batchSize: 32) == 4000)
        #expect(FitDefaults.patience(trainingExamples: 160, batchSize: 32) == 200)
        #expect(FitDefaults.epochs(trainingExamples: 10, batchSize: 32) == 20_000)
        #expect(FitDefaults.patience(trainingExamples: 10, batchSize: 32) == 1000)
        #expect(FitDefaults.epochs(trainingExamples: 55_000, batchSize: 32) == 12)
        #expect(FitDefaults.patience(trainingExamples: 55_000, batchSize: 32) == 1)
        #expect(FitDefaults.heldOut(examples: 200) == 40 && FitDefaults.heldOut(examples: 60_000) == 5000)
        #expect(FitDefaults.heldOut(examples: 2) == 0)
        #expect(FitDefaults.weightDecay(.mlp, .table, trainingExamples: 160) == 1 / Float(160))
        #expect(FitDefaults.weightDecay(.seedCNN, .images, trainingExamples: 160) == 0)
        #expect(FitDefaults.checkpoint(of: "models/m/") == "models/m.checkpoint")
    }

    /// A plan without epochs holds out 20% (40 of 200 rows), stops after ⌈1000/5⌉ = 200
    /// epochs without improvement, runs at most 4000 and decays by 1/160; with epochs given it
    /// trains on all 200 rows without early stopping (weight decay 1/200); a plan's own split
    /// and patience are kept.
    @Test func defaultScheduleOfATable() throws {
        let plan = FitPlan(family: .normal), data = Self.data(rows: 200)
        let options = try plan.trainingOptions(for: data, kind: .table)
        guard case .fraction(let f) = options.validation else { Issue.record("no validation split"); return }
        #expect(f == 0.2 && options.epochs == 4000 && options.earlyStopping?.patience == 200)
        #expect(options.earlyStopping?.restoreBestWeights == true)
        #expect(options.optimizer.core.weightDecay == 1 / Float(160))

        var fixed = plan
        fixed.epochs = 30
        let given = try fixed.trainingOptions(for: data, kind: .table)
        guard case .none = given.validation else { Issue.record("a validation split with epochs given"); return }
        #expect(given.epochs == 30 && given.earlyStopping == nil && given.optimizer.core.weightDecay == 1 / Float(200))

        var own = plan
        (own.validationSplit, own.patience) = (0.5, 3)
        let kept = try own.trainingOptions(for: data, kind: .table)
        guard case .fraction(let half) = kept.validation else { Issue.record("no validation split"); return }
        #expect(half == 0.5 && kept.earlyStopping?.patience == 3 && kept.epochs == 20_000 / 4)
        #expect(plan.heldOutFraction(examples: 2) == 0 && fixed.heldOutFraction(examples: 200) == 0)
    }

    /// Without epochs, a checkpoint is written once 100 gradient steps have passed since the
    /// previous one and after the last epoch: 80 rows keep 64 for training, 2 steps an epoch, so
    /// every 50th epoch and the last (E epochs: ⌊E/50⌋ saves, one more unless 50 divides E).
    @Test func checkpointsOfAFitWithoutEpochsComeEvery100Steps() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fitplan-cadence-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var saves = 0
        var plan = FitPlan(family: .normal)
        plan.hidden = [4]
        let (_, history) = try plan.fit(Self.data(rows: 80), kind: .table, checkpoint: directory) { _, options in
            options.checkpoint?.landed = { name in if name == "checkpoint.json" { saves += 1 } }
        }
        let epochs = history.epochs.count
        #expect(epochs > 1)
        #expect(saves == epochs / 50 + (epochs % 50 == 0 ? 0 : 1), "\(saves) saves in \(epochs) epochs")
    }

    /// The Bernoulli case of issue 29: x ~ N(0, I₅), y ~ Bernoulli(σ(x·β)), β = (1.5, −1, 0.5,
    /// 0, 0.75), whose Bayes classifier is right about 80% of the time. At the old defaults
    /// (weight decay 0.1, about 500 steps) the network stayed near chance; the defaults by rule
    /// reach at least 0.75 on 2000 fresh test rows.
    @Test func bernoulliTableAtTheDefaultsLearns() throws {
        func draw(_ n: Int, _ seed: UInt64) -> Dataset {
            var random = RandomSource(key: StreamKey(seed: seed, purpose: .sampling))
            let x = Tensor.randomNormal([n, 5], using: &random)
            let beta: [Float] = [1.5, -1, 0.5, 0, 0.75]
            let y = (0..<n).map { i -> Float in
                let eta = (0..<5).reduce(Float(0)) { $0 + beta[$1] * x.scalars[5 * i + $1] }
                return Float(random.uniform()) < 1 / (1 + Foundation.exp(-eta)) ? 1 : 0
            }
            return Dataset(features: x, targets: Tensor(y))
        }
        var plan = FitPlan(family: .bernoulli)
        plan.seed = 1
        let (model, _) = try plan.fit(draw(1000, 11), kind: .table)
        let test = draw(2000, 12)
        let predicted = model.predictive(test.features).classification.meanProbabilities.argmax(alongAxis: 1)
        let accuracy = Metrics.accuracy(predictions: predicted, labels: test.targets.scalars.map { Int($0) })
        #expect(accuracy >= 0.75, "accuracy \(accuracy)")
    }

    /// The linear case of issue 29 (`--hidden ""`): y = 0.5 + x·(1, −0.5, 0.25, 0, 2) + ε,
    /// ε ~ N(0, 1), 500 training rows. The true model's test NLL is the mean of
    /// ½ ln 2π + ε²/2 over the test rows (≈ 1.42); the linear fit at the defaults is within
    /// 0.05 of it (at the old defaults it was over 0.5 away).
    @Test func linearModelAtTheDefaultsReachesTheTruth() throws {
        func draw(_ n: Int, _ seed: UInt64) -> (Dataset, noise: [Float]) {
            var random = RandomSource(key: StreamKey(seed: seed, purpose: .sampling))
            let x = Tensor.randomNormal([n, 5], using: &random), e = Tensor.randomNormal([n], using: &random)
            let beta: [Float] = [1, -0.5, 0.25, 0, 2]
            let y = (0..<n).map { i in 0.5 + (0..<5).reduce(Float(0)) { $0 + beta[$1] * x.scalars[5 * i + $1] } + e.scalars[i] }
            return (Dataset(features: x, targets: Tensor(y)), e.scalars)
        }
        var plan = FitPlan(family: .normal)
        (plan.hidden, plan.seed) = ([], 1)
        let (model, _) = try plan.fit(draw(500, 21).0, kind: .table)
        let (test, noise) = draw(2000, 22)
        let nll = -model.predictive(test.features).logLikelihood(test.targets).reduce(0, +) / 2000
        let truth = noise.reduce(0.0) { $0 + 0.5 * Foundation.log(2 * Double.pi) + 0.5 * Double($1) * Double($1) } / 2000
        #expect(abs(nll - truth) <= 0.05, "NLL \(nll), true model \(truth)")
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
        // 2 folds of 40 rows train on 20: trial 1's weight decay is δ/20, as fit's on them.
        #expect(trials[0].dropout == FitDefaults.tableDropout && trials[0].weightDecay == FitDefaults.tablePriorPrecision / 20)
        #expect(trials[0].patience == Tuner.defaultPatience && trials[0].validationSplit == 0)
        // Targets of both signs: student-t and laplace are the other families.
        #expect(trials[1...2].map(\.family.name) == ["studentt", "laplace"])
        #expect(trials[3...].allSatisfy { TuneSpace.learningRateRange.contains(Double($0.learningRate ?? 0)) })
        #expect(trials[3...].allSatisfy { $0.dropout == trials[0].dropout && $0.hidden == trials[0].hidden })
        #expect(tuner.space.trials(6).map(\.learningRate) == trials.map(\.learningRate), "the draws are seeded")
    }
}

/// A category seen in one row of a table (`Fixtures/counts/rare_category_counts.csv`, from
/// `generate_rare_category_counts.py`: 400 negative-binomial counts, one row of kind `rare`).
/// Standardized by its σ ≈ 1/√n, that row's one-hot input was √n and drove the negbinomial
/// head's logit past the float32 edge of p < 1 (training stopped with "probs is 1.0"; ISLP's
/// Bikeshare, whose `heavy rain/snow` occurs once, failed so). Centred only, it fits.
@Suite struct RareCategoryFitTests {
    @Test func aCategorySeenOnceFitsANegativeBinomialHead() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/counts/rare_category_counts.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        let table = try CSVReader.parse(text, path: url.path, options: CSVOptions(target: "y", categorical: .automatic))
        for seed: UInt64 in [0, 1] {
            var plan = FitPlan(family: .negativeBinomial)
            plan.seed = seed
            let (model, _) = try plan.fit(table.dataset, kind: .table)
            let scaling = try #require(model.featureScaling)
            // x, then kind's one-hot inputs a, b, rare: indicators are centred, not divided.
            #expect(Array(scaling.standardDeviation.dropFirst()) == [1, 1, 1])
            // The true model's mean NLL on these rows is 5.453 (scipy, in the generator's terms).
            let nll = model.evaluate(table.dataset).nll
            #expect(nll.isFinite && abs(nll - 5.453) < 0.25, "seed \(seed): NLL \(nll)")
        }
    }
}
