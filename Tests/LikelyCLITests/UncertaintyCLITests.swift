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

/// `likely conformalize`, `fit --conformal-split` and `--level` on predict and evaluate.
@Suite struct ConformalCLITests {
    @Test func regressionRegions() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV())
        let calibration = try scratch.write("calibration.csv", Fixtures.regressionCSV(rows: 120))
        let model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "3", "--quiet"]), "fit")
        let early = try CLI.run(["predict", model, data, "--level", "0.9"])
        #expect(early.status == 2 && early.stderr.contains("conformalize"), "--level before conformalize: \(early.stderr)")
        EndToEndTests.expectSuccess(try CLI.run(["conformalize", model, calibration]), "conformalize")
        let json = try String(contentsOfFile: "\(model)/model.json", encoding: .utf8)
        #expect(json.contains("\"conformal\"") && json.contains("\"dcp\""))
        let predict = try CLI.run(["predict", model, data, "--level", "0.9"])
        EndToEndTests.expectSuccess(predict, "predict --level")
        let rows = predict.stdout.split(separator: "\n").map(String.init)
        #expect(rows.first == "mean,sd,aleatoric_sd,epistemic_sd,q05,q95,lower,upper")
        for row in rows.dropFirst() {
            let v = row.split(separator: ",").compactMap { Double($0) }
            #expect(v.count == 8 && v[6] < v[0] && v[0] < v[7], "row \(row)")
        }
        let evaluate = try CLI.run(["evaluate", model, data, "--level", "0.9", "--json"])
        EndToEndTests.expectSuccess(evaluate, "evaluate --level")
        let conformal = try #require(try EndToEndTests.json(evaluate.stdout)["conformal"] as? [String: Any])
        #expect(Set(conformal.keys) == ["level", "method", "n_calibration", "coverage", "mean_width"])
        #expect(conformal["n_calibration"] as? Int == 120 && conformal["method"] as? String == "dcp")
        #expect((conformal["coverage"] as? Double).map { (0...1).contains($0) } == true)
        let mismatch = try CLI.run(["evaluate", model, data, "--level", "0.9", "--mc-samples", "3"])
        #expect(mismatch.status == 2 && mismatch.stderr.contains("--mc-samples 0") && mismatch.stderr.contains("network predictive")
                && mismatch.stderr.contains("dropout predictive"), "\(mismatch.stderr)")
        for bad in ["0", "1", "1.5", "nan"] {
            let r = try CLI.run(["predict", model, data, "--level", bad])
            #expect(r.status == 2 && r.stderr.contains("--level"), "--level \(bad): \(r.stderr)")
        }
        let wrong = try CLI.run(["conformalize", model, calibration, "--method", "lac"])
        #expect(wrong.status == 2 && wrong.stderr.contains("dcp or cqr"), "\(wrong.stderr)")
        let noLevel = try CLI.run(["conformalize", model, calibration, "--method", "cqr"])
        #expect(noLevel.status == 2 && noLevel.stderr.contains("--level"), "cqr without --level: \(noLevel.stderr)")
        let levelForDCP = try CLI.run(["conformalize", model, calibration, "--level", "0.9"])
        #expect(levelForDCP.status == 2 && levelForDCP.stderr.contains("--level"), "dcp with --level: \(levelForDCP.stderr)")
        // cqr: the scores are made for L = 0.9; another level is bad usage naming both.
        EndToEndTests.expectSuccess(try CLI.run(["conformalize", model, calibration, "--method", "cqr", "--level", "0.9"]), "conformalize cqr")
        let cqr = try CLI.run(["evaluate", model, calibration, "--level", "0.9", "--json"])
        EndToEndTests.expectSuccess(cqr, "evaluate cqr")
        let cqrReport = try #require(try EndToEndTests.json(cqr.stdout)["conformal"] as? [String: Any])
        #expect(cqrReport["method"] as? String == "cqr")
        // Scored on its own calibration set, the region holds at least ⌈121·0.9⌉/120 = 109/120.
        #expect((cqrReport["coverage"] as? Double).map { $0 >= 109.0 / 120 - 1e-12 } == true, "\(cqrReport)")
        let otherLevel = try CLI.run(["predict", model, data, "--level", "0.8"])
        #expect(otherLevel.status == 2 && otherLevel.stderr.contains("0.9") && otherLevel.stderr.contains("0.8"), "\(otherLevel.stderr)")
        EndToEndTests.expectSuccess(try CLI.run(["predict", model, data, "--level", "0.9"]), "predict cqr at its level")
    }

    /// A version-1 model file whose scores are named `cqr` (no level) loads as `dcp`.
    @Test func versionOneCQRLoadsAsDCP() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV())
        let model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "2", "--quiet", "--conformal-split", "0.3"]), "fit")
        let file = "\(model)/model.json"
        let json = try String(contentsOfFile: file, encoding: .utf8)
        let old = json.replacingOccurrences(of: "\"method\" : \"dcp\"", with: "\"method\" : \"cqr\"")
            .replacingOccurrences(of: "\"predictive\" : \"network\",", with: "")
        #expect(old != json && !old.contains("dcp"))
        try old.write(toFile: file, atomically: true, encoding: .utf8)
        let evaluate = try CLI.run(["evaluate", model, data, "--level", "0.8", "--json"])
        EndToEndTests.expectSuccess(evaluate, "evaluate a version-1 cqr model")
        let conformal = try #require(try EndToEndTests.json(evaluate.stdout)["conformal"] as? [String: Any])
        #expect(conformal["method"] as? String == "dcp")
    }

    @Test func classificationSets() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.classificationCSV(rows: 120))
        let model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "3", "--quiet", "--conformal-split", "0.25"]),
                                    "fit --conformal-split")
        let predict = try CLI.run(["predict", model, data, "--level", "0.8"])
        EndToEndTests.expectSuccess(predict, "predict --level")
        let rows = predict.stdout.split(separator: "\n").map(String.init)
        #expect(rows.first == "p_0,p_1,p_2,predicted,entropy,mutual_information,set,set_size")
        for row in rows.dropFirst() {
            let cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let members = cells[6].isEmpty ? [] : cells[6].split(separator: "|").map(String.init)
            #expect(members.allSatisfy { ["cat", "dog", "eel"].contains($0) } && Int(cells[7]) == members.count, "row \(row)")
        }
        for method in ["aps", "raps"] {
            let level = method == "raps" ? ["--level", "0.8"] : []
            EndToEndTests.expectSuccess(try CLI.run(["conformalize", model, data, "--method", method] + level), "conformalize --method \(method)")
            let evaluate = try CLI.run(["evaluate", model, data, "--level", "0.8", "--json"])
            let conformal = try #require(try EndToEndTests.json(evaluate.stdout)["conformal"] as? [String: Any])
            #expect(Set(conformal.keys) == ["level", "method", "n_calibration", "coverage", "mean_set_size"])
            // RAPS keeps the 84 rows outside its tuning part (⌊0.3·120⌋ = 36 tune k_reg and λ).
            #expect(conformal["method"] as? String == method && conformal["n_calibration"] as? Int == (method == "raps" ? 84 : 120))
        }
        let json = try String(contentsOfFile: "\(model)/model.json", encoding: .utf8)
        #expect(json.contains("\"raps_free_ranks\"") && json.contains("\"raps_penalty\"") && json.contains("\"level\" : 0.8"))
        let otherLevel = try CLI.run(["evaluate", model, data, "--level", "0.9"])
        #expect(otherLevel.status == 2 && otherLevel.stderr.contains("0.8"), "\(otherLevel.stderr)")
    }
}
