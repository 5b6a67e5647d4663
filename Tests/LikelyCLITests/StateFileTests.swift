import Foundation
import Testing

/// State on disk (a checkpoint, `tuning.csv`) is whole, verified and of the run that resumes
/// it: a fit or tune killed the moment any file lands resumes to the bytes of the
/// uninterrupted run (or exits 2 with the old model intact), and foreign state is refused.
@Suite struct StateFileTests {
    /// Every regular file under `directory` (temporary `.name.XXXXXX` files aside, which are
    /// not written yet) with its inode: a file that lands, or is replaced, is a new pair.
    static func landed(under directory: String) -> Set<String> {
        var out = Set<String>()
        for path in FileManager.default.subpaths(atPath: directory) ?? [] {
            let name = (path as NSString).lastPathComponent
            guard !name.hasPrefix(".") else { continue }
            var info = stat()
            guard stat(directory + "/" + path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            out.insert("\(path)#\(info.st_ino)")
        }
        return out
    }

    /// Runs `likely arguments…` and SIGKILLs it the moment files land under `directory` for
    /// the `k`-th time (polled every 0.2 ms; files renamed into place together, as a directory,
    /// land at one moment); returns whether it was killed (false: it finished first).
    static func kill(_ arguments: [String], atLanding k: Int, under directory: String) throws -> Bool {
        let process = try CLI.start(arguments)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        var seen = landed(under: directory), count = 0
        try process.run()
        while process.isRunning {
            let now = landed(under: directory)
            if !now.subtracting(seen).isEmpty { count += 1 }
            seen = now
            if count >= k {
                Glibc.kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return true
            }
            usleep(200)
        }
        process.waitUntilExit()
        return false
    }

    /// The files of a model directory, history.csv without its last column (each epoch's seconds).
    static func model(_ directory: String) -> [Data?] {
        let history = FileManager.default.contents(atPath: directory + "/history.csv").map { data in
            Data(String(decoding: data, as: UTF8.self).split(separator: "\n")
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") }
                .joined(separator: "\n").utf8)
        }
        return ["model.json", "weights.safetensors"].map { FileManager.default.contents(atPath: directory + "/" + $0) } + [history]
    }

    /// For every k: a run killed at the k-th moment files land, then resumed, ends with the
    /// uninterrupted run's model files and `compare` files, or is refused (exit 2) leaving the
    /// model directory as the killed run left it.
    static func expectKillsResume(_ arguments: [String], out: String, compare: [String] = [], scratch: Scratch,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        let whole = try CLI.run(arguments + ["--out", scratch.path("whole")])
        #expect(whole.status == 0, "\(whole.stderr)", sourceLocation: sourceLocation)
        let expected = model(scratch.path("whole")), expectedFiles = compare.map { FileManager.default.contents(atPath: scratch.path("whole/" + $0)) }
        var k = 1
        while true {
            let directory = scratch.path("k\(k)")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let run = arguments + ["--out", directory + "/" + out]
            guard try kill(run, atLanding: k, under: directory) else { break }
            let before = model(directory + "/" + out)
            let resumed = try CLI.run(run + ["--resume"])
            #expect(!resumed.crashed, "killed at landing \(k): the resumed run crashed: \(resumed.stderr)", sourceLocation: sourceLocation)
            if resumed.status == 2 {
                #expect(resumed.stderr.contains("--resume"), "killed at landing \(k): \(resumed.stderr)", sourceLocation: sourceLocation)
                #expect(model(directory + "/" + out) == before, "killed at landing \(k): a refused resume changed the model", sourceLocation: sourceLocation)
            } else {
                #expect(resumed.status == 0, "killed at landing \(k): \(resumed.stderr)", sourceLocation: sourceLocation)
                #expect(model(directory + "/" + out) == expected, "killed at landing \(k): the resumed model differs from the uninterrupted one", sourceLocation: sourceLocation)
                for (name, data) in zip(compare, expectedFiles) {
                    #expect(FileManager.default.contents(atPath: directory + "/" + out + "/" + name) == data,
                            "killed at landing \(k): \(name) differs", sourceLocation: sourceLocation)
                }
            }
            k += 1
        }
        #expect(k > 4, "the run finished before files landed a fourth time: nothing was interrupted", sourceLocation: sourceLocation)
    }

