import Foundation
import Testing

/// `likely tune`: seeded random search, tuning.csv, a refitted ordinary model.
@Suite(.serialized) struct TuneTests {
    static let mpirunAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/mpirun")

    static func rows(_ csv: String) -> [[String]] {
        // Cells of tuning.csv; the hidden cell may be quoted ("50,50").
        csv.split(separator: "\n").map { line in
            var cells: [String] = [], cell = "", quoted = false
            for c in line {
                if c == "\"" { quoted.toggle() } else if c == "," && !quoted { cells.append(cell); cell = "" } else { cell.append(c) }
            }
            return cells + [cell]
        }
    }

    @Test func searchWritesEveryTrialAndRefitsTheBest() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 80))
        let arguments = ["tune", data, "--out", scratch.path("tuned"), "--trials", "4", "--epochs", "15", "--seed", "2"]
        let run = try CLI.run(arguments)
        #expect(run.status == 0, "tune failed: \(run.stderr)")
        #expect(run.stdout.split(separator: "\n").filter { $0.hasPrefix("trial ") }.count == 4, "\(run.stdout)")
        let csv = try String(contentsOfFile: scratch.path("tuned/tuning.csv"), encoding: .utf8)
        let table = Self.rows(csv)
        #expect(table[0] == ["trial", "dropout", "weight_decay", "hidden", "lr", "val_nll", "epochs_run", "best_epoch"])
        #expect(table.count == 5)
        for row in table.dropFirst() {
            let dropout = try #require(Double(row[1])), decay = try #require(Double(row[2])), lr = try #require(Double(row[4]))
            #expect((0...0.5).contains(dropout) && (1e-6...1e-2).contains(decay) && (3e-4...1e-2).contains(lr), "\(row)")
            #expect(["50", "100", "200", "50,50", "100,100", "200,200"].contains(row[3]), "\(row)")
            #expect(Double(row[5])?.isFinite == true && Int(row[6])! >= Int(row[7])! && Int(row[7])! >= 1, "\(row)")
        }
        // The refitted model holds the best trial's widths and is an ordinary model directory.
        let best = table.dropFirst().min { Double($0[5])! < Double($1[5])! }!
        #expect(run.stdout.contains("best: trial \(best[0]) "), "\(run.stdout)")
        let json = try String(contentsOfFile: scratch.path("tuned/model.json"), encoding: .utf8)
        let units = best[3].split(separator: ",").map { "\"units\" : \($0)" }
        #expect(units.allSatisfy(json.contains), "model.json lacks \(units)")
        let history = try String(contentsOfFile: scratch.path("tuned/history.csv"), encoding: .utf8)
        #expect(history.split(separator: "\n").count == Int(best[7])! + 1, "the refit runs the best trial's kept epochs")
        let evaluate = try CLI.run(["evaluate", scratch.path("tuned"), data, "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")

        // The same seed gives the same search; --search fixes the others.
        let again = try CLI.run(arguments.map { $0 == scratch.path("tuned") ? scratch.path("again") : $0 } + ["--quiet"])
        #expect(again.status == 0)
        #expect(try String(contentsOfFile: scratch.path("again/tuning.csv"), encoding: .utf8) == csv)
        let lrOnly = try CLI.run(["tune", data, "--out", scratch.path("lr"), "--trials", "2", "--epochs", "3", "--search", "lr",
                                  "--hidden", "7", "--quiet"])
        #expect(lrOnly.status == 0, "\(lrOnly.stderr)")
        let lrRows = Self.rows(try String(contentsOfFile: scratch.path("lr/tuning.csv"), encoding: .utf8)).dropFirst()
        #expect(lrRows.allSatisfy { $0[3] == "7" && $0[2] == "0.0" })
        #expect(Set(lrRows.map { $0[4] }).count == 2)
    }

    @Test func badTuneOptionsExitTwo() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 20))
        try BadInputTests.expectRejected(["tune", data, "--out", scratch.path("m"), "--search", "dropout,depth"], naming: ["--search", "depth"])
        try BadInputTests.expectRejected(["tune", data, "--out", scratch.path("m"), "--trials", "0"], naming: ["--trials"])
        try BadInputTests.expectRejected(["tune", scratch.path("none.csv"), "--out", scratch.path("m")], naming: ["none.csv"])
    }

    @Test(.enabled(if: mpirunAvailable))
    func twoProcessesGiveTheSameTrialsAndModel() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 60))
        let common = ["--trials", "3", "--epochs", "6", "--seed", "4", "--quiet"]
        let one = try CLI.run(["tune", data, "--out", scratch.path("one")] + common)
        let two = try CLI.run(["tune", data, "--out", scratch.path("two")] + common, processes: 2)
        #expect(one.status == 0 && two.status == 0, "\(one.stderr) \(two.stderr)")
        // The same trials, scores and choice; validation NLLs and weights agree up to float
        // rounding (a process under mpirun may run its products on fewer threads).
        let a = Self.rows(try String(contentsOfFile: scratch.path("one/tuning.csv"), encoding: .utf8))
        let b = Self.rows(try String(contentsOfFile: scratch.path("two/tuning.csv"), encoding: .utf8))
        #expect(a.count == 4 && b.count == 4)
        for (x, y) in zip(a.dropFirst(), b.dropFirst()) {
            #expect(x[0..<5] == y[0..<5] && x[6...] == y[6...], "\(x) vs \(y)")
            let u = try #require(Double(x[5])), v = try #require(Double(y[5]))
            #expect(abs(u - v) <= 1e-5 * max(1, abs(u)), "\(x) vs \(y)")
        }
        let worst = try MPITests.largestRelativeDifference(scratch.path("one/weights.safetensors"), scratch.path("two/weights.safetensors"))
        #expect(worst < 1e-3, "largest relative weight difference \(worst)")
    }
}
