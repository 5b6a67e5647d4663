import Foundation
import Testing

/// `likely fit → evaluate → predict → sample` on small files, checking the outputs of
/// `docs/cli.md` (JSON keys, CSV columns, model files).
@Suite struct EndToEndTests {
    static func json(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(text)")
    }

    static func expectSuccess(_ r: CLIResult, _ what: String) {
        #expect(r.status == 0 && !r.crashed, "\(what) failed with \(r.status): \(r.stderr)")
    }

    @Test func regressionOnCSV() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV())
        let model = scratch.path("model"), plots = scratch.path("plots")
        let fit = try CLI.run(["fit", data, "--out", model, "--epochs", "3", "--dropout", "0.1",
                               "--validation-split", "0.2", "--plots", plots])
        Self.expectSuccess(fit, "fit")
        for file in ["model.json", "weights.safetensors", "history.csv"] {
            #expect(FileManager.default.fileExists(atPath: "\(model)/\(file)"), "fit did not write \(file)")
        }
        let history = try String(contentsOfFile: "\(model)/history.csv", encoding: .utf8).split(separator: "\n")
        #expect(history.count == 4, "history.csv should hold a header and 3 epochs: \(history)")
        #expect(FileManager.default.fileExists(atPath: "\(plots)/loss.svg"))

        let evaluate = try CLI.run(["evaluate", model, data, "--json", "--mc-samples", "5", "--plots", plots])
        Self.expectSuccess(evaluate, "evaluate")
        let report = try Self.json(evaluate.stdout)
        for key in ["n", "mc_samples", "nll", "rmse", "mae", "crps", "coverage"] {
            #expect(report[key] != nil, "evaluate --json lacks \(key): \(evaluate.stdout)")
        }
        #expect(report["n"] as? Int == 60)
        #expect(report["mc_samples"] as? Int == 5)
        #expect(report["accuracy"] == nil)
        let coverage = try #require(report["coverage"] as? [String: Double])
        #expect(Set(coverage.keys) == ["0.5", "0.8", "0.9", "0.95"])
        #expect(coverage.values.allSatisfy { (0...1).contains($0) })
        for file in ["pit.svg", "coverage.svg", "bands.svg"] {
            #expect(FileManager.default.fileExists(atPath: "\(plots)/\(file)"), "evaluate --plots did not write \(file)")
        }

        let table = try CLI.run(["evaluate", model, data])
        Self.expectSuccess(table, "evaluate (table)")
        #expect(table.stdout.contains("nll") && table.stdout.contains("coverage 0.95"))

        let predict = try CLI.run(["predict", model, data, "--mc-samples", "4", "--seed", "2"])
        Self.expectSuccess(predict, "predict")
        let rows = predict.stdout.split(separator: "\n").map(String.init)
        #expect(rows.first == "mean,sd,aleatoric_sd,epistemic_sd,q05,q95")
        #expect(rows.count == 61)
        for row in rows.dropFirst() {
            let v = row.split(separator: ",").compactMap { Double($0) }
            #expect(v.count == 6, "row \(row)")
            guard v.count == 6 else { continue }
            // sd² = aleatoric² + epistemic², and the 90% interval holds the mean of a Normal mixture's members.
            #expect(abs(v[1] * v[1] - v[2] * v[2] - v[3] * v[3]) <= 1e-3 * max(1, v[1] * v[1]), "row \(row)")
            #expect(v[4] < v[5], "row \(row)")
        }
        let out = scratch.path("predictions.csv")
        let predictFile = try CLI.run(["predict", model, data, "--mc-samples", "4", "--seed", "2", "--out", out])
        Self.expectSuccess(predictFile, "predict --out")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == predict.stdout)

        let sample = try CLI.run(["sample", model, data, "--draws", "5", "--mc-samples", "3", "--seed", "9"])
        Self.expectSuccess(sample, "sample")
        let drawn = sample.stdout.split(separator: "\n").map(String.init)
        #expect(drawn.first == "draw_0,draw_1,draw_2,draw_3,draw_4")
        #expect(drawn.count == 61)
        #expect(drawn.dropFirst().allSatisfy { $0.split(separator: ",").compactMap { Double($0) }.count == 5 })
        let again = try CLI.run(["sample", model, data, "--draws", "5", "--mc-samples", "3", "--seed", "9"])
        #expect(again.stdout == sample.stdout, "the same seed must give the same draws")
        let other = try CLI.run(["sample", model, data, "--draws", "5", "--mc-samples", "3", "--seed", "10"])
        #expect(other.stdout != sample.stdout, "another seed should give other draws")
    }

    @Test func classificationOnCSV() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("kinds.csv", Fixtures.classificationCSV())
        let model = scratch.path("model"), plots = scratch.path("plots")
        Self.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "3", "--quiet"]), "fit")
        let evaluate = try CLI.run(["evaluate", model, data, "--json", "--plots", plots])
        Self.expectSuccess(evaluate, "evaluate")
        let report = try Self.json(evaluate.stdout)
        for key in ["n", "mc_samples", "nll", "accuracy", "brier", "ece", "mce"] {
            #expect(report[key] != nil, "evaluate --json lacks \(key): \(evaluate.stdout)")
        }
        #expect(report["rmse"] == nil && report["roc_auc"] == nil)
        #expect(FileManager.default.fileExists(atPath: "\(plots)/reliability.svg"))

        let predict = try CLI.run(["predict", model, data])
        Self.expectSuccess(predict, "predict")
        let rows = predict.stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(rows.first == ["p_0", "p_1", "p_2", "predicted", "entropy", "mutual_information"])
        #expect(rows.count == 61)
        for row in rows.dropFirst() {
            let p = row.prefix(3).compactMap(Double.init)
            #expect(p.count == 3 && abs(p.reduce(0, +) - 1) < 1e-4, "probabilities \(row)")
            #expect(["cat", "dog", "eel"].contains(row[3]), "predicted class \(row[3])")
            #expect(row.count == 6 && (Double(row[5]) ?? -1) >= -1e-6)
        }
    }

    @Test func bernoulliReportsROCAndPR() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("yesno.csv", Fixtures.classificationCSV(classes: ["no", "yes"]))
        let model = scratch.path("model"), plots = scratch.path("plots")
        Self.expectSuccess(try CLI.run(["fit", data, "--out", model, "--family", "bernoulli", "--epochs", "2", "--quiet"]), "fit")
        let evaluate = try CLI.run(["evaluate", model, data, "--json", "--plots", plots])
        Self.expectSuccess(evaluate, "evaluate")
        let report = try Self.json(evaluate.stdout)
        for key in ["accuracy", "brier", "ece", "mce", "roc_auc", "pr_auc"] {
            #expect(report[key] != nil, "evaluate --json lacks \(key): \(evaluate.stdout)")
        }
        for file in ["roc.svg", "precision_recall.svg", "reliability.svg"] {
            #expect(FileManager.default.fileExists(atPath: "\(plots)/\(file)"), "missing \(file)")
        }
        let predict = try CLI.run(["predict", model, data])
        #expect(predict.stdout.hasPrefix("p_0,p_1,predicted,entropy,mutual_information\n"))
    }

    @Test func imagesFromIDXDirectory() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try Fixtures.writeIDX(in: scratch, directory: "digits")
        let data = scratch.path("digits"), model = scratch.path("model"), plots = scratch.path("plots")
        let fit = try CLI.run(["fit", data, "--out", model, "--epochs", "1", "--batch-size", "8", "--augment", "shift=1",
                               "--quiet", "--plots", plots])
        Self.expectSuccess(fit, "fit")
        #expect(FileManager.default.fileExists(atPath: "\(plots)/filters.svg"), "fit --plots should draw the first conv filters")
        let description = try Self.json(String(contentsOfFile: "\(model)/model.json", encoding: .utf8))
        #expect(description["input_shape"] as? [Int] == [8, 8, 1])
        let evaluate = try CLI.run(["evaluate", model, data, "--json", "--mc-samples", "3"])
        Self.expectSuccess(evaluate, "evaluate")
        let report = try Self.json(evaluate.stdout)
        #expect(report["n"] as? Int == 24)
        #expect(report["accuracy"] != nil && report["ece"] != nil)
        let predict = try CLI.run(["predict", model, data, "--split", "train"])
        Self.expectSuccess(predict, "predict")
        #expect(predict.stdout.hasPrefix("p_0,p_1,p_2,p_3,p_4,p_5,p_6,p_7,p_8,p_9,predicted,entropy,mutual_information\n"))
    }

    @Test func arraysFromNPYDirectory() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var s = Fixtures.Stream(state: 5)
        let x = (0..<80).map { _ in Float(s.next() * 2 - 1) }
        let y = (0..<40).map { 2 * x[2 * $0] - x[2 * $0 + 1] }
        try scratch.write("arrays/x.npy", Fixtures.npy(shape: [40, 2], x))
        try scratch.write("arrays/y.npy", Fixtures.npy(shape: [40], y))
        let model = scratch.path("model")
        Self.expectSuccess(try CLI.run(["fit", scratch.path("arrays"), "--out", model, "--epochs", "2", "--quiet",
                                        "--family", "studentt"]), "fit")
        let evaluate = try CLI.run(["evaluate", model, scratch.path("arrays"), "--json"])
        Self.expectSuccess(evaluate, "evaluate")
        #expect(try Self.json(evaluate.stdout)["crps"] != nil)
    }
}