    @Test func aFitKilledWhenAnyFileLandsResumesToTheSameBytes() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 60))
        try Self.expectKillsResume(["fit", data, "--epochs", "2", "--seed", "4", "--patience", "5", "--validation-split", "0.2", "--quiet"],
                                   out: "m", scratch: scratch)
    }

    @Test func anEnsembleFitKilledWhenAnyFileLandsResumesToTheSameBytes() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 60))
        try Self.expectKillsResume(["fit", data, "--epochs", "2", "--seed", "4", "--ensemble", "2", "--quiet"], out: "m", scratch: scratch)
    }

    @Test func aTuneKilledAtAnyTrialBoundaryResumesToTheSameBytes() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 40))
        try Self.expectKillsResume(["tune", data, "--trials", "4", "--epochs", "4", "--seed", "3", "--folds", "2", "--quiet"],
                                   out: "t", compare: ["tuning.csv"], scratch: scratch)
    }

    /// Another table's checkpoint, or another --family, is refused before training, naming the
    /// difference; the model fitted before stays as it was.
    @Test func resumingAnotherRunsCheckpointIsRefused() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let a = try scratch.write("a.csv", Fixtures.regressionCSV(rows: 60))
        let b = try scratch.write("b.csv", Fixtures.regressionCSV(rows: 50))
        let out = scratch.path("m")
        let first = try CLI.run(["fit", a, "--out", out, "--epochs", "2", "--quiet"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = Self.model(out)
        try BadInputTests.expectRejected(["fit", b, "--out", out, "--epochs", "3", "--quiet", "--resume"],
                                         naming: ["--resume", "m.checkpoint", "another run", "data: rows 60 against 50", "delete", "drop --resume"])
        try BadInputTests.expectRejected(["fit", a, "--out", out, "--epochs", "3", "--quiet", "--resume", "--family", "laplace"],
                                         naming: ["--resume", "family normal against laplace"])
        try BadInputTests.expectRejected(["fit", a, "--out", out, "--epochs", "3", "--quiet", "--resume", "--lr", "0.01"],
                                         naming: ["--resume", "optimizer"])
        #expect(Self.model(out) == before, "a refused resume changed the model")
    }

    /// `tune --resume` over another table's tuning.csv is refused naming the line and the data.
    @Test func resumingAnotherTablesSearchIsRefused() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let a = try scratch.write("a.csv", Fixtures.regressionCSV(rows: 40))
        var other = Fixtures.regressionCSV(rows: 40).split(separator: "\n").map(String.init)
        other[3] = "0.5000,9.0000"  // one value differs: the same rows and columns
        let b = try scratch.write("b.csv", other.joined(separator: "\n") + "\n")
        let common = ["--trials", "2", "--epochs", "3", "--folds", "2", "--quiet"]
        let out = scratch.path("t")
        let first = try CLI.run(["tune", a, "--out", out] + common)
        #expect(first.status == 0, "\(first.stderr)")
        let before = Self.model(out)
        try BadInputTests.expectRejected(["tune", b, "--out", out, "--resume"] + common,
                                         naming: ["--resume", "tuning.csv", "line 2", "values (checksum"])
        #expect(Self.model(out) == before, "a refused resume changed the model")
        // --ensemble applies to the refit only: the search resumes to refit an ensemble.
        let ensemble = try CLI.run(["tune", a, "--out", out, "--resume", "--ensemble", "2"] + common)
        #expect(ensemble.status == 0, "\(ensemble.stderr)")
    }
}
