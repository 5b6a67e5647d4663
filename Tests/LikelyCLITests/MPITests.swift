import Foundation
import Testing

/// `mpirun -np 2 likely …` on loopback: the same answers as one process.
@Suite(.serialized)
struct MPITests {
    static let mpirunAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/mpirun")

    @Test(.enabled(if: mpirunAvailable))
    func twoProcessesFitTheSameWeightsAndPredictTheSameBytes() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 120))
        let common = ["--epochs", "4", "--batch-size", "16", "--seed", "3", "--quiet"]
        let one = try CLI.run(["fit", data, "--out", scratch.path("one")] + common)
        let two = try CLI.run(["fit", data, "--out", scratch.path("two")] + common, processes: 2)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(two.status == 0, "\(two.stderr)")

        // every weight equal (the outside check allows 1e-3 relative; the sums are exact)
        let worst = try Self.largestRelativeDifference(scratch.path("one/weights.safetensors"), scratch.path("two/weights.safetensors"))
        #expect(worst == 0, "largest relative weight difference \(worst)")

        // MC-dropout predict: the same bytes for 1 and 2 processes
        try Self.expectSamePredictions(scratch.path("one"), data, ["--mc-samples", "20", "--seed", "7"], in: scratch)

        // evaluate: the same JSON
        let e1 = try CLI.run(["evaluate", scratch.path("one"), data, "--mc-samples", "10", "--json"])
        let e2 = try CLI.run(["evaluate", scratch.path("one"), data, "--mc-samples", "10", "--json"], processes: 2)
        #expect(e1.status == 0 && !e1.stdout.isEmpty && e1.stdout == e2.stdout)
    }

    /// With dropout: every example draws its masks from (seed, dropout, epoch, example), so
    /// two processes, each computing one of a batch's two 64-row micro-batches, save the
    /// weights of one process computing both; and MC-dropout predictions of the model are
    /// the same bytes for 1 and 2 processes.
    @Test(.enabled(if: mpirunAvailable))
    func twoProcessesFitTheSameWeightsWithDropout() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 300))
        let common = ["--epochs", "3", "--batch-size", "128", "--dropout", "0.2", "--hidden", "16,16", "--seed", "4", "--quiet"]
        let one = try CLI.run(["fit", data, "--out", scratch.path("one")] + common)
        let two = try CLI.run(["fit", data, "--out", scratch.path("two")] + common, processes: 2)
        #expect(one.status == 0 && two.status == 0, "\(one.stderr) \(two.stderr)")
        let worst = try Self.largestRelativeDifference(scratch.path("one/weights.safetensors"), scratch.path("two/weights.safetensors"))
        #expect(worst <= 1e-6, "largest relative weight difference \(worst)")

        try Self.expectSamePredictions(scratch.path("one"), data, ["--mc-samples", "8", "--seed", "2"], in: scratch)
    }

    /// `--ensemble 4` under `mpirun -np 2` trains members member-parallel (rank 0 members 0
    /// and 2, rank 1 members 1 and 3) and saves the same bytes as one process, with dropout
    /// on; `--ensemble 3 -np 4` (fewer members than ranks) trains each member data-parallel;
    /// and predictions of the ensemble are the same bytes for 1 and 2 processes.
    @Test(.enabled(if: mpirunAvailable))
    func twoProcessesFitTheSameEnsemble() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 200))
        let common = ["--epochs", "2", "--batch-size", "128", "--dropout", "0.2", "--hidden", "16,16", "--seed", "6",
                      "--validation-split", "0.2", "--quiet"]
        let one = try CLI.run(["fit", data, "--out", scratch.path("one"), "--ensemble", "4"] + common)
        let two = try CLI.run(["fit", data, "--out", scratch.path("two"), "--ensemble", "4"] + common, processes: 2)
        #expect(one.status == 0 && two.status == 0, "\(one.stderr) \(two.stderr)")
        for file in ["weights.safetensors", "model.json"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: scratch.path("one/" + file)))
            let b = try Data(contentsOf: URL(fileURLWithPath: scratch.path("two/" + file)))
            #expect(!a.isEmpty && a == b, "\(file) differs between 1 and 2 processes")
        }
        let h1 = try String(contentsOfFile: scratch.path("one/history.csv"), encoding: .utf8)
        let h2 = try String(contentsOfFile: scratch.path("two/history.csv"), encoding: .utf8)
        // the same rows but for the seconds column
        func withoutSeconds(_ csv: String) -> [String] { csv.split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") } }
        #expect(withoutSeconds(h1) == withoutSeconds(h2) && withoutSeconds(h1).count == 1 + 4 * 2)

        let three = try CLI.run(["fit", data, "--out", scratch.path("three"), "--ensemble", "3"] + common)
        let four = try CLI.run(["fit", data, "--out", scratch.path("four"), "--ensemble", "3"] + common, processes: 4)
        #expect(three.status == 0 && four.status == 0, "\(three.stderr) \(four.stderr)")
        let worst = try Self.largestRelativeDifference(scratch.path("three/weights.safetensors"), scratch.path("four/weights.safetensors"))
        #expect(worst <= 1e-6, "largest relative weight difference \(worst)")

        try Self.expectSamePredictions(scratch.path("one"), data, ["--mc-samples", "3", "--seed", "2"], in: scratch)
    }

    /// `likely laplace` under `mpirun -np 2`: each rank sums the curvature of its half of the
    /// rows and one allreduce adds them, so the stored posterior is one process's up to
    /// rounding: the prior precision and the evidence within 1e-6 relative, the Laplace
    /// predictive's NLL within 1e-6 relative. For every structure, with one δ per layer.
    @Test(.enabled(if: mpirunAvailable), arguments: ["full", "last-layer", "kfac", "ekfac", "diagonal"])
    func twoProcessesFitTheSameLaplacePosterior(structure: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 150))
        #expect(try CLI.run(["fit", data, "--out", scratch.path("one"), "--epochs", "3", "--hidden", "8,8", "--seed", "5", "--quiet"]).status == 0)
        try FileManager.default.copyItem(atPath: scratch.path("one"), toPath: scratch.path("two"))
        let options = ["--structure", structure, "--prior-precision", "auto-per-layer", "--json"]
        let one = try CLI.run(["laplace", scratch.path("one"), data] + options)
        let two = try CLI.run(["laplace", scratch.path("two"), data] + options, processes: 2)
        #expect(one.status == 0 && two.status == 0, "\(one.stderr) \(two.stderr)")
        func entry(_ text: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        let (a, b) = (try entry(one.stdout), try entry(two.stdout))
        func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 1e-6 * max(abs(x), abs(y)) }
        // One member: a number, or one per layer.
        func delta(_ e: [String: Any]) -> [Double] {
            let first = (e["prior_precision"] as? [Any])?.first
            return first as? [Double] ?? (first as? Double).map { [$0] } ?? []
        }
        let deltas = (delta(a), delta(b))
        #expect(deltas.0.count == (structure == "last-layer" ? 1 : 3) && deltas.0.count == deltas.1.count)
        #expect(zip(deltas.0, deltas.1).allSatisfy(close), "prior precision \(deltas.0) vs \(deltas.1)")
        let evidence = ((a["log_marginal_likelihood"] as? [Double])?.first ?? 0, (b["log_marginal_likelihood"] as? [Double])?.first ?? 1)
        #expect(close(evidence.0, evidence.1), "evidence \(evidence)")
        #expect(a["n"] as? Int == 150 && b["n"] as? Int == 150)
        let nll = try ["one", "two"].map { model in
            try entry(try CLI.run(["evaluate", scratch.path(model), data, "--mc-samples", "20", "--json"]).stdout)["nll"] as? Double ?? .nan
        }
        #expect(close(nll[0], nll[1]), "Laplace NLL \(nll)")
    }

    /// `likely predict model data options…` writes the same bytes as 1 and as 2 processes.
    static func expectSamePredictions(_ model: String, _ data: String, _ options: [String], in scratch: Scratch) throws {
        let p1 = try CLI.run(["predict", model, data] + options + ["--out", scratch.path("p1.csv")])
        let p2 = try CLI.run(["predict", model, data] + options + ["--out", scratch.path("p2.csv")], processes: 2)
        #expect(p1.status == 0 && p2.status == 0, "\(p1.stderr) \(p2.stderr)")
        let bytes1 = try Data(contentsOf: URL(fileURLWithPath: scratch.path("p1.csv")))
        let bytes2 = try Data(contentsOf: URL(fileURLWithPath: scratch.path("p2.csv")))
        #expect(!bytes1.isEmpty && bytes1 == bytes2)
    }

    /// The largest |a − b| / max(10⁻³, |a|) over the tensors of two safetensors files, read
    /// by the safetensors package (an independent reader).
    static func largestRelativeDifference(_ a: String, _ b: String) throws -> Double {
        let script = """
        import sys, numpy as np
        from safetensors.numpy import load_file
        a, b = load_file(sys.argv[1]), load_file(sys.argv[2])
        assert a.keys() == b.keys()
        print(max(float(np.max(np.abs(a[k] - b[k]) / np.maximum(1e-3, np.abs(a[k])))) for k in a))
        """
        let compare = Process()
        compare.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compare.arguments = ["python3", "-c", script, a, b]
        let pipe = Pipe()
        compare.standardOutput = pipe
        try compare.run()
        compare.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard compare.terminationStatus == 0, let worst = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return .infinity
        }
        return worst
    }

    @Test(.enabled(if: mpirunAvailable))
    func aMalformedFileEndsTheWholeJobQuicklyWithExitTwo() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let bad = try scratch.write("bad.csv", "x,y\n1,2\n3\n")
        let result = try CLI.run(["fit", bad, "--out", scratch.path("m")], processes: 2)
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.csv"))
    }
}
