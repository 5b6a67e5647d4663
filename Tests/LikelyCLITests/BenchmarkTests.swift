import Foundation
import Likely
import Testing

/// `likely benchmark`: splits from a UCI-layout directory, a CSV file or the in-between test,
/// each metric's mean and standard error worked out here from the per-split values.
@Suite struct BenchmarkTests {
    /// y = 2x₁ − x₂ + noise on 90 rows, as `data.txt` rows.
    static func rows(_ n: Int = 90) -> [[Double]] {
        var s = Fixtures.Stream(state: 23)
        return (0..<n).map { _ in
            let a = 4 * s.next() - 2, b = 4 * s.next() - 2
            return [a, 0.5, b, 2 * a - b + 0.3 * (s.next() - 0.5)]
        }
    }

    /// A UCI-layout directory: features columns 0 and 2, target 3 (column 1 is unused); two
    /// splits whose index files are written as numpy's savetxt writes them.
    static func uciDirectory(in scratch: Scratch) throws -> (path: String, splits: [(train: [Int], test: [Int])]) {
        let rows = Self.rows()
        let directory = "uci"
        _ = try scratch.write("\(directory)/data.txt", rows.map { $0.map { String(format: "%.6f", $0) }.joined(separator: " ") }.joined(separator: "\n") + "\n")
        _ = try scratch.write("\(directory)/index_features.txt", "0\n2\n")
        _ = try scratch.write("\(directory)/index_target.txt", "3\n")
        _ = try scratch.write("\(directory)/n_splits.txt", "2\n")
        var splits: [(train: [Int], test: [Int])] = []
        for k in 0..<2 {
            let test = Array(stride(from: k, to: rows.count, by: 5)), train = (0..<rows.count).filter { !test.contains($0) }
            splits.append((train, test))
            let numpy = { (values: [Int]) in values.map { String(format: "%.18e", Double($0)) }.joined(separator: "\n") + "\n" }
            _ = try scratch.write("\(directory)/index_train_\(k).txt", numpy(train))
            _ = try scratch.write("\(directory)/index_test_\(k).txt", numpy(test))
        }
        return (scratch.path(directory), splits)
    }

