import Foundation
import Testing

/// Outputs never destroy what the user did not ask to replace, and a failed write is an
/// error with the reason: devices, FIFOs, symbolic links, inputs, model directories, full
/// disks, concurrent writers and a killed fit.
@Suite struct OutputPathTests {
    /// A fitted model and its data in a fresh scratch directory.
    static func fitted(_ scratch: Scratch, name: String = "model", hidden: String = "4") throws -> (model: String, data: String) {
        let data = try scratch.write("data.csv", Fixtures.regressionCSV(rows: 40))
        let model = scratch.path(name)
        let r = try CLI.run(["fit", data, "--out", model, "--epochs", "2", "--hidden", hidden, "--quiet"])
        try #require(r.status == 0, "fit failed: \(r.stderr)")
        return (model, data)
    }

    /// Every file below `directory` (relative path) with its bytes.
    static func snapshot(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let name = enumerator?.nextObject() as? String {
            if case .typeRegular? = enumerator?.fileAttributes?[.type] as? FileAttributeType {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            }
        }
        return files
    }

    /// A device node like /dev/full (major 1, minor 7) made by the test in its own directory,
    /// or `nil` when this system does not let it (then the test says so and returns).
    static func fullDevice(in scratch: Scratch) -> String? {
        let path = scratch.path("full")
        return mknod(path, S_IFCHR | 0o666, makedev(1, 7)) == 0 ? path : nil
    }

