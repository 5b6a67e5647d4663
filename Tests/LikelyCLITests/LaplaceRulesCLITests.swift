import Foundation
import Testing

/// `--prior-precision gridsearch` and `--predictive laplace-nn` from the command line.
@Suite struct LaplaceRulesCLITests {
    @Test func gridsearchAndSampledNetworks() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV())
        let model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "3", "--hidden", "8,8", "--dropout", "0.1", "--seed", "2",
                                                 "--quiet", "--validation-split", "0.2", "--laplace", "full", "--prior-precision", "gridsearch"]),
                                    "fit --laplace full --prior-precision gridsearch")
        let entry = try #require(try LaplaceCLITests.json(try String(contentsOfFile: model + "/model.json", encoding: .utf8))["laplace"] as? [String: Any])
        let delta = try #require((entry["prior_precision"] as? [Double])?.first)
        // One of the 25 grid values 10^(−2 + i/4).
        let step = (log10(delta) + 2) * 4
        #expect(entry["prior"] as? String == "gridsearch" && abs(step - step.rounded()) < 1e-6 && (0...24).contains(Int(step.rounded())), "δ \(delta)")

        let sampled = try LaplaceCLITests.json(try CLI.run(["evaluate", model, data, "--json", "--predictive", "laplace-nn"]).stdout)
        #expect(sampled["predictive"] as? String == "laplace-nn" && sampled["draws"] as? Int == 100 && sampled["laplace"] != nil)
        #expect((sampled["nll"] as? Double)?.isFinite == true, "\(sampled)")

        // No validation rows: from likely laplace, or a fit with --epochs and no split.
        let refit = try CLI.run(["laplace", model, data, "--prior-precision", "gridsearch"])
        #expect(refit.status == 2 && refit.stderr.contains("validation"), "\(refit.stderr)")
        let unsplit = try CLI.run(["fit", data, "--out", scratch.path("m2"), "--epochs", "2", "--hidden", "4", "--quiet", "--laplace", "full",
                                   "--prior-precision", "gridsearch"])
        #expect(unsplit.status == 2 && unsplit.stderr.contains("validation"), "\(unsplit.stderr)")
        // The sampled networks need a Cholesky-factored posterior.
        EndToEndTests.expectSuccess(try CLI.run(["laplace", model, data, "--structure", "kfac", "--quiet"]), "laplace --structure kfac")
        let kfac = try CLI.run(["evaluate", model, data, "--predictive", "laplace-nn"])
        #expect(kfac.status == 2 && kfac.stderr.contains("kfac"), "\(kfac.stderr)")
        let benchmark = try CLI.run(["benchmark", data, "--splits", "1", "--predictive", "laplace-nn"])
        #expect(benchmark.status == 2 && benchmark.stderr.contains("--laplace"), "\(benchmark.stderr)")
    }
}
