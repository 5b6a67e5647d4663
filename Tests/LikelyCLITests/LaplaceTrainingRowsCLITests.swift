import Foundation
import Testing

/// `likely laplace` on the data a model was trained on fits the model's training rows alone,
/// drawn again from model.json's `training_rows` entry: the posterior `fit --laplace full`
/// fits, never the validation or conformal rows. On other data, or for a model without the
/// entry, it fits every row and says so on standard error.
@Suite struct LaplaceTrainingRowsCLITests {
    static func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 1e-6 * max(abs(x), abs(y)) }

    /// The model `fit DATA options` writes to `name`, then `likely laplace` on `laplaceData`
    /// (DATA by default): the printed entry and laplace's standard error.
    static func laplaceAfterFit(_ data: String, _ options: [String], in scratch: Scratch, name: String = "model",
                                laplaceData: String? = nil) throws -> (entry: [String: Any], stderr: String) {
        let model = scratch.path(name)
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--quiet"] + options), "fit \(options)")
        let run = try CLI.run(["laplace", model, laplaceData ?? data, "--json"])
        EndToEndTests.expectSuccess(run, "laplace")
        return (try LaplaceCLITests.json(run.stdout), run.stderr)
    }

    /// The `laplace` entry that `fit DATA options --laplace full` stores.
    static func fitLaplaceEntry(_ data: String, _ options: [String], in scratch: Scratch) throws -> [String: Any] {
        let model = scratch.path("fit-laplace")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--quiet", "--laplace", "full"] + options), "fit --laplace full")
        return try #require(try LaplaceCLITests.json(try String(contentsOfFile: model + "/model.json", encoding: .utf8))["laplace"] as? [String: Any])
    }

    /// The same n, prior precision and evidence (to 1e-6 relative) in two `laplace` entries.
    static func expectSamePosterior(_ a: [String: Any], _ b: [String: Any]) {
        #expect(a["n"] as? Int == b["n"] as? Int, "n \(a["n"] ?? "none") against \(b["n"] ?? "none")")
        let deltas = ((a["prior_precision"] as? [Double])?.first ?? .nan, (b["prior_precision"] as? [Double])?.first ?? .nan)
        let evidence = ((a["log_marginal_likelihood"] as? [Double])?.first ?? .nan, (b["log_marginal_likelihood"] as? [Double])?.first ?? .nan)
        #expect(close(deltas.0, deltas.1), "prior precision \(deltas)")
        #expect(close(evidence.0, evidence.1), "evidence \(evidence)")
    }

    /// A default fit (no --epochs) holds round(0.2 · 100) = 20 rows out for early stopping:
    /// `likely laplace` fits on the other 80, as `fit --laplace full` does.
    @Test func defaultFitLeavesTheValidationRowsOut() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 100))
        let options = ["--hidden", "8", "--seed", "3"]
        let (entry, stderr) = try Self.laplaceAfterFit(data, options, in: scratch)
        #expect(entry["n"] as? Int == 80, "\(entry)")
        #expect(stderr.contains("on 80 training rows of 100 (20 validation and 0 conformal rows left out)"), "\(stderr)")
        #expect(!stderr.contains("note:"), "\(stderr)")
        Self.expectSamePosterior(entry, try Self.fitLaplaceEntry(data, options, in: scratch))
        // The printed entry is the one model.json holds.
        let stored = try #require(try LaplaceCLITests.json(try String(contentsOfFile: scratch.path("model/model.json"), encoding: .utf8))["laplace"] as? [String: Any])
        #expect(NSDictionary(dictionary: stored).isEqual(to: entry), "\(stored) against \(entry)")
    }

    /// With --conformal-split 0.2 as well, the calibration rows are drawn first and left out
    /// too: 100 − 20 conformal − round(0.2 · 80) = 16 validation = 64 rows; for classes each
    /// split is per class (counted here by hand from the fixture's labels).
    @Test(arguments: ["regression", "classification"])
    func conformalRowsAreLeftOutToo(task: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let text = task == "regression" ? Fixtures.regressionCSV(rows: 100) : Fixtures.classificationCSV(rows: 100)
        let data = try scratch.write("d.csv", text)
        let options = ["--hidden", "6", "--seed", "4", "--conformal-split", "0.2"]
        let (entry, stderr) = try Self.laplaceAfterFit(data, options, in: scratch)
        var expected = 64
        if task == "classification" {
            // Per class c of n_c rows: round(0.2 n_c) conformal; of the m_c left, round(v m_c)
            // validation with v = round(0.2 n′)/n′, n′ = Σ m_c.
            var counts: [String: Int] = [:]
            for line in text.split(separator: "\n").dropFirst() { counts[String(line.split(separator: ",").last!), default: 0] += 1 }
            let left = counts.values.map { $0 - Int((0.2 * Double($0)).rounded()) }
            let total = left.reduce(0, +), v = (0.2 * Double(total)).rounded() / Double(total)
            expected = left.reduce(0) { $0 + $1 - Int((v * Double($1)).rounded()) }
            #expect(counts.count == 3)
        }
        #expect(entry["n"] as? Int == expected, "\(entry)")
        #expect(stderr.contains("on \(expected) training rows of 100 ("), "\(stderr)")
        Self.expectSamePosterior(entry, try Self.fitLaplaceEntry(data, options, in: scratch))
        let rows = try #require(try LaplaceCLITests.json(try String(contentsOfFile: scratch.path("model/model.json"), encoding: .utf8))["training_rows"] as? [String: Any])
        #expect(rows["examples"] as? Int == 100 && rows["conformal_fraction"] as? Double == 0.2 && rows["seed"] as? Int == 4)
        #expect(rows["stratified"] as? Bool == (task == "classification"), "\(rows)")
    }

    /// DATA with one row changed, or one row fewer, is not the data the model was trained on:
    /// every one of its rows is used, with a note.
    @Test func otherDataUsesEveryRowWithANote() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let text = Fixtures.regressionCSV(rows: 100)
        let data = try scratch.write("d.csv", text)
        var lines = text.split(separator: "\n").map(String.init)
        lines[5] = "0.1234,0.5678"
        let changed = try scratch.write("changed.csv", lines.joined(separator: "\n") + "\n")
        let fewer = try scratch.write("fewer.csv", lines.dropLast().joined(separator: "\n") + "\n")
        let (entry, stderr) = try Self.laplaceAfterFit(data, ["--hidden", "8", "--seed", "3"], in: scratch, laplaceData: changed)
        #expect(entry["n"] as? Int == 100, "\(entry)")
        #expect(stderr.contains("note: DATA \(changed) holds other values than the 100 examples"), "\(stderr)")
        let run = try CLI.run(["laplace", scratch.path("model"), fewer, "--json"])
        EndToEndTests.expectSuccess(run, "laplace on fewer rows")
        #expect(try LaplaceCLITests.json(run.stdout)["n"] as? Int == 99)
        #expect(run.stderr.contains("note: DATA \(fewer) holds 99 examples; the data"), "\(run.stderr)")
        #expect(run.stderr.contains("fitting on all 99 examples of DATA"), "\(run.stderr)")
    }

    /// A model.json without `training_rows` (an older file) still loads, and `likely laplace`
    /// uses every row with the note; a malformed entry is exit 2 naming the field.
    @Test func aModelWithoutTheEntryUsesEveryRow() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 100))
        let model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--quiet", "--hidden", "8", "--seed", "3"]), "fit")
        let file = model + "/model.json"
        let original = try String(contentsOfFile: file, encoding: .utf8)
        // The entry's lines cut out of the text, every other byte kept.
        let entry = try #require(original.range(of: #",\n  "training_rows" : \{[^}]*\}"#, options: .regularExpression))
        try original.replacingCharacters(in: entry, with: "").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(!(try String(contentsOfFile: file, encoding: .utf8)).contains("training_rows"))
        EndToEndTests.expectSuccess(try CLI.run(["evaluate", model, data, "--json"]), "evaluate without training_rows")
        let run = try CLI.run(["laplace", model, data, "--json"])
        EndToEndTests.expectSuccess(run, "laplace without training_rows")
        #expect(try LaplaceCLITests.json(run.stdout)["n"] as? Int == 100)
        #expect(run.stderr.contains("model.json does not record which rows the model was trained on"), "\(run.stderr)")

        let broken = original.replacingOccurrences(of: #""validation_fraction" : 0.2"#, with: #""validation_fraction" : 1.5"#)
        #expect(broken != original)
        try broken.write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["laplace", model, data])
        #expect(refused.status == 2 && refused.stderr.contains("training_rows"), "\(refused.stderr)")

        // Fractions each in range that together leave no training row: named, not a bare count.
        let empty = original.replacingOccurrences(of: #""validation_fraction" : 0.2"#, with: #""validation_fraction" : 0.999"#)
            .replacingOccurrences(of: #""conformal_fraction" : 0"#, with: #""conformal_fraction" : 0.99"#)
        #expect(empty.contains(#""conformal_fraction" : 0.99,"#) && empty.contains(#""validation_fraction" : 0.999"#))
        try empty.write(toFile: file, atomically: true, encoding: .utf8)
        try BadInputTests.expectRejected(["laplace", model, data], naming: ["model.json", "training_rows", "every one of its 100 examples", "refit"])
    }

    /// Held-out rows may hold a category the training rows lack (the fit encodes it as
    /// unseen): `likely laplace` reads them as the fit did and leaves them out, where it used to
    /// refuse the very data the model was trained on; other data with an unseen category is
    /// still exit 2 naming it.
    @Test func heldOutRowsWithUnseenCategories() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var lines = ["x,c,y"]
        for (i, line) in Fixtures.regressionCSV(rows: 60).split(separator: "\n").dropFirst().enumerated() {
            let cells = line.split(separator: ",")
            lines.append("\(cells[0]),\(i % 10 == 3 ? "rare\(i)" : ["a", "b"][i % 2]),\(cells[1])")
        }
        let data = try scratch.write("d.csv", lines.joined(separator: "\n") + "\n")
        let options = ["--hidden", "4", "--epochs", "2", "--validation-split", "0.5", "--seed", "1"]
        let fit = try CLI.run(["fit", data, "--out", scratch.path("model")] + options)
        EndToEndTests.expectSuccess(fit, "fit")
        #expect(fit.stderr.contains("of held-out rows hold"), "no held-out row holds a category unseen in training: \(fit.stderr)")
        let other = try scratch.write("other.csv", "x,c,y\n0.5,a,1.0\n0.1,new,0.2\n")
        let refused = try CLI.run(["laplace", scratch.path("model"), other])
        #expect(refused.status == 2 && refused.stderr.contains("\"new\" was not seen in training"), "\(refused.stderr)")
        let run = try CLI.run(["laplace", scratch.path("model"), data, "--json"])
        EndToEndTests.expectSuccess(run, "laplace")
        let entry = try LaplaceCLITests.json(run.stdout)
        #expect(entry["n"] as? Int == 30, "\(entry)")
        Self.expectSamePosterior(entry, try Self.fitLaplaceEntry(data, options, in: scratch))
    }

    /// An IDX directory: the train files are the fit's data, so `--split train` (the default)
    /// leaves the stratified validation rows out (2 of each class's 10); `--split test` reads
    /// other images, all of which are used, with the note.
    @Test func imageDirectoriesKeepTheirSplit() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try Fixtures.writeIDX(in: scratch, directory: "digits", count: 30)
        let data = scratch.path("digits"), model = scratch.path("model")
        EndToEndTests.expectSuccess(try CLI.run(["fit", data, "--out", model, "--epochs", "2", "--batch-size", "8", "--validation-split", "0.2",
                                                 "--quiet"]), "fit")
        let train = try CLI.run(["laplace", model, data, "--structure", "last-layer", "--json"])
        EndToEndTests.expectSuccess(train, "laplace --split train")
        #expect(try LaplaceCLITests.json(train.stdout)["n"] as? Int == 24)
        #expect(train.stderr.contains("on 24 training rows of 30 (6 validation and 0 conformal rows left out)"), "\(train.stderr)")
        let test = try CLI.run(["laplace", model, data, "--structure", "last-layer", "--split", "test", "--json"])
        EndToEndTests.expectSuccess(test, "laplace --split test")
        #expect(try LaplaceCLITests.json(test.stdout)["n"] as? Int == 30)
        #expect(test.stderr.contains("holds other values than the 30 examples"), "\(test.stderr)")
    }

    /// Under mpirun the ranks shard the training rows: the posterior of two processes is one
    /// process's (prior precision and evidence within 1e-6 relative), both on the 80 rows.
    @Test(.enabled(if: MPITests.mpirunAvailable)) func twoProcessesShardTheTrainingRows() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 100))
        let (one, _) = try Self.laplaceAfterFit(data, ["--hidden", "8", "--seed", "3", "--no-glm-candidate"], in: scratch)
        try FileManager.default.copyItem(atPath: scratch.path("model"), toPath: scratch.path("two"))
        let run = try CLI.run(["laplace", scratch.path("two"), data, "--json"], processes: 2)
        #expect(run.status == 0, "\(run.stderr)")
        let two = try LaplaceCLITests.json(run.stdout)
        #expect(one["n"] as? Int == 80)
        Self.expectSamePosterior(one, two)
    }
}
