import Foundation
import Testing

/// `likely demo --quick` end to end, on a small generated MNIST-layout directory in place of
/// Fashion-MNIST: summary.json carries every column of the comparison, each a finite number
/// where it is defined and null with a note where it is not.
@Suite struct DemoTests {
    /// The value at `path` of a JSON object.
    static func value(_ object: Any?, _ path: [String]) -> Any? {
        path.reduce(object) { ($0 as? [String: Any])?[$1] }
    }

    static func finite(_ object: Any?, _ path: [String]) -> Double? {
        guard let x = value(object, path) as? Double, x.isFinite else { return nil }
        return x
    }

    @Test func quickSummaryHasEveryColumn() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // 3100 images per split: the quick plan's 3000 training images plus validation, and
        // the 1000 calibration and 1000 test images.
        try Fixtures.writeIDX(in: scratch, directory: "images", count: 3100)
        let out = scratch.path("demo")
        let run = try CLI.run(["demo", "--quick", "--fashion-mnist", scratch.path("images"), "--out", out, "--seed", "3"])
        #expect(run.status == 0, "demo failed: \(run.stderr)")
        let text = try String(contentsOfFile: out + "/summary.json", encoding: .utf8)
        let summary = try JSONSerialization.jsonObject(with: Data(text.utf8))
        // Every score is on test data and named so; nothing is called validation.
        #expect(!text.contains("val_") && !text.contains("validation_nll"))

        // Regression with a gap.
        let regression = try #require(Self.value(summary, ["regression"]) as? [String: Any])
        #expect(regression["order"] as? [String] == ["deterministic", "mc_dropout", "ensemble", "laplace"])
        let gap = try #require(regression["gap"] as? [Double])
        #expect(gap.count == 2 && gap[0] < gap[1])
        let nTest = try #require(regression["n_test"] as? Int)
        for key in ["test_oracle_nll", "test_in_gap_oracle_nll", "test_outside_gap_oracle_nll"] {
            #expect(Self.finite(regression, [key]) != nil, "regression \(key)")
        }
        let expected: [(String, Int, Int)] = [("deterministic", 0, 1), ("mc_dropout", 20, 1), ("ensemble", 0, 5), ("laplace", 0, 1)]
        for (key, mc, members) in expected {
            let method = try #require(Self.value(regression, ["methods", key]) as? [String: Any], "no regression method \(key)")
            #expect(method["mc_samples"] as? Int == mc && method["members"] as? Int == members, "\(key): \(method)")
            for path in [["test", "nll"], ["test", "rmse"], ["test", "crps"], ["test", "aurc"], ["test", "coverage", "0.9"], ["fit_seconds"]] {
                #expect(Self.finite(method, path) != nil, "regression \(key) \(path)")
            }
            for region in ["test_in_gap", "test_outside_gap"] {
                for field in ["nll", "coverage", "mean_width", "mean_epistemic_sd"] {
                    #expect(Self.finite(method, [region, field]) != nil, "regression \(key) \(region) \(field)")
                }
                #expect(Self.finite(method, [region, "level"]) == 0.9)
            }
            // The gap holds a share (gap length)/8 of the uniform test points; 5 sd of the binomial.
            let inGap = try #require(Self.value(method, ["test_in_gap", "n"]) as? Int)
            let outside = try #require(Self.value(method, ["test_outside_gap", "n"]) as? Int)
            #expect(inGap + outside == nTest)
            let p = (gap[1] - gap[0]) / 8, n = Double(nTest)
            #expect(abs(Double(inGap) - n * p) < 5 * (n * p * (1 - p)).squareRoot(), "\(inGap) of \(nTest) test points in the gap")
            let spread = try #require(Self.finite(method, ["test_in_gap", "mean_epistemic_sd"]))
            #expect(key == "deterministic" ? spread == 0 : spread > 0, "\(key): epistemic sd \(spread) in the gap")
        }

