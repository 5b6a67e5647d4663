import Foundation
import Likely
import Testing

/// Tables as users have them, through the command line: a typo or an identifier column is
/// refused with a hint, categories and imputed means come from the training rows alone,
/// unseen categories can be ignored in production, and the messages say what to do.
@Suite struct TableSurprisesCLITests {
    /// `x` numeric (one cell may be replaced), `city` from three names, `id` unique, `y` = x + city bonus.
    static func table(rows: Int = 120, typo: (row: Int, cell: String)? = nil, solo: Bool = false) -> String {
        var s = Fixtures.Stream(state: 11), lines = ["id,city,x,y"]
        let cities = ["Berlin", "Paris", "Rome"]
        for i in 0..<rows {
            let city = solo && i == 7 ? "Solo" : cities[i % 3]
            let x = 4 * s.next()
            let y = x + Double(i % 3) + 0.1 * s.next()
            let xCell = typo?.row == i ? typo!.cell : String(format: "%.3f", x)
            lines.append("id\(i),\(city),\(xCell),\(String(format: "%.3f", y))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aTypoOrAnIdentifierIsExitTwoWithAHint() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let typo = try scratch.write("typo.csv", Self.table(typo: (56, "5.6O")))
        try BadInputTests.expectRejected(["fit", typo, "--out", scratch.path("m"), "--features", "city,x", "--quiet"],
                                         naming: ["column \"x\"", "row 57", "\"5.6O\"", "--categorical x"])
        // The id column is an identifier: distinct in every row.
        let ids = try scratch.write("ids.csv", Self.table())
        try BadInputTests.expectRejected(["fit", ids, "--out", scratch.path("m"), "--quiet"],
                                         naming: ["column \"id\" looks like an identifier", "--features", "--keep"])
        #expect(!FileManager.default.fileExists(atPath: scratch.path("m")))
        // Named, it is encoded as asked.
        let named = try CLI.run(["fit", ids, "--out", scratch.path("m"), "--categorical", "id,city", "--epochs", "1", "--quiet"])
        #expect(named.status == 0, "\(named.stderr)")
    }

    @Test func aCategorySeenOnlyWithAMissingTargetFitsAndEvaluates() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var rows = Self.table(rows: 60).split(separator: "\n").map(String.init)
        rows[5] = "id4,TUV,1.000,"  // its target is missing
        let data = try scratch.write("d.csv", rows.joined(separator: "\n") + "\n")
        for missing in ["impute", "drop"] {
            let model = scratch.path("m-\(missing)")
            let fit = try CLI.run(["fit", data, "--out", model, "--features", "city,x", "--missing", missing, "--epochs", "2"])
            #expect(fit.status == 0, "\(missing): \(fit.stderr)")
            #expect((fit.stdout + fit.stderr).contains("dropped 1 row with a missing target"), "\(fit.stdout) \(fit.stderr)")
            let evaluate = try CLI.run(["evaluate", model, data, "--json"])
            #expect(evaluate.status == 0, "\(missing): \(evaluate.stderr)")
            #expect(try EndToEndTests.json(evaluate.stdout)["n"] as? Int == 59)
        }
    }

    @Test func heldOutRowsDoNotChooseTheCategories() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // "Solo" is in one row of 120: a validation split holds it out for some seeds, and then
        // the model must not know it (it did, when categories came from every row).
        let data = try scratch.write("d.csv", Self.table(solo: true))
        var absent = 0
        for seed in 0..<6 {
            let model = scratch.path("m\(seed)")
            let fit = try CLI.run(["fit", data, "--out", model, "--features", "city,x", "--validation-split", "0.5",
                                   "--epochs", "1", "--seed", String(seed)])
            #expect(fit.status == 0, "\(fit.stderr)")
            let json = try String(contentsOfFile: model + "/model.json", encoding: .utf8)
            let noted = (fit.stdout + fit.stderr).contains("1 cell of held-out rows holds a category not seen in training")
            if !json.contains("\"Solo\"") {
                absent += 1
                #expect(noted, "seed \(seed): Solo held out without a note: \(fit.stderr)")
            } else {
                #expect(!noted, "seed \(seed): a note although Solo trained")
            }
        }
        #expect(absent > 0 && absent < 6, "Solo was held out for \(absent) of 6 seeds")
    }