    /// Checks `*_mean` and `*_se` against the per-split values: the mean, and s/√K.
    static func expectSummaries(_ report: [String: Any], metrics: [String], splits: Int,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let per = try #require(report["per_split"] as? [[String: Any]])
        #expect(per.count == splits && report["splits"] as? Int == splits, sourceLocation: sourceLocation)
        for metric in metrics {
            let values = try per.map { try #require($0[metric] as? Double, "\(metric) in \($0)") }
            let mean = values.reduce(0, +) / Double(values.count)
            let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
            let reportedMean = try #require(report["\(metric)_mean"] as? Double), reportedSE = try #require(report["\(metric)_se"] as? Double)
            #expect(abs(reportedMean - mean) <= 1e-12 * max(1, abs(mean)), "\(metric)_mean \(reportedMean), per-split mean \(mean)", sourceLocation: sourceLocation)
            #expect(abs(reportedSE - sd / Double(values.count).squareRoot()) <= 1e-12, "\(metric)_se", sourceLocation: sourceLocation)
        }
    }

    @Test func uciDirectoryUsesItsOwnSplits() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (uci, splits) = try Self.uciDirectory(in: scratch)
        let run = try CLI.run(["benchmark", uci, "--json", "--epochs", "5", "--hidden", "16", "--seed", "3"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try EndToEndTests.json(run.stdout)
        try Self.expectSummaries(report, metrics: ["nll", "rmse", "coverage_90"], splits: 2)
        let per = try #require(report["per_split"] as? [[String: Any]])
        #expect(per.map { $0["n_train"] as? Int } == splits.map { $0.train.count })
        #expect(per.map { $0["n_test"] as? Int } == splits.map { $0.test.count })
        #expect(report["accuracy_mean"] == nil && report["ece_mean"] == nil)
        // --splits 1: the first split only, and its standard error is null with a reason.
        let one = try EndToEndTests.json(try CLI.run(["benchmark", uci, "--json", "--splits", "1", "--epochs", "5", "--hidden", "16", "--seed", "3"]).stdout)
        #expect((one["per_split"] as? [[String: Any]])?.first?["nll"] as? Double == per[0]["nll"] as? Double)
        #expect(one["nll_se"] is NSNull && ((one["notes"] as? [String: String])?["/nll_se"] ?? "").contains("one split"))
        // A malformed index names its file and line.
        _ = try scratch.write("uci/index_test_1.txt", "3\n4.5\n")
        try BadInputTests.expectRejected(["benchmark", uci], naming: ["index_test_1.txt", "line 2", "4.5"])
    }

    @Test func csvSplitsAreWrittenAndReadBack() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var lines = ["a,group,y"]
        for (i, row) in Self.rows(80).enumerated() {
            lines.append(i == 6 ? "NA,g1,1.0" : "\(row[0]),g\(i % 3),\(row[3])")  // row 6 is dropped (missing cell)
        }
        let data = try scratch.write("d.csv", lines.joined(separator: "\n") + "\n")
        let common = ["--epochs", "4", "--hidden", "8", "--missing", "drop", "--json"]
        let first = try CLI.run(["benchmark", data, "--splits", "3", "--write-splits", scratch.path("splits")] + common)
        #expect(first.status == 0, "\(first.stderr)")
        let report = try EndToEndTests.json(first.stdout)
        try Self.expectSummaries(report, metrics: ["nll", "rmse", "coverage_90"], splits: 3)
        for k in 0..<3 {
            let read = { (name: String) in
                try String(contentsOfFile: scratch.path("splits/\(name)_\(k).txt"), encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
            }
            let train = try read("index_train"), test = try read("index_test")
            // Data rows of the file, header excluded, without the dropped row 6; 79 rows, 16 tested.
            #expect(Set(train + test) == Set((0..<80).filter { $0 != 6 }) && train.count + test.count == 79)
            #expect(test.count == 16 && Set(train).isDisjoint(with: test))
        }
        let again = try CLI.run(["benchmark", data, "--splits-from", scratch.path("splits")] + common)
        #expect(again.status == 0, "\(again.stderr)")
        let nll = { (r: [String: Any]) in (r["per_split"] as? [[String: Any]])?.map { $0["nll"] as? Double } }
        #expect(nll(try EndToEndTests.json(again.stdout)) == nll(report))
    }

    @Test func gapHoldsOutTheMiddleThirdOfAFeature() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let rows = Self.rows(60)
        let data = try scratch.write("d.csv", (["a,b,y"] + rows.map { "\($0[0]),\($0[2]),\($0[3])" }).joined(separator: "\n") + "\n")
        let run = try CLI.run(["benchmark", data, "--gap", "b", "--splits", "2", "--epochs", "4", "--json", "--write-splits", scratch.path("s")])
        #expect(run.status == 0, "\(run.stderr)")
        try Self.expectSummaries(try EndToEndTests.json(run.stdout), metrics: ["nll", "rmse", "coverage_90"], splits: 2)
        let byB = (0..<60).sorted { rows[$0][2] < rows[$1][2] }
        let test = try String(contentsOfFile: scratch.path("s/index_test_0.txt"), encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
        #expect(test == byB[20..<40].sorted())
        let categorical = try scratch.write("c.csv", "a,kind,y\n1,u,2\n2,v,3\n3,u,4\n4,v,5\n")
        try BadInputTests.expectRejected(["benchmark", categorical, "--gap", "kind"], naming: ["--gap kind", "categorical"])
        try BadInputTests.expectRejected(["benchmark", data, "--gap", "zz"], naming: ["--gap zz", "\"a\", \"b\""])
    }

    @Test func classesReportAccuracyAndECEAndMisuseIsExitTwo() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("k.csv", Fixtures.classificationCSV(rows: 60))
        let run = try CLI.run(["benchmark", data, "--splits", "2", "--epochs", "3", "--json", "--quiet"])
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        let report = try EndToEndTests.json(run.stdout)
        try Self.expectSummaries(report, metrics: ["nll", "accuracy", "ece"], splits: 2)
        #expect(report["rmse_mean"] == nil)
        try BadInputTests.expectRejected(["benchmark", data, "--out", scratch.path("m")], naming: ["--out", "does not take"])
        try BadInputTests.expectRejected(["benchmark", data, "--predictive", "dropout"], naming: ["--predictive dropout", "--mc-samples"])
        try BadInputTests.expectRejected(["benchmark", data, "--test-fraction", "1.5"], naming: ["--test-fraction"])
        try BadInputTests.expectRejected(["benchmark", data, "--hidden", "x"], naming: ["--hidden"])
    }

    @Test func theLibraryGivesTheCommandsNumbers() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", (["a,b,y"] + Self.rows(50).map { "\($0[0]),\($0[2]),\($0[3])" }).joined(separator: "\n") + "\n")
        let run = try CLI.run(["benchmark", data, "--splits", "2", "--seed", "4", "--epochs", "3", "--json"])
        let cli = try #require(try EndToEndTests.json(run.stdout)["per_split"] as? [[String: Any]]).map { $0["nll"] as? Double }
        let table = try CSVReader.read(data, options: CSVOptions(target: "y", categorical: .automatic))
        var plan = FitPlan(family: .normal)
        plan.epochs = 3
        let splits = BenchmarkSplit.random(rows: 50, count: 2, testFraction: 0.2, seed: 4)
        let report = try Benchmark(plan: plan).run(.table(table), splits: splits)
        // The JSON prints 16 significant digits: equal to the library's Double to 1e-14.
        #expect(cli.count == report.splits.count)
        for (ours, printed) in zip(report.splits.map(\.nll), cli) {
            #expect(abs(ours - (printed ?? .nan)) <= 1e-14 * abs(ours), "\(ours) against \(String(describing: printed))")
        }
    }