        // Two clusters: the Laplace predictive is least sure halfway between them.
        let between = try #require(Self.value(summary, ["in_between"]) as? [String: Any])
        let laplaceSD = try #require(Self.value(between, ["epistemic_sd", "laplace"]) as? [Double])
        #expect(laplaceSD.count == 5 && laplaceSD[2] > laplaceSD[0] && laplaceSD[2] > laplaceSD[4], "\(laplaceSD)")
        #expect((Self.value(between, ["epistemic_sd", "deterministic"]) as? [Double])?.allSatisfy { $0 == 0 } == true)

        // Fashion-MNIST stand-in.
        let images = try #require(Self.value(summary, ["fashion_mnist"]) as? [String: Any])
        #expect(images["n_calibration"] as? Int == 1000 && images["n_test"] as? Int == 1000 && images["n_foreign"] as? Int == 1000)
        let notes = try #require(Self.value(summary, ["notes"]) as? [String: String])
        for (key, mc, members) in [("deterministic", 0, 1), ("mc_dropout", 10, 1), ("ensemble", 0, 3)] {
            let method = try #require(Self.value(images, ["methods", key]) as? [String: Any], "no image method \(key)")
            #expect(method["mc_samples"] as? Int == mc && method["members"] as? Int == members, "\(key): \(method)")
            for path in [["accuracy"], ["nll"], ["ece"], ["aurc"], ["conformal", "coverage"], ["conformal", "mean_set_size"],
                         ["ood", "scores", "entropy", "auroc"], ["ood", "scores", "max_probability", "auroc"]] {
                #expect(Self.finite(method, ["test"] + path) != nil, "Fashion-MNIST \(key) \(path)")
            }
            #expect(Self.value(method, ["test", "conformal", "method"]) as? String == "lac")
            #expect(Self.value(method, ["test", "conformal", "n_calibration"]) as? Int == 1000)
            #expect(Self.finite(method, ["test", "conformal", "level"]) == 0.9)
            for kind in ["inverted", "noise"] {
                #expect(Self.value(method, ["test_ood_by_kind", kind, "n_out"]) as? Int == 500, "\(key) \(kind) images")
                #expect(Self.finite(method, ["test_ood_by_kind", kind, "scores", "entropy", "auroc"]) != nil, "\(key) \(kind) entropy")
            }
            for report in [["test", "ood"], ["test_ood_by_kind", "inverted"], ["test_ood_by_kind", "noise"]] {
                let path = report + ["scores", "mutual_information", "auroc"]
                let pointer = "/fashion_mnist/methods/\(key)/" + path.joined(separator: "/")
                if key == "deterministic" {
                    #expect(Self.value(method, path) is NSNull, "the deterministic network's \(path) should be null")
                    #expect(notes[pointer]?.contains("deterministic") == true, "no note for \(pointer): \(notes)")
                } else {
                    #expect(Self.finite(method, path) != nil, "\(key) \(path)")
                    #expect(notes[pointer] == nil)
                }
            }
        }

        for file in ["summary.md", "regression-bands-deterministic.svg", "regression-bands-mc-dropout.svg", "regression-bands-ensemble.svg",
                     "fashion-ood-mutual_information.svg", "fashion-risk-coverage.svg", "regression-model/model.json", "fashion-model/model.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "no \(file)")
        }
        // The ensembles are saved as models of M members, the single networks as one.
        for (directory, members) in [("regression-ensemble", 5), ("fashion-ensemble", 3), ("regression-model", 1), ("fashion-model", 1)] {
            let data = try Data(contentsOf: URL(fileURLWithPath: out + "/" + directory + "/model.json"))
            let model = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect((model?["members"] as? Int ?? 1) == members, "\(directory) has \(String(describing: model?["members"])) members")
        }
        let markdown = try String(contentsOfFile: out + "/summary.md", encoding: .utf8)
        #expect(markdown.contains("| gap coverage 90% |") && markdown.contains("| OOD AUROC MI | - |"))
        #expect(run.stdout.contains("ensemble (M=5)") && run.stdout.contains("LAC 90% set size"))
    }
}
