import Foundation
import Testing

/// Data of the wrong kind for a model, options that would be ignored or would not fit in
/// memory, and damaged model files: exit 2 with a message in the user's terms (the field path
/// and the allowed values, never a Swift type or the decoder's wording).
@Suite struct MisuseTests {
    /// Words of Foundation's decoder and of Swift that a message about model.json must not quote.
    static let internals = ["Invalid number of keys", "Cannot initialize", "Expected to decode", "Dictionary<",
                            "Array<", "not valid JSON", "_0\": {", "DecodingError"]

    /// A regression model fitted on 20 rows, in `scratch/good`, with its data.
    static func fitted(in scratch: Scratch) throws -> (model: String, data: String) {
        let data = try scratch.write("data.csv", Fixtures.regressionCSV(rows: 20))
        let fit = try CLI.run(["fit", data, "--out", scratch.path("good"), "--epochs", "1", "--quiet", "--dropout", "0.1"])
        #expect(fit.status == 0, "fit failed: \(fit.stderr)")
        return (scratch.path("good"), data)
    }

    @Test func modelJSONErrorsNameTheFieldAndTheAllowedValues() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (good, data) = try Self.fitted(in: scratch)
        let text = try String(contentsOfFile: good + "/model.json", encoding: .utf8)
        // Each corruption: a replacement of the text the fit wrote, and what the message names.
        func corrupt(_ name: String, _ edit: (inout [String: Any]) -> Void, naming names: [String],
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
            let directory = scratch.path(name)
            try FileManager.default.copyItem(atPath: good, toPath: directory)
            var model = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            edit(&model)
            try JSONSerialization.data(withJSONObject: model).write(to: URL(fileURLWithPath: directory + "/model.json"))
            let r = try CLI.run(["predict", directory, data])
            #expect(!r.crashed && r.status == 2, "\(name): exited \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
            for expected in names + ["model.json"] {
                #expect(r.stderr.contains(expected), "\(name): the message should name \(expected): \(r.stderr)", sourceLocation: sourceLocation)
            }
            for word in Self.internals {
                #expect(!r.stderr.contains(word), "\(name): the message quotes \(word): \(r.stderr)", sourceLocation: sourceLocation)
            }
        }
        func layers(_ edit: @escaping (inout [[String: Any]]) -> Void) -> (inout [String: Any]) -> Void {
            { model in
                var list = model["layers"] as! [[String: Any]]
                edit(&list)
                model["layers"] = list
            }
        }
        func dense(_ key: String, _ value: Any?) -> (inout [String: Any]) -> Void {
            layers { list in
                var dense = list[0]["dense"] as! [String: Any]
                dense[key] = value
                list[0]["dense"] = dense
            }
        }
        func head(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
            { model in
                var head = model["head"] as! [String: Any]
                head[key] = value
                model["head"] = head
            }
        }
        try corrupt("activation", layers { $0[1] = ["activation": ["_0": ["gelu": [String: Any]()]]] },
                    naming: ["field layers[1].activation._0", "gelu", "relu, leaky_relu, elu"])
        try corrupt("activation2", layers { $0[1] = ["activation": ["_0": ["relu": [String: Any](), "tanh": [String: Any]()]]] },
                    naming: ["field layers[1].activation._0", "exactly one key"])
        try corrupt("layerkind", layers { $0[0] = ["densse": ["units": 4]] },
                    naming: ["field layers[0]", "densse", "dense, conv2_d"])
        try corrupt("initializer", dense("kernel_initializer", ["magic": [String: Any]()]),
                    naming: ["field layers[0].dense.kernel_initializer", "magic", "glorot_uniform"])
        try corrupt("family", head("family", "weibull"), naming: ["field head.family", "weibull", "normal"])
        try corrupt("familynumber", head("family", 3), naming: ["field head.family", "expected a string, found the number 3"])
        try corrupt("scalelink", head("scale_link", "cube"), naming: ["field head.scale_link", "\"cube\"", "exp, softplus"])
        try corrupt("temperature", head("temperature", 1e300), naming: ["field head.temperature", "single precision"])
        try corrupt("classcount", head("class_count", 1_000_000_000), naming: ["head", "class_count"])
        try corrupt("unitsstring", dense("units", "64"), naming: ["field layers[0].dense.units", "expected an integer, found the string \"64\""])
        try corrupt("unitsfraction", dense("units", 1.5), naming: ["field layers[0].dense.units", "1.5 is not an integer"])
        try corrupt("unitshuge", dense("units", 1e30), naming: ["field layers[0].dense.units", "beyond the integer range"])
        try corrupt("unitsnegative", dense("units", -5), naming: ["layers[0] (dense)", "units", "positive"])
        try corrupt("unitsterabytes", dense("units", 1_000_000_000_000), naming: ["layers[0] (dense)", "TB"])
        try corrupt("unitsmissing", dense("units", nil), naming: ["field layers[0].dense", "missing field units"])
        try corrupt("inputshape", { $0["input_shape"] = "2" }, naming: ["field input_shape", "expected an array, found the string"])
        try corrupt("nohead", { $0["head"] = nil }, naming: ["missing field head"])
        try corrupt("layersobject", { $0["layers"] = [String: Any]() }, naming: ["field layers", "expected an array"])
        try corrupt("membershuge", { $0["members"] = 1_000_000_000 }, naming: ["field members", "1000000000"])
        try corrupt("membersfraction", { $0["members"] = 1.5 }, naming: ["field members", "1.5 is not an integer"])
        try corrupt("membersstring", { $0["members"] = "2" }, naming: ["field members", "expected an integer, found the string \"2\""])
        try corrupt("membersweights", { $0["members"] = 3 }, naming: ["field members", "weights.safetensors"])
    }

    @Test func dataOfTheWrongKindForTheModel() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (table, data) = try Self.fitted(in: scratch)
        try Fixtures.writeIDX(in: scratch, directory: "images")
        let images = scratch.path("images")
        let cnn = try CLI.run(["fit", images, "--out", scratch.path("cnn"), "--epochs", "1", "--quiet"])
        #expect(cnn.status == 0, "fit failed: \(cnn.stderr)")
        // Before: `class "0.5000" is not one of the model's classes`, read from the CSV's last cell.
        try BadInputTests.expectRejected(["evaluate", scratch.path("cnn"), data], naming: ["the model wants images 8×8×1", "CSV table"])
        try BadInputTests.expectRejected(["predict", scratch.path("cnn"), data], naming: ["the model wants images 8×8×1", "CSV table"])
        let mlp = try CLI.run(["fit", images, "--arch", "mlp", "--hidden", "4", "--out", scratch.path("mlp"), "--epochs", "1", "--quiet"])
        #expect(mlp.status == 0, "fit failed: \(mlp.stderr)")
        try BadInputTests.expectRejected(["evaluate", scratch.path("mlp"), data], naming: ["not trained on a CSV table", "CSV table"])
        try BadInputTests.expectRejected(["predict", table, images], naming: ["the model wants a CSV table with the feature columns x", "IDX image directory"])
    }

    @Test func splitIsRefusedForDataThatAreNotIDX() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (model, data) = try Self.fitted(in: scratch)
        for command in [["predict"], ["evaluate"], ["sample", "--draws", "2"]] {
            try BadInputTests.expectRejected([command[0], model, data, "--split", "train"] + command.dropFirst(),
                                             naming: ["--split applies to IDX and CIFAR image directories", "CSV table"])
        }
        try scratch.write("arrays/x.npy", Fixtures.npy(shape: [4, 1], [0, 1, 2, 3]))
        try scratch.write("arrays/y.npy", Fixtures.npy(shape: [4], [0, 1, 2, 3]))
        try BadInputTests.expectRejected(["predict", model, scratch.path("arrays"), "--split", "test"], naming: ["--split", "NPY directory"])
        let plain = try CLI.run(["predict", model, data])
        #expect(plain.status == 0, "\(plain.stderr)")
    }

    /// T passes × N rows × the head's raw outputs, sized before any pass runs.
    @Test func mcSamplesBeyondTheMemoryBoundAreRefusedBeforeRunning() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (model, _) = try Self.fitted(in: scratch)
        let many = try scratch.write("many.csv", Fixtures.regressionCSV(rows: 14_000))
        // 10000 × 14000 × 2 = 280,000,000 floats (1.1 GB) > 2²⁸.
        let r = try CLI.run(["predict", model, many, "--mc-samples", "10000"])
        #expect(!r.crashed && r.status == 2, "exited \(r.status): \(r.stderr)")
        for name in ["--mc-samples 10000", "14000 examples", "280000000 numbers (1.1 GB)", "at most 268435456"] {
            #expect(r.stderr.contains(name), "the message should name \(name): \(r.stderr)")
        }
        #expect(r.stdout.isEmpty)
        try BadInputTests.expectRejected(["evaluate", model, many, "--mc-samples", "10000"], naming: ["--mc-samples 10000"])
        let fits = try CLI.run(["predict", model, many, "--mc-samples", "2"])
        #expect(fits.status == 0, "\(fits.stderr)")
    }

    /// epistemic_sd of the deterministic network is 0 on every input: AUROC ½ would read as
    /// chance; it is null, with the reason under notes (sd, which varies, keeps its numbers).
    @Test func oodScoreThatIsConstantHasNoAUROC() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (model, data) = try Self.fitted(in: scratch)
        let other = try scratch.write("other.csv", "x,y\n5,1\n6,2\n7,3\n-6,4\n")
        let r = try CLI.run(["evaluate", model, data, "--ood", other, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let scores = try #require((report["ood"] as? [String: Any])?["scores"] as? [String: [String: Any]])
        for key in ["auroc", "aupr", "fpr95"] {
            #expect(scores["epistemic_sd"]?[key] is NSNull, "\(key): \(scores)")
            #expect(scores["sd"]?[key] is NSNumber, "\(key): \(scores)")
        }
        let notes = try #require(report["notes"] as? [String: String])
        #expect(notes["/ood/scores/epistemic_sd/auroc"]?.contains("epistemic_sd is 0.0 on every input") == true, "\(notes)")
        let table = try CLI.run(["evaluate", model, data, "--ood", other])
        #expect(table.stdout.contains("auroc undefined"), "\(table.stdout)")
    }

    /// training.json uses the JSON null convention: a best value of +∞ is `null` (with a note)
    /// and reads back; before, it was the string "inf", and a null could not be resumed.
    @Test func checkpointWithANullBestValueResumes() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("d.csv", Fixtures.regressionCSV(rows: 30))
        let first = try CLI.run(["fit", data, "--out", scratch.path("m"), "--epochs", "2", "--quiet"])
        #expect(first.status == 0, "\(first.stderr)")
        let url = URL(fileURLWithPath: scratch.path("m.checkpoint/training.json"))
        var state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        #expect(state["bestValue"] is NSNumber, "bestValue should be a JSON number: \(state)")
        state["bestValue"] = NSNull()
        state["notes"] = ["/bestValue": "+infinity"]
        try Self.rewrite(url, with: JSONSerialization.data(withJSONObject: state))
        let rest = try CLI.run(["fit", data, "--out", scratch.path("m"), "--epochs", "3", "--quiet", "--resume"])
        #expect(rest.status == 0, "\(rest.stderr)")
        let written = try String(contentsOf: url, encoding: .utf8)
        #expect(!written.contains("\"inf\"") && !written.contains("\"nan\""), "\(written)")
        let resume = ["fit", data, "--out", scratch.path("m"), "--epochs", "4", "--quiet", "--resume"]
        try Data("{\"history\": 3}".utf8).write(to: url)
        try BadInputTests.expectRejected(resume, naming: ["training.json", "torn", "delete", "drop --resume"])
        try Self.rewrite(url, with: Data("{\"history\": 3}".utf8))
        try BadInputTests.expectRejected(resume, naming: ["training.json", "field history", "expected an object, found the number 3"])
    }

    /// Replaces a checkpoint file and its entry in the checkpoint's manifest (`checkpoint.json`:
    /// size and 64-bit FNV-1a checksum), as a deliberate edit rather than a torn save.
    static func rewrite(_ url: URL, with data: Data) throws {
        try data.write(to: url)
        let manifestURL = url.deletingLastPathComponent().appendingPathComponent("checkpoint.json")
        var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
        var files = try #require(manifest["files"] as? [[String: Any]])
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in data { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16)
        for i in files.indices where files[i]["name"] as? String == url.lastPathComponent {
            files[i]["bytes"] = data.count
            files[i]["checksum"] = String(repeating: "0", count: 16 - hex.count) + hex
        }
        manifest["files"] = files
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
    }
}