    /// A split's encoding comes from the rows its fit trains on: "Solo" (row 7 of 120) is in
    /// the split's training rows, and for the seeds whose early-stopping draw holds it out for
    /// validation it is a category the model does not know, one held-out cell.
    @Test func aSplitsCategoriesComeFromTheRowsItsFitTrainsOn() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", TableSurprisesCLITests.table(solo: true))
        let table = try CSVReader.read(data, options: CSVOptions(target: "y", features: ["city", "x"], categorical: .automatic))
        let test = Array(stride(from: 1, to: 120, by: 5)), train = (0..<120).filter { !test.contains($0) }
        var plan = FitPlan(family: .normal)
        plan.hidden = [4]
        let rows = Dataset(features: Tensor(shape: [train.count, 0], scalars: []),
                           targets: Tensor(shape: [train.count], scalars: [Float](repeating: 0, count: train.count)))
        var heldOut = 0
        for seed in UInt64(0)..<8 {
            let fitted = TrainingRows.parts(of: rows, seed: seed, conformalFraction: 0, validationFraction: plan.heldOutFraction(examples: train.count),
                                            stratified: false).train.map { train[$0] }
            let report = try Benchmark(plan: plan).run(.table(table), splits: [BenchmarkSplit(train: train, test: test, seed: seed)])
            let trained = fitted.contains(7)
            #expect(report.splits[0].unseenCategoryCells == (trained ? 0 : 1), "seed \(seed): Solo trained \(trained)")
            if !trained { heldOut += 1 }
        }
        #expect(heldOut > 0 && heldOut < 8, "Solo was held out for validation for \(heldOut) of 8 seeds")
    }

    @Test(.enabled(if: TuneTests.mpirunAvailable)) func twoProcessesGiveOneProcesssNumbers() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", (["a,b,y"] + Self.rows(50).map { "\($0[0]),\($0[2]),\($0[3])" }).joined(separator: "\n") + "\n")
        let arguments = ["benchmark", data, "--splits", "3", "--epochs", "3", "--json", "--quiet"]
        let one = try CLI.run(arguments), two = try CLI.run(arguments, processes: 2)
        #expect(one.status == 0 && two.status == 0, "\(one.stderr) \(two.stderr)")
        let nll = { (text: String) in ((try? EndToEndTests.json(text))?["per_split"] as? [[String: Any]])?.map { $0["nll"] as? Double } }
        #expect(nll(one.stdout) != nil && nll(one.stdout) == nll(two.stdout))
    }
}
