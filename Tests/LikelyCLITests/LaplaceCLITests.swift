import Foundation
import Testing

/// `likely laplace`, `fit --laplace` and `--predictive`: the contract's keys, files and exit codes.
@Suite struct LaplaceCLITests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func fitLaplaceThroughEveryCommand() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV())
        let model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "3", "--hidden", "8,8", "--dropout", "0.1",
                                                 "--seed", "2", "--quiet", "--laplace", "full"]), "fit --laplace full")
        let description = try Self.json(try String(contentsOfFile: model + "/model.json", encoding: .utf8))
        #expect(description["format_version"] as? Int == 2)
        let entry = try #require(description["laplace"] as? [String: Any])
        #expect(entry["structure"] as? String == "full" && (entry["prior_precision"] as? [Double])?.count == 1)
        #expect(FileManager.default.fileExists(atPath: model + "/laplace.safetensors"))

        let evaluate = try CLI.run(["evaluate", model, data, "--json"])
        EndToEndTests.expectSuccess(evaluate, "evaluate")
        let report = try Self.json(evaluate.stdout)
        #expect(report["predictive"] as? String == "laplace" && report["draws"] as? Int == 100 && report["mc_samples"] as? Int == 0)
        #expect((report["laplace"] as? [String: Any])?["log_marginal_likelihood"] != nil)
        let network = try Self.json(try CLI.run(["evaluate", model, data, "--json", "--predictive", "network"]).stdout)
        #expect(network["predictive"] as? String == "network" && network["laplace"] == nil)
        EndToEndTests.expectSuccess(try CLI.run(["predict", model, data, "--mc-samples", "20", "--out", scratch.path("p.csv")]), "predict")
        EndToEndTests.expectSuccess(try CLI.run(["conformalize", model, data]), "conformalize")
        #expect(try CLI.run(["evaluate", model, data, "--level", "0.9", "--predictive", "network"]).status == 2)
        EndToEndTests.expectSuccess(try CLI.run(["evaluate", model, data, "--level", "0.9", "--json"]), "evaluate --level")
        let page = scratch.path("r.html")
        EndToEndTests.expectSuccess(try CLI.run(["evaluate", model, data, "--report", page]), "evaluate --report")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("predictive laplace") && html.contains("prior precision") && html.contains("log evidence"))

        let refit = try CLI.run(["laplace", model, data, "--structure", "last-layer", "--prior-precision", "3", "--json"])
        EndToEndTests.expectSuccess(refit, "laplace --json")
        let stored = try Self.json(refit.stdout)
        #expect(stored["structure"] as? String == "last-layer" && stored["prior_precision"] as? [Double] == [3] && stored["prior"] as? String == "fixed")
    }

    /// kfac and diagonal cover every weight of an MLP beyond full's limit (10,602 here); the
    /// stored factors load back through evaluate, and --prior-precision auto-per-layer gives
    /// one δ per layer.
    @Test(arguments: ["kfac", "ekfac", "diagonal"])
    func blockStructuresCoverLargeNetworks(structure: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV())
        let model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "2", "--hidden", "100,100", "--seed", "2",
                                                 "--quiet", "--laplace", structure, "--prior-precision", "auto-per-layer"]), "fit --laplace \(structure)")
        let entry = try Self.json(try CLI.run(["laplace", model, data, "--structure", structure, "--prior-precision", "auto-per-layer", "--json"]).stdout)
        #expect(entry["structure"] as? String == structure && (entry["prior_precision"] as? [[Double]])?.first?.count == 3)
        let network = try Self.json(try CLI.run(["evaluate", model, data, "--json", "--predictive", "network"]).stdout)
        let laplace = try Self.json(try CLI.run(["evaluate", model, data, "--json", "--mc-samples", "20"]).stdout)
        #expect(laplace["predictive"] as? String == "laplace" && laplace["draws"] as? Int == 20)
        #expect((laplace["nll"] as? Double)?.isFinite == true && (network["nll"] as? Double)?.isFinite == true, "\(laplace)")
    }

    /// `fit --ensemble 2 --laplace kfac`: one posterior per member in model.json's arrays and
    /// laplace.safetensors; the predictive mixes both members' Laplace draws; a factor file
    /// without member 1's tensors is refused naming the file.
    @Test func ensembleHasOnePosteriorPerMember() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV())
        let model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "2", "--hidden", "8", "--seed", "3", "--quiet",
                                                 "--ensemble", "2", "--laplace", "kfac"]), "fit --ensemble 2 --laplace kfac")
        let entry = try #require(try Self.json(try String(contentsOfFile: model + "/model.json", encoding: .utf8))["laplace"] as? [String: Any])
        #expect((entry["prior_precision"] as? [Any])?.count == 2 && (entry["log_marginal_likelihood"] as? [Double])?.count == 2)
        let report = try Self.json(try CLI.run(["evaluate", model, data, "--mc-samples", "5", "--json"]).stdout)
        #expect(report["predictive"] as? String == "laplace" && report["members"] as? Int == 2 && report["draws"] as? Int == 5)
        // The file rewritten without member 1's blocks.
        let script = """
        import sys, json
        from safetensors.numpy import load_file, save_file
        t = load_file(sys.argv[1] + "/laplace.safetensors")
        save_file({k: v for k, v in t.items() if not k.startswith("member_1.")}, sys.argv[1] + "/laplace.safetensors", metadata={"format": "likely"})
        """
        let strip = Process()
        strip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        strip.arguments = ["python3", "-c", script, model]
        try strip.run()
        strip.waitUntilExit()
        let run = try CLI.run(["evaluate", model, data])
        #expect(run.status == 2 && run.stderr.contains("laplace.safetensors"), "\(run.stderr)")
    }

    @Test func badUsageIsExitTwo() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV())
        let model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "1", "--seed", "2", "--quiet"]), "fit")
        let cases: [([String], String)] = [
            (["evaluate", model, data, "--predictive", "laplace"], "likely laplace"),
            (["evaluate", model, data, "--predictive", "dropout"], "--mc-samples"),
            (["evaluate", model, data, "--predictive", "network", "--mc-samples", "3"], "deterministic"),
            (["evaluate", model, data, "--predictive", "swag"], "unknown method"),
            (["laplace", model, data, "--structure", "blocks"], "--structure"),
            (["laplace", model, data, "--prior-precision", "-1"], "prior-precision"),
            (["fit", data, "--out", scratch.path("big"), "--hidden", "100,100", "--laplace", "full", "--epochs", "1"], "at most 10000"),
            (["fit", data, "--out", scratch.path("x"), "--prior-precision", "2"], "--laplace"),
        ]
        for (arguments, message) in cases {
            let run = try CLI.run(arguments)
            #expect(run.status == 2, "\(arguments): exit \(run.status)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
        // A changed factor file is refused naming it.
        EndToEndTests.expectSuccess(try CLI.run(["laplace", model, data, "--quiet"]), "laplace")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: model + "/laplace.safetensors"))
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: model + "/laplace.safetensors"))
        let run = try CLI.run(["evaluate", model, data])
        #expect(run.status == 2 && run.stderr.contains("laplace.safetensors"), "\(run.stderr)")
    }
}