    static func makedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
        dev_t((major & 0xfff) << 8 | (minor & 0xff) | ((minor & ~0xff) << 12))
    }

    @Test func aFullDiskIsExitOneWithTheReasonNeverACrash() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        guard let full = Self.fullDevice(in: scratch) else {
            print("note: mknod is not permitted here; the full-disk cases were not run")
            return
        }
        let (model, data) = try Self.fitted(scratch)
        let runs: [[String]] = [
            ["predict", model, data], ["sample", model, data, "--draws", "3"], ["evaluate", model, data, "--json"],
            ["evaluate", model, data], ["dist", "normal", "--loc", "0", "--scale", "1", "--sample", "5"],
        ]
        for arguments in runs {
            let r = try CLI.run(arguments, stdout: full)
            #expect(!r.crashed && r.status == 1, "likely \(arguments.joined(separator: " ")) > full: status \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("No space left on device"), "\(arguments): \(r.stderr)")
        }
        // --out onto the device writes to it in place (and fails the same way), never replacing it.
        let r = try CLI.run(["predict", model, data, "--out", full])
        #expect(!r.crashed && r.status == 1 && r.stderr.contains("No space left on device"), "\(r.status) \(r.stderr)")
        var info = stat()
        #expect(stat(full, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "the device node is still a device")
    }

    @Test func streamsLinksAndDirectoriesAsOutputs() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (model, data) = try Self.fitted(scratch)
        // A FIFO that nobody reads: refused at once instead of waiting, and left a FIFO.
        let fifo = scratch.path("pipe")
        try #require(mkfifo(fifo, 0o644) == 0)
        let r = try CLI.run(["predict", model, data, "--out", fifo], timeout: 60)
        #expect(!r.crashed && r.status == 2 && r.stderr.contains("FIFO"), "\(r.status) \(r.stderr)")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        // A symbolic link is written through: the target gets the rows, the link stays a link.
        let target = try scratch.write("target.csv", "old\n")
        let link = scratch.path("link.csv")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.csv")
        let linked = try CLI.run(["predict", model, data, "--out", link])
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("mean,sd"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "target.csv")
        // A directory is refused.
        try BadInputTests.expectRejected(["predict", model, data, "--out", scratch.url.path], naming: ["--out", "directory"])
        // /dev/null is a character device: written in place.
        #expect(try CLI.run(["predict", model, data, "--out", "/dev/null"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: "/dev/null"))
    }

    @Test func anOutputIsNeverAnInputNorInsideTheModel() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (model, data) = try Self.fitted(scratch)
        let before = try Self.snapshot(scratch.url.path)
        try BadInputTests.expectRejected(["predict", model, data, "--out", data], naming: ["--out", "DATA", "reads"])
        try BadInputTests.expectRejected(["sample", model, data, "--draws", "2", "--out", model + "/model.json"],
                                         naming: ["--out", "inside MODEL_DIR"])
        try BadInputTests.expectRejected(["predict", model, data, "--out", model], naming: ["--out", "MODEL_DIR"])
        try BadInputTests.expectRejected(["evaluate", model, data, "--plots", model + "/plots"], naming: ["--plots", "inside MODEL_DIR"])
        try BadInputTests.expectRejected(["evaluate", model, data, "--report", data], naming: ["--report", "DATA", "reads"])
        try BadInputTests.expectRejected(["evaluate", model, data, "--report", model + "/model.json"], naming: ["--report", "inside MODEL_DIR"])
        // The same file under another name (a hard link, a path with ..) is still the input.
        let hard = scratch.path("hard.csv")
        try FileManager.default.linkItem(atPath: data, toPath: hard)
        try BadInputTests.expectRejected(["predict", model, data, "--out", hard], naming: ["--out", "DATA"])
        try BadInputTests.expectRejected(["predict", model, data, "--out", model + "/../data.csv"], naming: ["--out", "DATA"])
        try FileManager.default.removeItem(atPath: hard)
        try BadInputTests.expectRejected(["fit", data, "--out", data], naming: ["--out", "DATA"])
        #expect(try Self.snapshot(scratch.url.path) == before, "no file changed")
    }

    @Test func everyOutputPathIsCheckedBeforeTheOldModelIsTouched() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (model, data) = try Self.fitted(scratch)
        let old = try Self.snapshot(model)
        let plotsFile = try scratch.write("plots-file", "not a directory\n")
        try BadInputTests.expectRejected(["fit", data, "--out", model, "--plots", plotsFile, "--epochs", "3"],
                                         naming: ["--plots", "plots-file", "not a directory"])
        // A model file that is a FIFO, and a plot that is a directory: refused before training.
        let second = scratch.path("second")
        try FileManager.default.createDirectory(atPath: second, withIntermediateDirectories: true)
        try #require(mkfifo(second + "/model.json", 0o644) == 0)
        let r = try CLI.run(["fit", data, "--out", second, "--epochs", "2"], timeout: 60)
        #expect(r.status == 2 && r.stderr.contains("model.json") && r.stderr.contains("FIFO"), "\(r.status) \(r.stderr)")
        try FileManager.default.createDirectory(atPath: scratch.path("plots/loss.svg"), withIntermediateDirectories: true)
        try BadInputTests.expectRejected(["fit", data, "--out", model, "--plots", scratch.path("plots")], naming: ["loss.svg", "directory"])
        #expect(try Self.snapshot(model) == old, "the old model is intact")
        #expect(!r.stdout.contains("epoch") && !r.stderr.contains("epoch 1/"), "no training ran")
    }

    @Test func concurrentFitsLeaveOneWholeModel() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV(rows: 200))
        let model = scratch.path("shared")
        // Different widths: weights of one fit with model.json of the other would not load.
        let widths = ["3", "5", "7", "9"]
        let results = Locked([CLIResult?](repeating: nil, count: widths.count))
        DispatchQueue.concurrentPerform(iterations: widths.count) { i in
            let r = try? CLI.run(["fit", data, "--out", model, "--epochs", "3", "--hidden", widths[i], "--quiet"])
            results.withLock { $0[i] = r }
        }
        for r in results.withLock({ $0 }) { #expect(r?.status == 0, "\(r?.stderr ?? "did not run")") }
        let summary = try CLI.run(["predict", model, data])
        #expect(summary.status == 0, "the model loads: \(summary.stderr)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: model).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "no temporary files left: \(leftovers)")
    }

    @Test func aFitKilledMidRunLeavesTheOldModelWhole() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (model, data) = try Self.fitted(scratch)
        let old = try Self.snapshot(model)
        let process = try CLI.start(["fit", data, "--out", model, "--epochs", "1000000", "--batch-size", "1"])
        let r = try CLI.finish(process, timeout: 2)
        #expect(r.crashed, "the fit was still running when it was killed")
        #expect(try Self.snapshot(model) == old)
        #expect(try CLI.run(["predict", model, data]).status == 0)
    }
}

