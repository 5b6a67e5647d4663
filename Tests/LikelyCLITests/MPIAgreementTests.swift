import Foundation
import Testing

/// `mpirun` ranks given different data or options (an MPMD launch, `-np 1 likely … A : -np 1
/// likely … B`) agree before any work that they disagree: every rank exits 2 naming the
/// difference, within seconds, and the old model stays as it was.
@Suite(.serialized)
struct MPIAgreementTests {
    /// `mpirun … -np 1 likely first… : -np 1 likely second…`, killed after 60 s.
    static func mpmd(_ first: [String], _ second: [String]) throws -> (result: CLIResult, seconds: Double) {
        let process = try CLI.start(first, processes: 1)
        let executable = try #require(CLI.executable).path
        process.arguments = (process.arguments ?? []) + [":", "-np", "1", executable] + second
        let started = Date()
        let result = try CLI.finish(process, timeout: 60)
        return (result, Date().timeIntervalSince(started))
    }

    static func expectRefusedByEveryRank(_ first: [String], _ second: [String], naming words: [String], model: String,
                                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = RefusedRunTests.files(model)
        let (r, seconds) = try mpmd(first, second)
        #expect(!r.crashed && r.status == 2, "exit \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(seconds < 20, "the ranks took \(seconds) s to stop", sourceLocation: sourceLocation)
        for word in words { #expect(r.stderr.contains(word), "should name \(word): \(r.stderr)", sourceLocation: sourceLocation) }
        #expect(RefusedRunTests.files(model) == before, "the old model changed", sourceLocation: sourceLocation)
    }

    @Test(.enabled(if: MPITests.mpirunAvailable))
    func ranksWithDifferentDataOrOptionsStopBeforeAnyWork() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let model = try RefusedRunTests.oldModel(scratch)
        let a = try scratch.write("a.csv", Fixtures.regressionCSV(rows: 60))
        let fewer = try scratch.write("fewer.csv", Fixtures.regressionCSV(rows: 50))
        let wider = try scratch.write("wider.csv", Fixtures.regressionCSV(rows: 60).split(separator: "\n").enumerated()
            .map { $0.offset == 0 ? "x,z,y" : $0.element.replacingOccurrences(of: ",", with: ",1,") }.joined(separator: "\n") + "\n")
        let fit = ["--out", model, "--epochs", "3", "--quiet"]
        // Other feature columns (a precondition in the weights' broadcast before).
        try Self.expectRefusedByEveryRank(["fit", a] + fit, ["fit", wider] + fit,
                                          naming: ["rank 1 of 2", "data: example shape [1] against [2]", "columns x,y against x,z,y"], model: model)
        // Other row counts (a hang after the model was replaced before).
        try Self.expectRefusedByEveryRank(["fit", a] + fit, ["fit", fewer] + fit, naming: ["rank 1 of 2", "data: rows 60 against 50"], model: model)
        // Other options.
        try Self.expectRefusedByEveryRank(["fit", a] + fit, ["fit", a, "--lr", "0.01"] + fit, naming: ["options: --lr (default) against --lr 0.01"], model: model)
        // predict and evaluate on other rows (a trap before).
        try Self.expectRefusedByEveryRank(["predict", model, a], ["predict", model, fewer], naming: ["data: rows 60 against 50"], model: model)
        try Self.expectRefusedByEveryRank(["evaluate", model, a], ["evaluate", model, fewer], naming: ["data: rows 60 against 50"], model: model)
        // tune: the search's data.
        let tune = ["--out", model, "--trials", "2", "--epochs", "2", "--quiet"]
        try Self.expectRefusedByEveryRank(["tune", a] + tune, ["tune", fewer] + tune,
                                          naming: ["data: rows 60 against 50"], model: model)
    }

    /// A count fit diverging under mpirun: exit 1 with the epoch, batch and quantity, on
    /// every rank (the rank that sees it ends the job), never a trap.
    @Test(.enabled(if: MPITests.mpirunAvailable))
    func aDivergingFitIsExitOneOnEveryRank() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var s = Fixtures.Stream(state: 5), lines = ["x,y"]
        for _ in 0..<200 { lines.append(String(format: "%.4f,%d", 4 * s.next() - 2, Int(s.next() * 1e7))) }
        let data = try scratch.write("big.csv", lines.joined(separator: "\n") + "\n")
        let r = try CLI.run(["fit", data, "--out", scratch.path("m"), "--family", "negbinomial", "--lr", "1", "--epochs", "5",
                             "--batch-size", "128", "--quiet"], processes: 2, timeout: 60)
        #expect(!r.crashed && r.status == 1, "exit \(r.status): \(r.stderr.prefix(600))")
        // The quantity that diverged: a non-finite loss, since the logit of p is capped below 1's float32 edge.
        #expect((r.stderr.contains("negbinomial parameter") || r.stderr.contains("non-finite")) && r.stderr.contains("at epoch"),
                "\(r.stderr.prefix(600))")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("m/model.json")))
    }
}
