import Foundation
import Testing

/// The output conventions of docs/cli.md: progress on standard error, results alone on
/// standard output, a closed standard output never stopping a save, `--json` on one line.
@Suite struct OutputConventionTests {
    /// Runs `likely ARGUMENTS` inside the bash `pipeline`, where `"$0" "$@"` is the command
    /// (e.g. `"$0" "$@" | head -1`); the status is `likely`'s own (`PIPESTATUS[0]`).
    static func piped(_ arguments: [String], _ pipeline: String) throws -> CLIResult {
        let likely = try #require(CLI.executable, "the likely executable was not found")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", pipeline + "; exit ${PIPESTATUS[0]}", likely.path] + arguments
        return try CLI.finish(process)
    }

    /// The model directory is whole: its files exist and `evaluate` reads it.
    static func expectWholeModel(_ model: String, data: String) throws {
        for file in ["model.json", "weights.safetensors", "history.csv"] {
            #expect(FileManager.default.fileExists(atPath: "\(model)/\(file)"), "\(file) is missing")
        }
        let evaluate = try CLI.run(["evaluate", model, data, "--json"])
        #expect(evaluate.status == 0, "the saved model does not evaluate: \(evaluate.stderr)")
    }

    @Test func fitPipedToHeadLeavesAWholeModelAndPrintsOnlyItsResult() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV(rows: 200))
        let model = scratch.path("model")
        // Not --quiet: twenty epoch lines are printed, on standard error.
        let run = try Self.piped(["fit", data, "--out", model, "--epochs", "20", "--seed", "1"], #""$0" "$@" | head -1"#)
        #expect(run.status == 0 && !run.crashed, "\(run.status) \(run.stderr)")
        #expect(run.stdout.hasPrefix("saved \(model) (epochs run: 20") && run.stdout.split(separator: "\n").count == 1, "\(run.stdout)")
        #expect(run.stderr.contains("epoch 1/20") && run.stderr.contains("epoch 20/20"), "\(run.stderr)")
        try Self.expectWholeModel(model, data: data)
    }

    @Test func aClosedStandardOutputIsReportedAfterTheSave() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV(rows: 100))
        // The reader is gone long before fit's first result: the write fails with EPIPE.
        let model = scratch.path("model")
        let pipe = try Self.piped(["fit", data, "--out", model, "--epochs", "5"], #""$0" "$@" | true"#)
        #expect(pipe.status == 1 && !pipe.crashed, "\(pipe.status) \(pipe.stderr)")
        #expect(pipe.stderr.contains("standard output") && pipe.stderr.contains("saved first"), "\(pipe.stderr)")
        try Self.expectWholeModel(model, data: data)

        // No standard output at all (EBADF): the same for tune, whose results come before its refit.
        let tuned = scratch.path("tuned")
        let closed = try Self.piped(["tune", data, "--out", tuned, "--trials", "2", "--epochs", "3", "--folds", "2"], #""$0" "$@" >&-"#)
        #expect(closed.status == 1 && !closed.crashed && closed.stderr.contains("standard output"), "\(closed.status) \(closed.stderr)")
        try Self.expectWholeModel(tuned, data: data)
        #expect(FileManager.default.fileExists(atPath: "\(tuned)/tuning.csv"))

        // A command that only prints: exit 1, not a signal.
        let evaluate = try Self.piped(["evaluate", model, data, "--json"], #""$0" "$@" | true"#)
        #expect(evaluate.status == 1 && !evaluate.crashed && evaluate.stderr.contains("standard output"), "\(evaluate.stderr)")
    }

    @Test func tuneSaysItsTrialsOnStandardError() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV(rows: 60))
        let run = try CLI.run(["tune", data, "--out", scratch.path("t"), "--trials", "2", "--epochs", "3", "--folds", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("best: trial ") && lines[1].hasPrefix("saved "), "\(run.stdout)")
        #expect(run.stderr.contains("trial 1/2") && run.stderr.contains("trial 2/2"), "\(run.stderr)")
    }

    /// Every `--json` is one line holding one object, written as compactly as `evaluate`'s.
    @Test func everyJSONIsOneCompactLine() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV(rows: 60))
        let model = scratch.path("model")
        #expect(try CLI.run(["fit", data, "--out", model, "--epochs", "2", "--quiet"]).status == 0)
        let commands = [["dist", "normal", "--loc", "0", "--scale", "2", "--logpdf", "1,2", "--sample", "3", "--json"],
                        ["dist", "studentt", "--df", "1", "--loc", "0", "--scale", "1", "--json"],  // notes: no mean, no variance
                        ["summary", "mlp", "--features", "3", "--json"],
                        ["summary", "mlp", "--features", "3", "--ensemble", "2", "--json"],
                        ["evaluate", model, data, "--json"],
                        ["bench", "--case", "sgemm_1024", "--json"]]
        for arguments in commands {
            let run = try CLI.run(arguments)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            #expect(run.stdout.hasSuffix("}\n") && run.stdout.filter { $0 == "\n" }.count == 1, "\(arguments): \(run.stdout)")
            #expect(!run.stdout.contains("\": ") && !run.stdout.contains(", \""), "\(arguments): \(run.stdout)")
            _ = try EndToEndTests.json(run.stdout)
        }
    }
}
