import Foundation
import Testing

extension Fixtures {
    /// The bytes of one CIFAR record: `labels` then 3072 channel-planar pixels in which class
    /// `label` lights rows r ≡ label (mod 3) of channel label mod 3 and leaves noise elsewhere.
    static func cifarRecord(labels: [UInt8], pattern label: Int, stream s: inout Stream) -> [UInt8] {
        var bytes = labels
        for k in 0..<3 {
            for r in 0..<32 {
                for _ in 0..<32 { bytes.append(k == label % 3 && r % 3 == label % 3 ? 220 : UInt8(s.next() * 60)) }
            }
        }
        return bytes
    }

    /// A CIFAR-10 directory: five data batches and a test batch of `perBatch` records with
    /// labels 0, 1, 2 in turn, and `batches.meta.txt` with ten names and CIFAR's blank lines.
    static func writeCIFAR10(in scratch: Scratch, directory: String, perBatch: Int = 30,
                             names: [String] = Fixtures.cifar10Names) throws {
        var s = Stream(state: 5)
        for file in (1...5).map({ "data_batch_\($0).bin" }) + ["test_batch.bin"] {
            var bytes: [UInt8] = []
            for i in 0..<perBatch { bytes += cifarRecord(labels: [UInt8(i % 3)], pattern: i % 3, stream: &s) }
            try scratch.write("\(directory)/\(file)", Data(bytes))
        }
        try scratch.write("\(directory)/batches.meta.txt", names.joined(separator: "\n") + "\n\n")
    }

    static let cifar10Names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
}

/// DATA in the CIFAR-10 and CIFAR-100 binary layouts (docs/data.md), on files the tests write.
@Suite struct CIFARTests {
    @Test func aCIFAR10DirectoryFitsEvaluatesAndNamesItsClasses() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try Fixtures.writeCIFAR10(in: scratch, directory: "cifar")
        let data = scratch.path("cifar"), model = scratch.path("model")
        let fit = try CLI.run(["fit", data, "--out", model, "--arch", "mlp", "--hidden", "32", "--epochs", "8",
                               "--lr", "0.003", "--seed", "1", "--quiet"])
        #expect(fit.status == 0, "\(fit.stderr)")
        let description = try EndToEndTests.json(String(contentsOfFile: "\(model)/model.json", encoding: .utf8))
        #expect(description["class_names"] as? [String] == Fixtures.cifar10Names, "\(description["class_names"] ?? "none")")
        #expect(description["input_shape"] as? [Int] == [3072], "mlp flattens the images: \(description["input_shape"] ?? "none")")

