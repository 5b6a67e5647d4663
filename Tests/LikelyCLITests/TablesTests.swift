import Foundation
import Testing

/// A table as users have it: an ID column, a text column, NA cells and a class target.
@Suite struct TablesTests {
    /// grade is "high" when size + (city bonus) > 2; every 7th size is NA, every 11th city empty.
    static func table(rows: Int = 90, cities: [String] = ["Berlin", "Paris", "Rome"]) -> String {
        var s = Fixtures.Stream(state: 5), lines = ["id,city,size,grade"]
        let bonus = ["Berlin": -1.0, "Paris": 0.0, "Rome": 1.0, "Lyon": 0.0]
        for i in 0..<rows {
            let city = cities[Int(s.next() * Double(cities.count)) % cities.count]
            let size = 4 * s.next()
            let grade = size + bonus[city, default: 0] > 2 ? "high" : "low"
            let sizeCell = i % 7 == 3 ? "NA" : String(format: "%.3f", size)
            let cityCell = i % 11 == 5 ? "" : city
            lines.append("id\(1000 - i),\(cityCell),\(sizeCell),\(grade)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func textColumnNACellsAndIDsFitPredictEvaluate() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("people.csv", Self.table())
        let model = scratch.path("model")
        // Without a policy the NA cell is an error naming its place.
        let strict = try CLI.run(["fit", data, "--out", model, "--features", "city,size", "--quiet"])
        #expect(strict.status == 2 && strict.stderr.contains("column \"size\"") && strict.stderr.contains("NA"), "\(strict.stderr)")

        let fit = try CLI.run(["fit", data, "--out", model, "--features", "city,size", "--missing", "impute",
                               "--epochs", "60", "--lr", "0.01", "--seed", "3"])
        #expect(fit.status == 0, "fit failed: \(fit.stderr)")
        #expect(fit.stderr.contains("one-hot encoded city (4 categories)"), "\(fit.stderr)")
        let json = try String(contentsOfFile: "\(model)/model.json", encoding: .utf8)
        #expect(json.contains("\"feature_encoding\"") && json.contains("\"Berlin\"") && json.contains("\"impute\""))

        // Predict on rows in another order: IDs come back beside their rows, in input order.
        let rows = Self.table().split(separator: "\n").map(String.init)
        let shuffled = [rows[0]] + [rows[40], rows[3], rows[17], rows[6]]
        let input = try scratch.write("new.csv", shuffled.joined(separator: "\n") + "\n")
        let predict = try CLI.run(["predict", model, input, "--keep", "id"])
        #expect(predict.status == 0, "predict failed: \(predict.stderr)")
        let out = predict.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(out.first == ["id", "p_0", "p_1", "predicted", "entropy", "mutual_information"])
        #expect(out.dropFirst().map { $0[0] } == ["id961", "id998", "id984", "id995"])

        let evaluate = try CLI.run(["evaluate", model, data, "--json"])
        #expect(evaluate.status == 0, "evaluate failed: \(evaluate.stderr)")
        let report = try EndToEndTests.json(evaluate.stdout)
        #expect(report["n"] as? Int == 90)
        // The rule is learnable from city and size: well above the 50% of guessing.
        #expect(try #require(report["accuracy"] as? Double) > 0.8, "\(evaluate.stdout)")
    }

    @Test func unseenCategoryAtPredictTimeExitsTwoNamingIt() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("people.csv", Self.table())
        let model = scratch.path("model")
        let fit = try CLI.run(["fit", data, "--out", model, "--features", "city,size", "--missing", "impute", "--epochs", "2", "--quiet"])
        #expect(fit.status == 0, "fit failed: \(fit.stderr)")
        let later = try scratch.write("later.csv", Self.table(rows: 12, cities: ["Berlin", "Lyon"]))
        for command in ["predict", "evaluate"] {
            try BadInputTests.expectRejected([command, model, later], naming: ["later.csv", "column \"city\"", "\"Lyon\"", "not seen in training"])
        }
        try BadInputTests.expectRejected(["predict", model, data, "--keep", "nope"], naming: ["no kept column named \"nope\""])
        let clash = try scratch.write("clash.csv", "city,size,entropy\nRome,1,x\n")
        try BadInputTests.expectRejected(["predict", model, clash, "--keep", "entropy"], naming: ["--keep entropy", "already has a column"])
        try BadInputTests.expectRejected(["fit", data, "--out", model, "--categorical", "town"], naming: ["no feature column named \"town\""])
        try BadInputTests.expectRejected(["fit", data, "--out", model, "--missing", "guess"], naming: ["--missing", "guess"])
    }

    @Test func dropReportsTheRowsLeftOut() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("people.csv", Self.table())
        let model = scratch.path("model")
        let fit = try CLI.run(["fit", data, "--out", model, "--features", "city,size", "--missing", "drop", "--epochs", "1"])
        #expect(fit.status == 0, "fit failed: \(fit.stderr)")
        // Rows i % 7 == 3 (13 of 90) or i % 11 == 5 (8), both for i = 38: 20 rows.
        #expect(fit.stderr.contains("dropped 20 rows with missing cells"), "\(fit.stderr)")
        let evaluate = try CLI.run(["evaluate", model, data, "--json"])
        #expect(evaluate.status == 0 && evaluate.stderr.contains("dropped 20 rows with missing cells"), "\(evaluate.stderr)")
        #expect(try EndToEndTests.json(evaluate.stdout)["n"] as? Int == 70)
        // Prediction keeps one row per input: a missing cell is an error there.
        try BadInputTests.expectRejected(["predict", model, data], naming: ["column \"size\"", "missing value"])
    }
}

/// `fit --resume`: a fit stopped after 3 epochs and resumed to 6 equals a 6-epoch fit.
@Suite struct ResumeTests {
    @Test func resumedFitHasTheWeightsOfAnUninterruptedOne() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 50))
        let common = ["--dropout", "0.2", "--seed", "3", "--quiet"]
        let whole = try CLI.run(["fit", data, "--out", scratch.path("whole"), "--epochs", "6"] + common)
        let first = try CLI.run(["fit", data, "--out", scratch.path("parts"), "--epochs", "3"] + common)
        #expect(whole.status == 0 && first.status == 0, "\(whole.stderr) \(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: scratch.path("parts.checkpoint/checkpoint.json")))
        let rest = try CLI.run(["fit", data, "--out", scratch.path("parts"), "--epochs", "6", "--resume"] + common)
        #expect(rest.status == 0, "\(rest.stderr)")
        let a = try Data(contentsOf: URL(fileURLWithPath: scratch.path("whole/weights.safetensors")))
        let b = try Data(contentsOf: URL(fileURLWithPath: scratch.path("parts/weights.safetensors")))
        #expect(a == b, "resumed weights differ from the uninterrupted fit's")
        let history = try String(contentsOfFile: scratch.path("parts/history.csv"), encoding: .utf8)
        #expect(history.split(separator: "\n").count == 7)
        try BadInputTests.expectRejected(["fit", data, "--out", scratch.path("fresh"), "--resume"], naming: ["--resume", "no checkpoint"])
    }
}
