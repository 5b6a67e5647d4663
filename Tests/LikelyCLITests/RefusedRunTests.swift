import Foundation
import Testing

/// Runs refused before any work, or stopped by the documented exit 1: a fit never saves what
/// load refuses, calibrates only on enough data, reads no empty image set, and never traps on
/// a diverging count model; evaluate sizes every pass before the first.
@Suite struct RefusedRunTests {
    /// The model files, to show a refused run left them as they were.
    static func files(_ directory: String) -> [Data?] {
        ["model.json", "weights.safetensors"].map { FileManager.default.contents(atPath: directory + "/" + $0) }
    }

    /// A small model in `m`, for the refused runs to leave alone.
    static func oldModel(_ scratch: Scratch) throws -> String {
        let data = try scratch.write("old.csv", Fixtures.regressionCSV(rows: 30))
        let fit = try CLI.run(["fit", data, "--out", scratch.path("m"), "--epochs", "1", "--quiet"])
        #expect(fit.status == 0, "\(fit.stderr)")
        return scratch.path("m")
    }

    /// NPY labels {0, 1000000} ask for 1,000,001 classes, more than a model file may hold
    /// (100,000): refused before training, naming y.npy and the element.
    @Test func classLabelsBeyondTheLoadLimitAreRefused() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let out = try Self.oldModel(scratch)
        let before = Self.files(out)
        try scratch.write("a/x.npy", Fixtures.npy(shape: [4, 2], [0, 1, 1, 0, 0.5, 0.5, 1, 1]))
        try scratch.write("a/y.npy", Fixtures.npy(shape: [4], [0, 1_000_000, 0, 1_000_000]))
        try BadInputTests.expectRejected(["fit", scratch.path("a"), "--out", out, "--family", "categorical", "--quiet"],
                                         naming: ["y.npy", "element [1]", "1000000", "0...99999"])
        try scratch.write("b/x.npy", Fixtures.npy(shape: [2, 2], [0, 1, 1, 0]))
        try scratch.write("b/y.npy", Fixtures.npy(shape: [2], [0, 99_999]))  // 100,000 classes: the limit, allowed
        let fit = try CLI.run(["fit", scratch.path("b"), "--out", scratch.path("wide"), "--family", "categorical", "--hidden", "",
                               "--epochs", "1", "--quiet"])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(Self.files(out) == before)
    }

    /// Two well-separated classes, `rows` rows: x near −3 for class a, near +3 for class b.
    static func separable(_ rows: Int, oneClass: Bool = false) -> String {
        var s = Fixtures.Stream(state: 11), lines = ["x,label"]
        for i in 0..<rows {
            let b = !oneClass && i % 2 == 1
            lines.append(String(format: "%.4f,", (b ? 3 : -3) + s.next() - 0.5) + (b ? "b" : "a"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func calibrationOnTooLittleValidationDataIsRefused() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let out = try Self.oldModel(scratch)
        let before = Self.files(out)
        let data = try scratch.write("c.csv", Self.separable(40))
        // 10 % of 40 rows: 4 validation examples.
        try BadInputTests.expectRejected(["fit", data, "--out", out, "--calibrate", "--validation-split", "0.1", "--quiet"],
                                         naming: ["temperature scaling", "at least 20", "got 4", "validation"])
        // One class in the validation data: 59 a and one b, whose stratified 40 % (0.4 of one
        // example, rounded) is none.
        var lines = ["x,y"]
        for i in 0..<60 { lines.append("\(i),\(i == 5 ? "b" : "a")") }
        let skewed = try scratch.write("s.csv", lines.joined(separator: "\n") + "\n")
        try BadInputTests.expectRejected(["fit", skewed, "--out", out, "--calibrate", "--validation-split", "0.4", "--quiet"],
                                         naming: ["at least 2 classes", "got 24 of 1 class"])
        #expect(Self.files(out) == before)
    }

    /// Separable classes fitted to near-certainty: the NLL keeps falling as T → 0, so T ends at
    /// the lower bound 0.01, which the run reports.
    @Test func aTemperatureAtItsSearchBoundIsReported() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("c.csv", Self.separable(200))
        let fit = try CLI.run(["fit", data, "--out", scratch.path("m"), "--calibrate", "--validation-split", "0.2",
                               "--epochs", "60", "--dropout", "0", "--weight-decay", "0", "--lr", "0.01"])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stderr.contains("at a bound of its search range [0.01, 100.0]"), "\(fit.stderr)")  // a note: standard error
    }

    @Test func anIDXDirectoryWithoutImagesIsRefused() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let out = try Self.oldModel(scratch)
        let before = Self.files(out)
        try scratch.write("e/train-images-idx3-ubyte", Fixtures.idx([0, 8, 8], []))
        try scratch.write("e/train-labels-idx1-ubyte", Fixtures.idx([0], []))
        try BadInputTests.expectRejected(["fit", scratch.path("e"), "--out", out, "--quiet"],
                                         naming: ["train-images-idx3-ubyte", "holds 0 images", "at least one image"])
        #expect(Self.files(out) == before)
    }

    /// Counts of millions at learning rate 1: the rate or total count overflows within a few
    /// steps; each family stops with exit 1 naming the epoch, batch and parameter, never a trap.
    @Test func aDivergingCountFitIsExitOneNotATrap() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var s = Fixtures.Stream(state: 5), lines = ["x,y"]
        for _ in 0..<200 { lines.append(String(format: "%.4f,%d", 4 * s.next() - 2, Int(s.next() * 1e7))) }
        let data = try scratch.write("big.csv", lines.joined(separator: "\n") + "\n")
        for family in ["poisson", "negbinomial", "zip"] {
            for extra in [[], ["--validation-split", "0.2"]] {
                let r = try CLI.run(["fit", data, "--out", scratch.path(family), "--family", family, "--lr", "1", "--epochs", "5", "--quiet"] + extra)
                #expect(!r.crashed, "\(family) \(extra) crashed: \(r.stderr.prefix(400))")
                #expect(r.status == 1, "\(family) \(extra): exit \(r.status): \(r.stderr.prefix(400))")
                #expect(r.stderr.contains("at epoch") && r.stderr.contains("batch"), "\(r.stderr.prefix(400))")
            }
        }
    }

    /// `--ood` data too large for the output cap is refused before any pass over DATA: at once,
    /// where the passes over DATA alone would take many seconds.
    @Test func anOODSetBeyondTheOutputCapIsRefusedBeforeAnyPass() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 2000))
        let fit = try CLI.run(["fit", data, "--out", scratch.path("m"), "--epochs", "1", "--hidden", "200,200", "--quiet"])
        #expect(fit.status == 0, "\(fit.stderr)")
        // 30,000 rows × 10,000 passes × 2 raw outputs = 6·10⁸ > 2²⁸; DATA alone: 2000 × 10,000 × 2 = 4·10⁷, allowed.
        let ood = try scratch.write("ood.csv", Fixtures.regressionCSV(rows: 30_000))
        let started = Date()
        try BadInputTests.expectRejected(["evaluate", scratch.path("m"), data, "--ood", ood, "--mc-samples", "10000"],
                                         naming: ["--mc-samples 10000", "--ood", "ood.csv"])
        #expect(Date().timeIntervalSince(started) < 5, "refused only after \(Date().timeIntervalSince(started)) s")
    }
}