/// A value shared between threads under a lock.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// Inputs that are not regular files (a FIFO with no writer would block a read forever).
@Suite struct NonRegularInputTests {
    @Test func aFIFOAsDataOrModelFileIsRefusedAtOnce() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (model, data) = try OutputPathTests.fitted(scratch)
        let fifo = scratch.path("data.fifo")
        try #require(mkfifo(fifo, 0o644) == 0)
        for arguments in [["fit", fifo, "--out", scratch.path("m2")], ["predict", model, fifo], ["evaluate", model, fifo]] {
            let r = try CLI.run(arguments, timeout: 60)
            #expect(!r.crashed && r.status == 2, "likely \(arguments.joined(separator: " ")): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("data.fifo") && r.stderr.contains("not a regular file"), "\(r.stderr)")
        }
        // A model directory whose model.json is a FIFO.
        let broken = scratch.path("broken")
        try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: model + "/weights.safetensors", toPath: broken + "/weights.safetensors")
        try #require(mkfifo(broken + "/model.json", 0o644) == 0)
        let r = try CLI.run(["predict", broken, data], timeout: 60)
        #expect(!r.crashed && r.status == 2 && r.stderr.contains("model.json") && r.stderr.contains("FIFO"), "\(r.status) \(r.stderr)")
    }
}

/// Allocations that outside input controls are sized before they are made.
@Suite struct SizeLimitTests {
    @Test func aNetworkTooLargeIsRefusedWithItsSize() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (model, data) = try OutputPathTests.fitted(scratch)
        // 1 input → 10⁶ → 10⁶: the second layer alone holds 10¹² weights (4.0 TB).
        try BadInputTests.expectRejected(["fit", data, "--out", scratch.path("big"), "--hidden", "1000000,1000000"],
                                         naming: ["--hidden", "(dense)", "4.0 TB", "268435456"])
        #expect(!FileManager.default.fileExists(atPath: scratch.path("big")))
        // A model.json whose first dense layer has 10¹² units.
        let json = try String(contentsOfFile: model + "/model.json", encoding: .utf8)
        let huge = json.replacingOccurrences(of: "\"units\" : 4", with: "\"units\" : 1000000000000")
        try #require(huge != json)
        try scratch.write("huge/model.json", huge)
        try FileManager.default.copyItem(atPath: model + "/weights.safetensors", toPath: scratch.path("huge/weights.safetensors"))
        try BadInputTests.expectRejected(["predict", scratch.path("huge"), data], naming: ["model.json", "layers[0] (dense)", "TB"])
    }
}

/// Messages that tell the truth: real bounds, negative numbers named as such, ignored
/// options refused, and the kept epoch's own validation NLL.
@Suite struct TruthfulMessageTests {
    @Test func boundsNegativesAndIgnoredOptions() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV(rows: 40))
        let out = scratch.path("m")
        try BadInputTests.expectRejected(["fit", data, "--out", out, "--epochs", "2000000"], naming: ["--epochs", "1...1000000"])
        try BadInputTests.expectRejected(["fit", data, "--out", out, "--seed", "-1"], naming: ["--seed", "0...", "-1"])
        try BadInputTests.expectRejected(["fit", data, "--out", out, "--epochs", "-5"], naming: ["--epochs", "-5"])
        try BadInputTests.expectRejected(["fit", data, "--out", out, "--momentum", "0.9"], naming: ["--momentum", "adam"])
        try BadInputTests.expectRejected(["fit", data, "--out", out, "--components", "4"], naming: ["--components", "mdn"])
        try BadInputTests.expectRejected(["fit", data, "--out", out, "--calibrate-mc-samples", "5"], naming: ["--calibrate-mc-samples", "--calibrate"])
        for r in [try CLI.run(["fit", data, "--out", out, "--seed", "-1"])] {
            #expect(!r.stderr.contains("Missing value"), "\(r.stderr)")
        }
    }

    @Test func theKeptEpochsValidationNLLAndTheTrainingCount() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV(rows: 100))
        let r = try CLI.run(["fit", data, "--out", scratch.path("m"), "--epochs", "40", "--validation-split", "0.2",
                             "--patience", "3", "--lr", "0.05"])
        try #require(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("on 80 examples (20 more held out for validation)"), "\(r.stderr)")
        let history = try String(contentsOfFile: scratch.path("m/history.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let kept = try #require(r.stdout.range(of: #"kept epoch (\d+)"#, options: .regularExpression)
            .map { Int(r.stdout[$0].split(separator: " ").last!)! })
        let row = try #require(history.first { Int($0[0]) == kept })
        let printed = try #require(r.stdout.range(of: #"its validation NLL (-?[0-9.]+)"#, options: .regularExpression)
            .map { Double(r.stdout[$0].split(separator: " ").last!)! })
        #expect(abs(printed - Double(row[2])!) < 1e-4, "kept epoch \(kept): printed \(printed), history \(row[2])")
    }
}