    /// Without --validation-split or --epochs the fit holds out its early-stopping rows
    /// (`FitDefaults.heldOut`: 24 of 120), and they must not choose the categories either.
    @Test func earlyStoppingRowsDoNotChooseTheCategories() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Self.table(solo: true))
        let rows = Dataset(features: Tensor(shape: [120, 0], scalars: []), targets: Tensor(shape: [120], scalars: [Float](repeating: 0, count: 120)))
        var heldOut = 0
        for seed in 0..<8 {
            let trained = TrainingRows.parts(of: rows, seed: UInt64(seed), conformalFraction: 0, validationFraction: 0.2,
                                             stratified: false).train.contains(7)
            let model = scratch.path("m\(seed)")
            let fit = try CLI.run(["fit", data, "--out", model, "--features", "city,x", "--hidden", "4", "--seed", String(seed)])
            #expect(fit.status == 0, "\(fit.stderr)")
            let json = try String(contentsOfFile: model + "/model.json", encoding: .utf8)
            #expect(json.contains("\"Solo\"") == trained, "seed \(seed): Solo (row 8) trained: \(trained), yet the model's categories say otherwise")
            if !trained { heldOut += 1 }
        }
        #expect(heldOut > 0 && heldOut < 8, "Solo was held out for \(heldOut) of 8 seeds")
    }

    @Test func unknownCategoriesCanBeIgnoredAndIdentifiersKept() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Self.table())
        let model = scratch.path("m")
        let fit = try CLI.run(["fit", data, "--out", model, "--features", "city,x", "--epochs", "2", "--quiet"])
        #expect(fit.status == 0, "\(fit.stderr)")
        let later = try scratch.write("later.csv", "id,city,x\nn1,Lyon,1.5\nn2,Paris,2.0\nn3,Oslo,0.5\n")
        try BadInputTests.expectRejected(["predict", model, later], naming: ["category \"Lyon\" was not seen", "column \"city\""])
        let predict = try CLI.run(["predict", model, later, "--unknown-category", "ignore", "--keep", "id"])
        #expect(predict.status == 0, "\(predict.stderr)")
        #expect(predict.stderr.contains("2 cells of DATA \(later) hold categories not seen in training"), "\(predict.stderr)")
        #expect(predict.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").first.map(String.init) } == ["n1", "n2", "n3"])
        let sample = try CLI.run(["sample", model, later, "--draws", "3", "--unknown-category", "ignore", "--keep", "id"])
        #expect(sample.status == 0, "\(sample.stderr)")
        let lines = sample.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "id,draw_0,draw_1,draw_2" && lines.count == 4 && lines[3].hasPrefix("n3,"), "\(sample.stdout)")
        try BadInputTests.expectRejected(["predict", model, later, "--unknown-category", "maybe"], naming: ["--unknown-category"])
    }

    @Test func messagesSayWhatToDo() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 30))
        try BadInputTests.expectRejected(["fit", data, "--out", scratch.path("m"), "--hidden", "50", "50"],
                                         naming: ["--hidden takes one comma-separated list: --hidden 50,50"])
        try BadInputTests.expectRejected(["tune", data, "--out", scratch.path("m"), "--trials", "-1"], naming: ["--trials", "1...10000", "-1"])
        // A directory of CSV files: name one.
        let folder = scratch.path("tables")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = try scratch.write("tables/a.csv", Fixtures.regressionCSV(rows: 10))
        try BadInputTests.expectRejected(["fit", folder, "--out", scratch.path("m")], naming: ["directory of CSV files", "a.csv"])
        // A beta target that is 1 in 32 bits is quoted as written.
        let beta = try scratch.write("beta.csv", "x,y\n1,0.5\n2,0.99999999\n3,0.25\n")
        try BadInputTests.expectRejected(["fit", beta, "--out", scratch.path("m"), "--family", "beta"],
                                         naming: ["0.99999999 (1.0 as a 32-bit float)"])
        // One dropped row is "1 row".
        let gap = try scratch.write("gap.csv", "x,y\n1,2\nNA,3\n3,4\n4,5\n")
        let fit = try CLI.run(["fit", gap, "--out", scratch.path("g"), "--missing", "drop", "--epochs", "1"])
        #expect(fit.status == 0 && (fit.stdout + fit.stderr).contains("dropped 1 row with a missing cell"), "\(fit.stdout) \(fit.stderr)")
        // An --ood file of another shape is named as --ood, not DATA.
        let images = scratch.path("img")
        let model = scratch.path("cnn")
        try Fixtures.writeIDX(in: scratch, directory: "img")
        let cnn = try CLI.run(["fit", images, "--out", model, "--epochs", "1", "--quiet"])
        #expect(cnn.status == 0, "\(cnn.stderr)")
        let arrays = scratch.path("arrays")
        try FileManager.default.createDirectory(atPath: arrays, withIntermediateDirectories: true)
        _ = try scratch.write("arrays/x.npy", Fixtures.npy(shape: [3, 5], [Float](repeating: 0.5, count: 15)))
        try BadInputTests.expectRejected(["evaluate", model, images, "--ood", arrays], naming: ["--ood \(arrays)"])
    }
}