        // The test batch: 30 images of three easily told classes.
        let evaluate = try CLI.run(["evaluate", model, data, "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let report = try EndToEndTests.json(evaluate.stdout)
        #expect(report["n"] as? Int == 30 && (report["accuracy"] as? Double ?? 0) > 0.9, "\(evaluate.stdout)")
        let train = try EndToEndTests.json(try CLI.run(["evaluate", model, data, "--split", "train", "--json"]).stdout)
        #expect(train["n"] as? Int == 150)

        // Predictions and the report name the classes from batches.meta.txt.
        let predict = try CLI.run(["predict", model, data])
        let rows = predict.stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let column = try #require(rows.first?.firstIndex(of: "predicted"), "\(predict.stdout.prefix(200))")
        #expect(rows.count == 31 && rows.dropFirst().map { $0[column] }.prefix(3) == ["airplane", "automobile", "bird"],
                "\(rows.prefix(4))")
        // The default network for images, seed-cnn, takes them as 32×32×3.
        let cnn = try CLI.run(["fit", data, "--out", scratch.path("cnn"), "--epochs", "1", "--quiet"])
        #expect(cnn.status == 0, "\(cnn.stderr)")
        let cnnDescription = try EndToEndTests.json(String(contentsOfFile: scratch.path("cnn/model.json"), encoding: .utf8))
        #expect(cnnDescription["input_shape"] as? [Int] == [32, 32, 3], "\(cnnDescription["input_shape"] ?? "none")")
        #expect(try CLI.run(["evaluate", scratch.path("cnn"), data, "--mc-samples", "3", "--json"]).status == 0)

        let page = scratch.path("report.html")
        #expect(try CLI.run(["evaluate", model, data, "--report", page]).status == 0)
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("automobile"))
    }

    @Test func cifar100TrainsOnTheFineOrTheCoarseLabel() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Record i: coarse label i mod 3, fine label 10 + i mod 3 (the pattern follows the coarse one).
        var s = Fixtures.Stream(state: 9)
        for file in ["train.bin", "test.bin"] {
            var bytes: [UInt8] = []
            for i in 0..<24 {
                let coarse = UInt8(i % 3)
                bytes += Fixtures.cifarRecord(labels: [coarse, 10 + coarse], pattern: i % 3, stream: &s)
            }
            try scratch.write("c100/\(file)", Data(bytes))
        }
        try scratch.write("c100/coarse_label_names.txt", (0..<20).map { "super\($0)" }.joined(separator: "\n") + "\n")
        let data = scratch.path("c100")
        let common = ["--arch", "mlp", "--hidden", "8", "--epochs", "1", "--quiet"]

        let coarse = try CLI.run(["fit", data, "--out", scratch.path("coarse"), "--label", "coarse"] + common)
        #expect(coarse.status == 0, "\(coarse.stderr)")
        let coarseNames = try EndToEndTests.json(String(contentsOfFile: scratch.path("coarse/model.json"), encoding: .utf8))["class_names"]
        #expect((coarseNames as? [String])?.prefix(2) == ["super0", "super1"] && (coarseNames as? [String])?.count == 20)
        // evaluate reads the coarse label for a 20-class model: labels 0, 1, 2.
        #expect(try CLI.run(["evaluate", scratch.path("coarse"), data, "--json"]).status == 0)

        // The default is fine; without fine_label_names.txt the classes are the indices.
        let fine = try CLI.run(["fit", data, "--out", scratch.path("fine")] + common)
        #expect(fine.status == 0, "\(fine.stderr)")
        let fineNames = try EndToEndTests.json(String(contentsOfFile: scratch.path("fine/model.json"), encoding: .utf8))["class_names"]
        #expect((fineNames as? [String]) == (0..<100).map(String.init))
        let predict = try CLI.run(["predict", scratch.path("fine"), data])
        #expect(predict.status == 0 && predict.stdout.hasPrefix("p_0,"), "\(predict.stderr)")
    }

    @Test func badCIFARInputIsExit2NamingTheFile() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try Fixtures.writeCIFAR10(in: scratch, directory: "short", perBatch: 2)
        // A batch cut mid-record.
        let cut = scratch.path("short/data_batch_3.bin")
        try Data(try Data(contentsOf: URL(fileURLWithPath: cut)).prefix(3073 + 100)).write(to: URL(fileURLWithPath: cut))
        let short = try CLI.run(["fit", scratch.path("short"), "--out", scratch.path("m"), "--quiet"])
        #expect(short.status == 2 && short.stderr.contains("data_batch_3.bin") && short.stderr.contains("3173 bytes"), "\(short.stderr)")

        // A label beyond the ten classes, and a names file of the wrong length.
        try Fixtures.writeCIFAR10(in: scratch, directory: "label", perBatch: 2)
        var s = Fixtures.Stream(state: 1)
        var record = Fixtures.cifarRecord(labels: [12], pattern: 0, stream: &s)
        record += record
        try scratch.write("label/test_batch.bin", Data(record))
        let label = try CLI.run(["fit", scratch.path("label"), "--out", scratch.path("m"), "--quiet"])
        #expect(label.status == 0, "the train batches are fine: \(label.stderr)")
        let evaluate = try CLI.run(["evaluate", scratch.path("m"), scratch.path("label")])
        #expect(evaluate.status == 2 && evaluate.stderr.contains("test_batch.bin: record 0") && evaluate.stderr.contains("label 12"),
                "\(evaluate.stderr)")
        try Fixtures.writeCIFAR10(in: scratch, directory: "names", perBatch: 2, names: ["a", "b"])
        let names = try CLI.run(["fit", scratch.path("names"), "--out", scratch.path("n"), "--quiet"])
        #expect(names.status == 2 && names.stderr.contains("batches.meta.txt") && names.stderr.contains("2 class names"), "\(names.stderr)")

        // A FIFO in place of a batch is refused before it is opened (a read could block forever).
        try Fixtures.writeCIFAR10(in: scratch, directory: "fifo", perBatch: 2)
        try FileManager.default.removeItem(atPath: scratch.path("fifo/data_batch_2.bin"))
        try #require(mkfifo(scratch.path("fifo/data_batch_2.bin"), 0o644) == 0)
        let fifo = try CLI.run(["fit", scratch.path("fifo"), "--out", scratch.path("f"), "--quiet"], timeout: 60)
        #expect(fifo.status == 2 && fifo.stderr.contains("data_batch_2.bin") && fifo.stderr.contains("FIFO"), "\(fifo.stderr)")

        // --label is for CIFAR-100 only.
        let misuse = try CLI.run(["fit", scratch.path("names"), "--out", scratch.path("n"), "--label", "coarse"])
        #expect(misuse.status == 2 && misuse.stderr.contains("CIFAR-10 directory, which has one label"), "\(misuse.stderr)")
    }
}
