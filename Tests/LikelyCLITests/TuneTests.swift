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

    /// The trial (1-based) the documented rule refits, worked out here from tuning.csv: the
    /// lowest val_nll replaces trial 1 only when its paired fold differences d = v − v₁ have
    /// mean(d) < −2·sd(d)/√K.
    static func expectedChoice(_ table: [[String]]) -> Int {
        let trials = table.dropFirst().filter { Double($0[6])?.isFinite == true }
        let lowest = trials.min { Double($0[6])! < Double($1[6])! }!
        guard lowest[0] != "1", let first = trials.first(where: { $0[0] == "1" }) else { return Int(lowest[0])! }
        let d = zip(lowest[10].split(separator: " "), first[10].split(separator: " ")).map { Double($0)! - Double($1)! }
        let mean = d.reduce(0, +) / Double(d.count)
        let sd = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d.count - 1)).squareRoot()
        return mean < -2 * sd / Double(d.count).squareRoot() ? Int(lowest[0])! : 1
    }

    @Test func searchWritesEveryTrialAndRefitsTheBest() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 80))
        let arguments = ["tune", data, "--out", scratch.path("tuned"), "--trials", "4", "--epochs", "15", "--seed", "2"]
        let run = try CLI.run(arguments)
        #expect(run.status == 0, "tune failed: \(run.stderr)")
        #expect(run.stderr.split(separator: "\n").filter { $0.hasPrefix("trial ") && $0.contains("/4") }.count == 4, "\(run.stderr)")
        let csv = try String(contentsOfFile: scratch.path("tuned/tuning.csv"), encoding: .utf8)
        let table = Self.rows(csv)
        #expect(table[0] == ["trial", "dropout", "weight_decay", "hidden", "lr", "family", "val_nll", "epochs_run", "best_epoch",
                             "folds", "fold_val_nll", "fingerprint"])
        #expect(table.count == 5)
        // Trial 1 is fit's own configuration (its table defaults: 50,50, dropout 0.1, weight decay
        // δ/N = 1/64 for the 64 training rows of a fold, Adam at 0.001, a normal head); trials 2 and 3 are it with the other families
        // the targets allow (some are negative: studentt and laplace); trial 4 is drawn.
        #expect(table[1][0..<6] == ["1", "0.1", "0.015625", "50,50", "0.001", "normal"], "\(table[1])")
        #expect(table[2][0..<6] == ["2", "0.1", "0.015625", "50,50", "0.001", "studentt"], "\(table[2])")
        #expect(table[3][0..<6] == ["3", "0.1", "0.015625", "50,50", "0.001", "laplace"], "\(table[3])")
        #expect(["normal", "studentt", "laplace"].contains(table[4][5]), "\(table[4])")
        #expect(run.stderr.contains("trial 1/4 (fit's configuration): dropout 0.1, weight-decay 0.0156, hidden 50,50, lr 0.001, family normal"), "\(run.stderr)")
        for row in table.dropFirst(2) {
            let dropout = try #require(Double(row[1])), decay = try #require(Double(row[2])), lr = try #require(Double(row[4]))
            #expect((0...0.5).contains(dropout) && (1e-3...0.3).contains(decay) && (2e-4...3e-3).contains(lr), "\(row)")
            #expect(["50", "100", "200", "50,50", "100,100", "200,200"].contains(row[3]), "\(row)")
        }
        for row in table.dropFirst() {
            // 80 examples: 5-fold cross-validation; epochs run is the folds' mean, the kept epoch
            // the arg-min of their mean validation curve (an integer), both within the cap 15;
            // val_nll is the mean of the five folds' values at that epoch.
            let run = try #require(Double(row[7])), kept = try #require(Int(row[8])), nll = try #require(Double(row[6]))
            #expect(nll.isFinite && run <= 15 && run >= 1 && (1...15).contains(kept) && row[9] == "5", "\(row)")
            let folds = row[10].split(separator: " ").compactMap { Double($0) }
            #expect(folds.count == 5 && abs(folds.reduce(0, +) / 5 - nll) <= 1e-9 * abs(nll), "\(row)")
        }
        // The refitted model holds the chosen trial's widths and family and is an ordinary model directory.
        let chosen = Self.expectedChoice(table)
        let best = table[chosen]
        #expect(run.stdout.contains("best: trial \(chosen) "), "\(run.stdout)")
        let json = try String(contentsOfFile: scratch.path("tuned/model.json"), encoding: .utf8)
        let units = best[3].split(separator: ",").map { "\"units\" : \($0)" }
        #expect(units.allSatisfy(json.contains), "model.json lacks \(units)")
        #expect(json.contains("\"family\" : \"\(best[5])\""), "model.json lacks the family \(best[5])")
        let history = try String(contentsOfFile: scratch.path("tuned/history.csv"), encoding: .utf8)
        // Trial 1, kept, is refitted as fit trains (--epochs 15); another takes its best gradient steps:
        // 5 folds of 80 rows train on 64, 2 batches of 32 per epoch, against 3 for all 80, so
        // best_epoch × 2/3 epochs, rounded.
        let refitEpochs = chosen == 1 ? 15 : max(1, Int((Double(best[8])! * 2 / 3).rounded()))
        #expect(history.split(separator: "\n").count == refitEpochs + 1, "the refit runs the best trial's steps: \(refitEpochs) epochs")
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
        #expect(lrRows.allSatisfy { $0[3] == "7" && $0[2] == "0.015625" })
        #expect(Set(lrRows.map { $0[4] }).count == 2)
    }

    @Test func resumeSkipsTheFinishedTrials() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 60))
        let common = ["--trials", "4", "--epochs", "8", "--seed", "3", "--folds", "2"]
        let whole = try CLI.run(["tune", data, "--out", scratch.path("whole"), "--quiet"] + common)
        #expect(whole.status == 0, "\(whole.stderr)")
        let csv = try String(contentsOfFile: scratch.path("whole/tuning.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 5 && Self.rows(csv).dropFirst().allSatisfy { $0[9] == "2" }, "\(csv)")

        // An interrupted search: its tuning.csv holds trials 1 and 3 only.
        _ = try scratch.write("part/tuning.csv", [lines[0], lines[1], lines[3]].joined(separator: "\n") + "\n")
        let resumed = try CLI.run(["tune", data, "--out", scratch.path("part"), "--resume"] + common)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming: 2 of 4 trials already in"), "\(resumed.stderr)")
        let ran = resumed.stderr.split(separator: "\n").filter { $0.hasPrefix("trial ") }
        #expect(ran.count == 2 && ran[0].hasPrefix("trial 2/4") && ran[1].hasPrefix("trial 4/4"), "\(ran)")
        #expect(try String(contentsOfFile: scratch.path("part/tuning.csv"), encoding: .utf8) == csv)
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.path("part/weights.safetensors")))
                == Data(contentsOf: URL(fileURLWithPath: scratch.path("whole/weights.safetensors"))))

        // Another seed is another search (other initial weights and folds): the first row is
        // refused, naming the file, the line and the options.
        try BadInputTests.expectRejected(["tune", data, "--out", scratch.path("part"), "--resume", "--trials", "4", "--epochs", "8",
                                          "--seed", "4", "--folds", "2"], naming: ["--resume", "tuning.csv", "line 2", "fit options", "--seed"])
        try BadInputTests.expectRejected(["tune", data, "--out", scratch.path("part"), "--resume", "--trials", "4", "--epochs", "8",
                                          "--seed", "3", "--folds", "3"], naming: ["tuning.csv", "2 folds", "--folds"])
        try BadInputTests.expectRejected(["tune", data, "--out", scratch.path("none"), "--resume"], naming: ["--resume", "tuning.csv"])
    }

    @Test func fitsModelIsKeptUnlessAnotherTrialIsClearlyBetter() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 80))
        let common = ["--trials", "3", "--epochs", "6", "--seed", "2", "--folds", "5"]
        let search = try CLI.run(["tune", data, "--out", scratch.path("search"), "--quiet"] + common)
        #expect(search.status == 0, "\(search.stderr)")
        let table = Self.rows(try String(contentsOfFile: scratch.path("search/tuning.csv"), encoding: .utf8))
        #expect(table.count == 4)

        // The same trials with hand-made fold NLLs, resumed so that only the choice and refit run.
        func line(_ row: [String], _ folds: [Double]) -> String {
            let hidden = row[3].contains(",") ? "\"\(row[3])\"" : row[3]
            let mean = folds.reduce(0, +) / Double(folds.count)
            return ([row[0], row[1], row[2], hidden, row[4], row[5], "\(mean)", row[7], row[8], row[9]]
                    + [folds.map { "\($0)" }.joined(separator: " "), row[11]]).joined(separator: ",")
        }
        let fit = [5.0, 5.1, 4.9, 5.2, 5.0]
        func resume(_ name: String, trial2 differences: [Double]) throws -> CLIResult {
            let csv = [table[0].joined(separator: ","), line(table[1], fit),
                       line(table[2], zip(fit, differences).map { $0 + $1 }), line(table[3], fit.map { $0 + 0.5 })]
            _ = try scratch.write("\(name)/tuning.csv", csv.joined(separator: "\n") + "\n")
            let run = try CLI.run(["tune", data, "--out", scratch.path(name), "--resume"] + common)
            #expect(run.status == 0, "\(run.stderr)")
            return run
        }

        // Trial 2 lower by 0.014 on average, d = (−0.03, 0, −0.02, 0.01, −0.03): sd(d) =
        // √(13.2e-4 / 4) = 0.018166, standard error 0.008124: more than one standard error but
        // less than two (0.016248), so fit's configuration stays, refitted exactly as likely fit
        // trains it: the same weights, bit for bit.
        let kept = try resume("kept", trial2: [-0.03, 0, -0.02, 0.01, -0.03])
        #expect(kept.stderr.contains("kept trial 1") && kept.stdout.contains("best: trial 1 "), "\(kept.stdout) \(kept.stderr)")
        let plain = try CLI.run(["fit", data, "--out", scratch.path("fit"), "--epochs", "6", "--seed", "2", "--quiet"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.path("kept/weights.safetensors")))
                == Data(contentsOf: URL(fileURLWithPath: scratch.path("fit/weights.safetensors"))))

        // d = (−0.03, −0.02, −0.03, −0.02, −0.03): mean −0.026, two standard errors 0.0049:
        // trial 2 (fit's configuration with a studentt head) wins, refitted for its best epoch's
        // gradient steps (× 2/3 here, as above).
        let replaced = try resume("replaced", trial2: [-0.03, -0.02, -0.03, -0.02, -0.03])
        #expect(replaced.stdout.contains("best: trial 2 ") && !replaced.stderr.contains("kept trial 1"), "\(replaced.stdout)")
        let history = try String(contentsOfFile: scratch.path("replaced/history.csv"), encoding: .utf8)
        let epochs = max(1, Int((Double(table[2][8])! * 2 / 3).rounded()))
        #expect(history.split(separator: "\n").count == epochs + 1, "expected \(epochs) epochs: \(history)")
    }

    /// y = exp(x + 0.7·z), z standard normal (Box–Muller from the fixture stream): skewed
    /// positive targets, log-normal given x.
    static func logNormalCSV(rows: Int) -> String {
        var s = Fixtures.Stream(state: 11), lines = ["x,y"]
        for _ in 0..<rows {
            let x = 2 * s.next() - 1
            let z = (-2 * log(1 - s.next())).squareRoot() * cos(2 * Double.pi * s.next())
            lines.append(String(format: "%.4f,%.6g", x, exp(x + 0.7 * z)))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func familySearchTriesTheFamiliesTheTargetsAllow() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Positive, log-normal targets: trials 2 to 5 are fit's configuration under studentt,
        // laplace, lognormal and gamma, and one of the two positive families wins clearly (on
        // these data their validation NLL is about 0.4 nats lower than the normal's).
        let positive = try scratch.write("positive.csv", Self.logNormalCSV(rows: 200))
        let run = try CLI.run(["tune", positive, "--out", scratch.path("p"), "--trials", "6", "--epochs", "20", "--seed", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        let table = Self.rows(try String(contentsOfFile: scratch.path("p/tuning.csv"), encoding: .utf8))
        #expect(table.dropFirst().prefix(5).map { $0[5] } == ["normal", "studentt", "laplace", "lognormal", "gamma"], "\(table)")
        #expect(table.dropFirst().prefix(5).allSatisfy { $0[1...4] == ["0.1", "0.00625", "50,50", "0.001"] }, "\(table)")
        let chosen = Self.expectedChoice(table)
        #expect(["lognormal", "gamma"].contains(table[chosen][5]), "chose \(table[chosen]) in \(table)")
        let json = try String(contentsOfFile: scratch.path("p/model.json"), encoding: .utf8)
        #expect(json.contains("\"family\" : \"\(table[chosen][5])\""), "\(json)")
        #expect(try CLI.run(["evaluate", scratch.path("p"), positive, "--json"]).status == 0)

        // Targets in (0, 1) add beta; --family holds the family fixed (no family trials);
        // --search without family draws none.
        var unitLines = ["x,y"]
        for i in 0..<40 {
            let x = Double(i) / 40, y = 0.2 + 0.6 * Double(i % 7) / 7
            unitLines.append(String(format: "%.3f,%.4f", x, y))
        }
        let unit = try scratch.write("unit.csv", unitLines.joined(separator: "\n") + "\n")
        let beta = try CLI.run(["tune", unit, "--out", scratch.path("u"), "--trials", "7", "--epochs", "2", "--quiet"])
        #expect(beta.status == 0, "\(beta.stderr)")
        let unitRows = Self.rows(try String(contentsOfFile: scratch.path("u/tuning.csv"), encoding: .utf8)).dropFirst()
        #expect(unitRows.prefix(6).map { $0[5] } == ["normal", "studentt", "laplace", "lognormal", "gamma", "beta"], "\(unitRows)")
        let fixed = try CLI.run(["tune", positive, "--out", scratch.path("f"), "--trials", "3", "--epochs", "2", "--family", "gamma", "--quiet"])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        let fixedRows = Self.rows(try String(contentsOfFile: scratch.path("f/tuning.csv"), encoding: .utf8)).dropFirst()
        #expect(fixedRows.count == 3 && fixedRows.allSatisfy { $0[5] == "gamma" }, "\(fixedRows)")
        #expect(fixedRows.dropFirst().allSatisfy { $0[1] != "0.1" }, "trials 2 and 3 are drawn, not family trials: \(fixedRows)")

        // The family alone: the five configurations once each, not drawn again.
        let familyOnly = try CLI.run(["tune", positive, "--out", scratch.path("o"), "--trials", "9", "--epochs", "2", "--search", "family"])
        #expect(familyOnly.status == 0 && familyOnly.stderr.contains("running 5 trials, not 9"), "\(familyOnly.stdout) \(familyOnly.stderr)")
        let onlyRows = Self.rows(try String(contentsOfFile: scratch.path("o/tuning.csv"), encoding: .utf8)).dropFirst()
        #expect(onlyRows.map { $0[5] } == ["normal", "studentt", "laplace", "lognormal", "gamma"], "\(onlyRows)")

        // Whole-number targets: the search says that count families are the models of counts.
        let counts = try scratch.write("counts.csv", "x,n\n" + (0..<30).map { "\($0),\($0 % 4)" }.joined(separator: "\n") + "\n")
        let countRun = try CLI.run(["tune", counts, "--out", scratch.path("c"), "--trials", "2", "--epochs", "2"])
        #expect(countRun.status == 0 && countRun.stderr.contains("note: every target is a whole number"), "\(countRun.stderr)")
        #expect(countRun.stderr.contains("--family poisson, negbinomial or zip"), "\(countRun.stderr)")
        // fit says the same of a normal head on them, and nothing with a count family.
        let fitNormal = try CLI.run(["fit", counts, "--out", scratch.path("fn"), "--epochs", "1"])
        #expect(fitNormal.status == 0 && fitNormal.stderr.contains("note: every target is a whole number"), "\(fitNormal.stderr)")
        let fitPoisson = try CLI.run(["fit", counts, "--out", scratch.path("fp"), "--epochs", "1", "--family", "poisson"])
        #expect(fitPoisson.status == 0 && !fitPoisson.stderr.contains("whole number"), "\(fitPoisson.stderr)")

        // Asking for a family search that cannot be: exit 2, naming why.
        try BadInputTests.expectRejected(["tune", positive, "--out", scratch.path("x"), "--search", "family", "--family", "normal"],
                                         naming: ["--search family", "--family normal"])
        let classes = try scratch.write("classes.csv", Fixtures.classificationCSV(rows: 30))
        try BadInputTests.expectRejected(["tune", classes, "--out", scratch.path("y"), "--search", "lr,family"],
                                         naming: ["--search family", "only categorical"])
    }

    @Test func ensembleAppliesToTheRefitOnly() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 60))
        // Each fold trains one network for at most 4 epochs (an ensemble's history would hold
        // 3 × 4); trial 1, kept, is refitted as likely fit --ensemble 3 trains it.
        let common = ["--epochs", "4", "--seed", "6", "--ensemble", "3", "--quiet"]
        let tuned = try CLI.run(["tune", data, "--out", scratch.path("t"), "--trials", "1", "--search", "lr"] + common)
        #expect(tuned.status == 0, "\(tuned.stderr)")
        let rows = Self.rows(try String(contentsOfFile: scratch.path("t/tuning.csv"), encoding: .utf8))
        #expect(rows.count == 2 && Double(rows[1][7]) == 4 && Int(rows[1][8]).map { (1...4).contains($0) } == true, "\(rows)")
        let fit = try CLI.run(["fit", data, "--out", scratch.path("f")] + common)
        #expect(fit.status == 0, "\(fit.stderr)")
        let json = try String(contentsOfFile: scratch.path("t/model.json"), encoding: .utf8)
        #expect(json.contains("\"members\" : 3"), "\(json)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.path("t/weights.safetensors")))
                == Data(contentsOf: URL(fileURLWithPath: scratch.path("f/weights.safetensors"))))
    }

    @Test func resumeHelpNamesWhatEachCommandResumesFrom() throws {
        // The help wraps lines; compare with the whitespace collapsed.
        func help(_ command: String) throws -> String {
            let result = try CLI.run([command, "--help"])
            #expect(result.status == 0)
            return result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let checkpoint = "MODEL_DIR.checkpoint"  // where fit writes it (TablesTests: OUT.checkpoint/training.json)
        for command in ["fit", "tune"] {
            let text = try help(command)
            #expect(text.contains("fit from \(checkpoint)") && text.contains("tune past the trials MODEL_DIR/tuning.csv holds"), "\(command) --help: \(text)")
        }
    }

    @Test func badTuneOptionsExitTwo() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 20))
        try BadInputTests.expectRejected(["tune", data, "--out", scratch.path("m"), "--search", "dropout,depth"], naming: ["--search", "depth"])
        try BadInputTests.expectRejected(["tune", data, "--out", scratch.path("m"), "--trials", "0"], naming: ["--trials"])
        try BadInputTests.expectRejected(["tune", scratch.path("none.csv"), "--out", scratch.path("m")], naming: ["none.csv"])
        try BadInputTests.expectRejected(["tune", data, "--out", scratch.path("m"), "--folds", "3", "--validation-split", "0.2"],
                                         naming: ["--folds", "--validation-split"])
        try BadInputTests.expectRejected(["tune", data, "--out", scratch.path("m"), "--folds", "0"], naming: ["--folds"])
        try BadInputTests.expectRejected(["tune", data, "--out", scratch.path("m"), "--folds", "15"], naming: ["--folds 15", "30 examples", "20"])
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
            #expect(x[0..<6] == y[0..<6] && x[7...] == y[7...], "\(x) vs \(y)")
            let u = try #require(Double(x[6])), v = try #require(Double(y[6]))
            #expect(abs(u - v) <= 1e-5 * max(1, abs(u)), "\(x) vs \(y)")
        }
        let worst = try MPITests.largestRelativeDifference(scratch.path("one/weights.safetensors"), scratch.path("two/weights.safetensors"))
        #expect(worst < 1e-3, "largest relative weight difference \(worst)")
    }

    @Test(.enabled(if: mpirunAvailable))
    func twoProcessesWriteEveryRanksTrialsDuringTheSearch() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 300))
        let out = scratch.path("m")
        let process = try CLI.start(["tune", data, "--out", out, "--trials", "8", "--epochs", "150", "--patience", "150",
                                     "--folds", "2", "--seed", "5", "--quiet"], processes: 2)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Every version of tuning.csv seen while the search runs holds trials 1…k with no gap
        // (rank 1 runs the even trials): the table is written after each round of two trials,
        // with both ranks' results, not with rank 0's alone.
        var seen: [[String]] = []
        let deadline = Date().addingTimeInterval(300)
        while process.isRunning && Date() < deadline {
            if let text = try? String(contentsOfFile: out + "/tuning.csv", encoding: .utf8) {
                let trials = Self.rows(text).dropFirst().map { $0[0] }
                if seen.last != trials { seen.append(trials) }
            }
            usleep(2_000)
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let partial = seen.filter { $0.count >= 2 && $0.count < 8 }
        #expect(!partial.isEmpty, "no tuning.csv seen mid-search: \(seen)")
        for trials in seen {
            #expect(trials == (0..<trials.count).map { String($0 + 1) }, "a gap in \(trials), of \(seen)")
        }
        #expect(seen.last?.count == 8, "\(seen)")
    }
}