/// `tune --missing impute`: each fold imputes from its own training rows. The reproduction
/// deals the folds as `likely tune` documents it (one seeded shuffle, example j to fold j mod K,
/// each training part shuffled again) and fits every fold's training rows as a CSV file of
/// their own, so that `likely fit` fits categories and means on exactly those rows.
@Suite struct TuneFoldImputationTests {
    @Test func foldNLLsEqualFitsOnEachFoldsTrainingRows() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var s = Fixtures.Stream(state: 17), rows: [String] = []
        for i in 0..<60 {
            // x is missing in every 4th row, with a mean that differs between the folds' rows.
            let x = 3 * s.next() + (i < 30 ? 0 : 2)
            let city = ["Berlin", "Paris", "Rome"][i % 3]
            rows.append("\(city),\(i % 4 == 1 ? "NA" : String(format: "%.3f", x)),\(String(format: "%.3f", x + Double(i % 3)))")
        }
        let header = "city,x,y"
        let data = try scratch.write("d.csv", ([header] + rows).joined(separator: "\n") + "\n")
        let options = ["--features", "city,x", "--missing", "impute", "--epochs", "1", "--seed", "5"]
        let tune = try CLI.run(["tune", data, "--out", scratch.path("tuned"), "--trials", "1", "--search", "dropout",
                                "--folds", "3", "--quiet"] + options)
        #expect(tune.status == 0, "\(tune.stderr)")
        let table = TuneTests.rows(try String(contentsOfFile: scratch.path("tuned/tuning.csv"), encoding: .utf8))
        let folds = table[1][10].split(separator: " ").compactMap { Double($0) }
        #expect(folds.count == 3, "\(table)")

        var random = RandomSource(key: StreamKey(seed: 5, purpose: .tuningFolds))
        var order = Array(0..<rows.count)
        random.shuffle(&order)
        var fold = [[Int]](repeating: [], count: 3)
        for (j, row) in order.enumerated() { fold[j % 3].append(row) }
        for k in 0..<3 {
            var train = (0..<3).filter { $0 != k }.flatMap { fold[$0] }
            random.shuffle(&train)
            let trainFile = try scratch.write("train\(k).csv", ([header] + train.map { rows[$0] }).joined(separator: "\n") + "\n")
            let heldFile = try scratch.write("held\(k).csv", ([header] + fold[k].map { rows[$0] }).joined(separator: "\n") + "\n")
            let model = scratch.path("fold\(k)")
            let fit = try CLI.run(["fit", trainFile, "--out", model, "--quiet"] + options)
            #expect(fit.status == 0, "\(fit.stderr)")
            let evaluate = try CLI.run(["evaluate", model, heldFile, "--json"])
            let nll = try #require(try EndToEndTests.json(evaluate.stdout)["nll"] as? Double)
            #expect(abs(nll - folds[k]) <= 1e-5 * max(1, abs(nll)), "fold \(k): tune \(folds[k]), reproduction \(nll)")
        }
    }
}
