import Foundation
import Testing

/// Large but finite predictives print numbers, and a value is left empty only with its reason.
@Suite struct EdgeNumbersCLITests {
    /// Targets spanning 10⁻²⁰ … 10¹⁹: the predictive scale of a laplace or lognormal head is
    /// huge but finite, so every sd cell is a number (2b² overflowed Float before, and 26 of 40
    /// rows of a laplace head printed an empty sd blamed on an infinite variance).
    @Test(arguments: ["laplace", "lognormal"])
    func hugeTargetsPrintEverySD(family: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let rows = (0..<40).map { i in "\(i),1e\(i - 20)" }
        let data = try scratch.write("wide.csv", "x,y\n" + rows.joined(separator: "\n") + "\n")
        let model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--family", family, "--epochs", "5", "--seed", "1", "--quiet"]), "fit")
        let predict = try CLI.run(["predict", model, data])
        EndToEndTests.expectSuccess(predict, "predict")
        #expect(!predict.stderr.contains("note:"), "\(predict.stderr)")
        let lines = predict.stdout.split(separator: "\n").dropFirst()
        #expect(lines.count == 40)
        for line in lines {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(Double(cells[1]).map { $0.isFinite && $0 >= 0 } == true, "sd of row \(line)")
        }
    }

    /// One calibration example: at L = 0.9 the threshold needs ⌈2·0.9⌉ = 2 scores, so the
    /// region is every value. predict leaves lower and upper empty and says why on stderr;
    /// evaluate's mean_width is null with that reason under "notes".
    @Test func oneCalibrationExampleSaysWhy() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV())
        let one = try scratch.write("one.csv", "x,y\n0.5,1.2\n")
        let model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "2", "--quiet"]), "fit")
        EndToEndTests.expectSuccess(try CLI.run(["conformalize", model, one]), "conformalize on one example")
        let predict = try CLI.run(["predict", model, data, "--level", "0.9"])
        EndToEndTests.expectSuccess(predict, "predict --level")
        #expect(predict.stderr.contains("note: lower and upper are empty on 60 of 60 rows") && predict.stderr.contains("at least 9 examples"),
                "\(predict.stderr)")
        let evaluate = try CLI.run(["evaluate", model, data, "--level", "0.9", "--json"])
        EndToEndTests.expectSuccess(evaluate, "evaluate --level")
        let report = try EndToEndTests.json(evaluate.stdout)
        let notes = try #require(report["notes"] as? [String: String])
        #expect(notes["/conformal/mean_width"]?.contains("1 calibration score is too few") == true, "\(notes)")
        // At L = 0.5 one score suffices (⌈2·0.5⌉ = 1): bounds are numbers, no note.
        let half = try CLI.run(["predict", model, data, "--level", "0.5"])
        EndToEndTests.expectSuccess(half, "predict --level 0.5")
        #expect(!half.stderr.contains("note:"), "\(half.stderr)")
    }
}
