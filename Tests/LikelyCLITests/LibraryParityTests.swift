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

    /// A `FitPlan` left at its defaults takes `likely fit`'s data-dependent ones (for a table:
    /// dropout 0.1, weight decay δ/N, early stopping on a 20% split) and gives its weights.
    @Test func fitPlanDefaultsEqualLikelyFit() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 80))
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", scratch.path("cli"), "--seed", "3", "--quiet"]), "fit")

        var plan = FitPlan(family: .normal)
        plan.seed = 3
        let table = try CSVReader.read(data, options: CSVOptions(target: "y"))
        let (model, history) = try plan.fit(table.dataset, kind: .table)
        #expect(history.epochs.count <= FitDefaults.epochs(trainingExamples: 64, batchSize: 32))
        #expect(history.epochs.allSatisfy { $0.validationNLL != nil }, "the automatic validation split")
        let fromCLI = try ModelDirectory.load(scratch.path("cli"))
        #expect(fromCLI.layerSpecs == model.layerSpecs)
        for (a, b) in zip(fromCLI.namedTensors, model.namedTensors) {
            #expect(a.tensor.scalars == b.tensor.scalars, "\(a.name) differs between likely fit and FitPlan")
        }
    }

    /// `likely fit` prints which model the GLM candidate left (the one `FitPlan` keeps for the
    /// same data and seed), and `--no-glm-candidate` gives the weights of a plan with
    /// `glmCandidate = false`: the network, never weighed.
    @Test func glmCandidateAndItsSwitchEqualFitPlan() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 80))
        let weighed = try CLI.run(["fit", data, "--out", scratch.path("on"), "--seed", "3"])
        EndToEndTests.expectSuccess(weighed, "fit")
        let off = try CLI.run(["fit", data, "--out", scratch.path("off"), "--seed", "3", "--no-glm-candidate"])
        EndToEndTests.expectSuccess(off, "fit --no-glm-candidate")
        #expect(!off.stdout.contains("GLM"))

        let table = try CSVReader.read(data, options: CSVOptions(target: "y"))
        var plan = FitPlan(family: .normal)
        plan.seed = 3
        let (_, history) = try plan.fit(table.dataset, kind: .table)
        let kept = try #require(history.glmCandidate).kept
        #expect(weighed.stdout.contains(kept ? "the GLM kept" : "the network kept over the GLM"), "\(weighed.stdout)")
        plan.glmCandidate = false
        let (network, alone) = try plan.fit(table.dataset, kind: .table)
        #expect(alone.glmCandidate == nil)
        let fromCLI = try ModelDirectory.load(scratch.path("off"))
        #expect(fromCLI.layerSpecs == network.layerSpecs && fromCLI.layerSpecs.count > 1)
        for (a, b) in zip(fromCLI.namedTensors, network.namedTensors) {
            #expect(a.tensor.scalars == b.tensor.scalars, "\(a.name) differs between likely fit --no-glm-candidate and FitPlan")
        }
    }

    /// A `Tuner` run from Swift scores the trials of `likely tune` with the same options and
    /// seed exactly as tuning.csv records them, and refits the same model.
    @Test func tunerEqualsLikelyTune() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 60))
        let out = scratch.path("tuned")
        EndToEndTests.expectSuccess(try CLI.run(["tune", data, "--out", out, "--trials", "3", "--epochs", "4", "--seed", "2",
                                                 "--search", "dropout,lr", "--quiet"]), "tune")
        let lines = try String(contentsOfFile: out + "/tuning.csv", encoding: .utf8).split(separator: "\n")
        // val_nll counted from the end of a row (the hidden cell "50,50" holds a comma).
        let header = lines[0].split(separator: ",")
        let fromEnd = header.count - (try #require(header.firstIndex(of: "val_nll")))
        let recorded = lines.dropFirst().map { row in
            let cells = row.split(separator: ",", omittingEmptySubsequences: false)
            return cells[cells.count - fromEnd]
        }

        var plan = FitPlan(family: .normal)
        (plan.epochs, plan.seed) = (4, 2)
        let table = try CSVReader.read(data, options: CSVOptions(target: "y"))
        let tuner = try Tuner(plan: plan, data: table.dataset, kind: .table, dimensions: [.dropout, .lr],
                              validation: TuneValidation(folds: TuneValidation.defaultFolds(examples: 60)))
        let trials = tuner.space.trials(3)
        let scores = try tuner.search(trials)
        #expect(scores.map { "\($0.nll)" } == recorded.map(String.init))
        let best = try #require(TrialScore.choose(scores)).trial
        let refit = try tuner.refitPlan(trials, scores: scores, best: best, examples: 60).fit(table.dataset, kind: .table).model
        for (a, b) in zip(try ModelDirectory.load(out).namedTensors, refit.namedTensors) {
            #expect(a.tensor.scalars == b.tensor.scalars, "\(a.name) differs between likely tune and Tuner")
        }
    }
}
