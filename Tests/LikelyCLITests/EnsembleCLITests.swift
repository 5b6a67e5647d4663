import Foundation
import Testing

/// `likely fit --ensemble M` and every command reading the ensemble it saves.
@Suite struct EnsembleCLITests {
    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// `--ensemble 1` saves the same model files as a fit without the option.
    @Test func oneMemberIsTheSingleFit() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV())
        let common = ["--epochs", "2", "--dropout", "0.2", "--seed", "5", "--quiet"]
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", scratch.path("a")] + common), "fit")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", scratch.path("b"), "--ensemble", "1"] + common), "fit --ensemble 1")
        for file in ["model.json", "weights.safetensors"] {
            #expect(try Self.bytes(scratch.path("a/" + file)) == Self.bytes(scratch.path("b/" + file)), "\(file) differs")
        }
    }

    /// A 3-member classification ensemble: model.json and history.csv name the members, and
    /// predict, evaluate (JSON `"members": 3`), sample, conformalize and the report read it.
    @Test func threeMembersThroughEveryCommand() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.classificationCSV(rows: 90))
        let model = scratch.path("model")
        let fit = try CLI.run(["fit", data, "--out", model, "--ensemble", "3", "--epochs", "2", "--dropout", "0.2",
                               "--validation-split", "0.2", "--seed", "3"])
        EndToEndTests.expectSuccess(fit, "fit --ensemble 3")
        #expect(fit.stderr.contains("member 2  epoch 2/2"), "\(fit.stderr)")
        #expect(fit.stdout.contains("3 members"), "\(fit.stdout)")
        let description = try #require(try JSONSerialization.jsonObject(with: Self.bytes(model + "/model.json")) as? [String: Any])
        #expect(description["members"] as? Int == 3)
        let history = try String(contentsOfFile: model + "/history.csv", encoding: .utf8).split(separator: "\n")
        #expect(history.first?.hasPrefix("member,epoch,loss") == true)
        #expect(history.count == 1 + 3 * 2)

        let evaluate = try CLI.run(["evaluate", model, data, "--json"])
        EndToEndTests.expectSuccess(evaluate, "evaluate")
        let report = try EndToEndTests.json(evaluate.stdout)
        #expect(report["members"] as? Int == 3)
        #expect(report["mc_samples"] as? Int == 0)
        let mc = try EndToEndTests.json(try CLI.run(["evaluate", model, data, "--json", "--mc-samples", "4"]).stdout)
        #expect(mc["members"] as? Int == 3 && mc["mc_samples"] as? Int == 4)

        let predict = try CLI.run(["predict", model, data, "--mc-samples", "3", "--out", scratch.path("p.csv")])
        EndToEndTests.expectSuccess(predict, "predict")
        let rows = try String(contentsOfFile: scratch.path("p.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 91)
        EndToEndTests.expectSuccess(try CLI.run(["sample", model, data, "--draws", "2", "--out", scratch.path("s.csv")]), "sample")
        EndToEndTests.expectSuccess(try CLI.run(["conformalize", model, data]), "conformalize")
        let level = try EndToEndTests.json(try CLI.run(["evaluate", model, data, "--json", "--level", "0.9"]).stdout)
        #expect(level["conformal"] is [String: Any])
        #expect(try ModelJSON.members(model) == 3, "conformalize rewrote model.json without its members")

        let page = scratch.path("report.html")
        EndToEndTests.expectSuccess(try CLI.run(["evaluate", model, data, "--report", page]), "evaluate --report")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("3 ensemble members"))
    }

    /// `--calibrate` fits one temperature for the ensemble's mixture: member 0 is the network
    /// of the one-member fit (the same seed), yet the ensemble's T is not that network's T.
    @Test func calibrateFitsTheMixture() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.classificationCSV(rows: 120))
        let common = ["--epochs", "3", "--validation-split", "0.25", "--calibrate", "--seed", "2", "--quiet"]
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", scratch.path("one")] + common), "fit --calibrate")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", scratch.path("three"), "--ensemble", "3"] + common),
                                    "fit --ensemble 3 --calibrate")
        func temperature(_ model: String) throws -> Double? {
            let object = try JSONSerialization.jsonObject(with: Self.bytes(scratch.path(model + "/model.json"))) as? [String: Any]
            return (object?["head"] as? [String: Any])?["temperature"] as? Double
        }
        let single = try #require(try temperature("one")), ensemble = try #require(try temperature("three"))
        #expect(single > 0 && ensemble > 0 && single.isFinite && ensemble.isFinite)
        #expect(abs(single - ensemble) > 1e-4, "the ensemble's T \(ensemble) is member 0's \(single)")
    }

    /// `likely summary --ensemble M` adds the members and M times the parameters.
    @Test func summaryCountsTheMembers() throws {
        let one = try EndToEndTests.json(try CLI.run(["summary", "mlp", "--features", "3", "--json"]).stdout)
        let five = try EndToEndTests.json(try CLI.run(["summary", "mlp", "--features", "3", "--ensemble", "5", "--json"]).stdout)
        // mlp 3 → 50 → 50 → 1: (3·50 + 50) + (50·50 + 50) + (50 + 1) = 2801 parameters
        #expect(one["total_params"] as? Int == 2801 && one["members"] as? Int == 1)
        #expect(five["members"] as? Int == 5 && five["ensemble_params"] as? Int == 5 * 2801)
        let text = try CLI.run(["summary", "mlp", "--features", "3", "--ensemble", "5"])
        #expect(text.stdout.contains("Members: 5 (ensemble params: 14005)"), "\(text.stdout)")
        #expect(try CLI.run(["summary", "mlp", "--ensemble", "0"]).status == 2)
    }

    /// `--ensemble` out of range is a usage error naming the option.
    @Test(arguments: ["0", "-2", "1001", "many"])
    func badEnsembleIsRefused(value: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV())
        let run = try CLI.run(["fit", data, "--out", scratch.path("m"), "--ensemble", value, "--epochs", "1", "--quiet"])
        #expect(run.status == 2 && run.stderr.contains("--ensemble"), "\(run.status) \(run.stderr)")
    }

    /// An ensemble fit killed after its first member resumes from the members' checkpoints
    /// to the same weights as an uninterrupted fit.
    @Test func resumeContinuesEveryMember() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV())
        let common = ["--ensemble", "2", "--dropout", "0.2", "--seed", "8", "--quiet"]
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", scratch.path("whole"), "--epochs", "3"] + common), "fit")
        let part = scratch.path("part")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", part, "--epochs", "1"] + common), "fit 1 epoch")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", part, "--epochs", "3", "--resume"] + common), "resume")
        #expect(try Self.bytes(scratch.path("whole/weights.safetensors")) == Self.bytes(part + "/weights.safetensors"))
    }
}

/// Reads fields of a model directory's model.json.
enum ModelJSON {
    static func members(_ directory: String) throws -> Int? {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/model.json")))
        return (object as? [String: Any])?["members"] as? Int
    }
}
