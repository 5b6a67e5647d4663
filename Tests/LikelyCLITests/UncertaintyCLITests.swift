import Foundation
import Testing

/// `evaluate` with AURC and `--ood`, `conformalize` and `--level`, `fit --ensemble`: the keys
/// and files of docs/cli.md.
@Suite struct UncertaintyCLITests {
    @Test func aurcAndOODForClassification() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.classificationCSV())
        // Feature values far outside the training range, with labels the loader accepts.
        let other = try scratch.write("other.csv", "a,b,kind\n" + (0..<20).map { "\(5 + $0),\(-4 - $0),cat" }.joined(separator: "\n") + "\n")
        let model = scratch.path("model"), plots = scratch.path("plots")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "3", "--dropout", "0.2", "--quiet"]), "fit")
        let evaluate = try CLI.run(["evaluate", model, data, "--ood", other, "--mc-samples", "5", "--json", "--plots", plots])
        EndToEndTests.expectSuccess(evaluate, "evaluate --ood")
        let report = try EndToEndTests.json(evaluate.stdout)
        let aurc = try #require(report["aurc"] as? Double)
        #expect((0...1).contains(aurc))
        let ood = try #require(report["ood"] as? [String: Any])
        #expect(ood["n_in"] as? Int == 60 && ood["n_out"] as? Int == 20)
        let scores = try #require(ood["scores"] as? [String: [String: Double]])
        #expect(Set(scores.keys) == ["entropy", "mutual_information", "max_probability"])
        for (name, s) in scores {
            #expect(Set(s.keys) == ["auroc", "aupr", "fpr95"], "\(name): \(s)")
            #expect(s.values.allSatisfy { (0...1).contains($0) }, "\(name): \(s)")
        }
        for file in ["risk-coverage.svg", "ood-entropy.svg", "ood-mutual_information.svg", "ood-max_probability.svg"] {
            #expect(FileManager.default.fileExists(atPath: "\(plots)/\(file)"), "evaluate --plots did not write \(file)")
        }
    }

    @Test func oodForRegression() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV())
        let other = try scratch.write("other.csv", "x\n" + (0..<10).map { "\(10 + $0)" }.joined(separator: "\n") + "\n")
        let model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "3", "--dropout", "0.1", "--quiet"]), "fit")
        let evaluate = try CLI.run(["evaluate", model, data, "--ood", other, "--mc-samples", "4", "--json"])
        EndToEndTests.expectSuccess(evaluate, "evaluate --ood")
        let report = try EndToEndTests.json(evaluate.stdout)
        #expect(report["aurc"] is Double)
        let scores = try #require((report["ood"] as? [String: Any])?["scores"] as? [String: Any])
        #expect(Set(scores.keys) == ["sd", "epistemic_sd"])
        let missing = try CLI.run(["evaluate", model, data, "--ood", scratch.path("nope.csv")])
        #expect(missing.status == 2 && missing.stderr.contains("nope.csv"))
    }
}
