import Foundation
import Testing

/// Malformed files and bad options: exit 2 with a message that names the thing, never a
/// crash; a non-finite loss: exit 1.
@Suite struct BadInputTests {
    /// Expects exit code 2 and every one of `names` in the message.
    static func expectRejected(_ arguments: [String], naming names: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try CLI.run(arguments)
        #expect(!r.crashed, "likely \(arguments.joined(separator: " ")) crashed (status \(r.status)): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.status == 2, "likely \(arguments.joined(separator: " ")) exited \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        for name in names {
            #expect(r.stderr.contains(name), "the message should name \(name): \(r.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func malformedCSV() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let out = scratch.path("model")
        let ragged = try scratch.write("ragged.csv", "x,y\n1,2\n3\n5,6\n")
        try Self.expectRejected(["fit", ragged, "--out", out], naming: ["ragged.csv", "row 2"])
        // With --categorical naming z, column x must hold numbers.
        let text = try scratch.write("text.csv", "x,z,y\n1,a,2\nabc,b,4\n5,c,6\n")
        try Self.expectRejected(["fit", text, "--out", out, "--categorical", "z"], naming: ["text.csv", "\"x\"", "\"abc\" is not a number"])
        let good = try scratch.write("good.csv", "x,y\n1,2\n3,4\n5,6\n")
        try Self.expectRejected(["fit", good, "--out", out, "--target", "price"], naming: ["price"])
        try Self.expectRejected(["fit", good, "--out", out, "--features", "x,z"], naming: ["z"])
        let empty = try scratch.write("empty.csv", "")
        try Self.expectRejected(["fit", empty, "--out", out], naming: ["empty.csv"])
        let counts = try scratch.write("counts.csv", "x,n\n1,2\n2,-1\n3,4\n")
        try Self.expectRejected(["fit", counts, "--out", out, "--family", "poisson"], naming: ["counts.csv", "row 2", "\"n\""])
        try Self.expectRejected(["fit", scratch.path("absent.csv"), "--out", out], naming: ["absent.csv"])
        #expect(!FileManager.default.fileExists(atPath: out), "no model directory after a failed fit")
    }

    @Test func malformedIDXDirectory() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let out = scratch.path("model")
        try scratch.write("bad/train-images-idx3-ubyte", Data([1, 2, 3, 4, 5, 6, 7]))
        try scratch.write("bad/train-labels-idx1-ubyte", Fixtures.idx([3], [0, 1, 2]))
        try Self.expectRejected(["fit", scratch.path("bad"), "--out", out], naming: ["train-images-idx3-ubyte"])
        // Images and labels whose counts disagree.
        try scratch.write("counts/train-images-idx3-ubyte", Fixtures.idx([2, 4, 4], [UInt8](repeating: 9, count: 32)))
        try scratch.write("counts/train-labels-idx1-ubyte", Fixtures.idx([3], [0, 1, 2]))
        try Self.expectRejected(["fit", scratch.path("counts"), "--out", out], naming: ["labels"])
        // A truncated image file: the header promises more pixels than follow.
        try scratch.write("short/train-images-idx3-ubyte", Fixtures.idx([3, 4, 4], [UInt8](repeating: 9, count: 20)))
        try scratch.write("short/train-labels-idx1-ubyte", Fixtures.idx([3], [0, 1, 2]))
        try Self.expectRejected(["fit", scratch.path("short"), "--out", out], naming: ["train-images-idx3-ubyte"])
        // Images without labels.
        try scratch.write("nolabels/train-images-idx3-ubyte", Fixtures.idx([2, 4, 4], [UInt8](repeating: 9, count: 32)))
        try Self.expectRejected(["fit", scratch.path("nolabels"), "--out", out], naming: ["labels"])
        // An empty directory is neither layout.
        try FileManager.default.createDirectory(atPath: scratch.path("nothing"), withIntermediateDirectories: true)
        try Self.expectRejected(["fit", scratch.path("nothing"), "--out", out], naming: ["nothing", "x.npy"])
    }

    @Test func malformedNPY() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let out = scratch.path("model")
        try scratch.write("garbage/x.npy", Data("not an array".utf8))
        try scratch.write("garbage/y.npy", Fixtures.npy(shape: [2], [0, 1]))
        try Self.expectRejected(["fit", scratch.path("garbage"), "--out", out], naming: ["x.npy"])
        try scratch.write("mismatch/x.npy", Fixtures.npy(shape: [3, 2], [1, 2, 3, 4, 5, 6]))
        try scratch.write("mismatch/y.npy", Fixtures.npy(shape: [2], [0, 1]))
        try Self.expectRejected(["fit", scratch.path("mismatch"), "--out", out], naming: ["x.npy", "y.npy"])
        try scratch.write("truncated/x.npy", Fixtures.npy(shape: [3, 2], [1, 2, 3, 4, 5, 6]).prefix(90))
        try scratch.write("truncated/y.npy", Fixtures.npy(shape: [3], [0, 1, 2]))
        try Self.expectRejected(["fit", scratch.path("truncated"), "--out", out], naming: ["x.npy"])
        try scratch.write("nan/x.npy", Fixtures.npy(shape: [2, 1], [1, .nan]))
        try scratch.write("nan/y.npy", Fixtures.npy(shape: [2], [0, 1]))
        try Self.expectRejected(["fit", scratch.path("nan"), "--out", out], naming: ["x.npy", "nan"])
        try scratch.write("noy/x.npy", Fixtures.npy(shape: [2, 1], [1, 2]))
        try Self.expectRejected(["fit", scratch.path("noy"), "--out", out], naming: ["y.npy"])
    }

    @Test func corruptModelDirectory() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV(rows: 20))
        let fit = try CLI.run(["fit", data, "--out", scratch.path("good"), "--epochs", "1", "--quiet"])
        #expect(fit.status == 0, "fit failed: \(fit.stderr)")
        let small = try CLI.run(["fit", data, "--out", scratch.path("small"), "--epochs", "1", "--quiet", "--hidden", "4"])
        #expect(small.status == 0, "fit failed: \(small.stderr)")
        let manager = FileManager.default
        func copy(_ name: String) throws -> String {
            let path = scratch.path(name)
            try manager.copyItem(atPath: scratch.path("good"), toPath: path)
            return path
        }
        let notJSON = try copy("notjson")
        try Data("{ this is not json".utf8).write(to: URL(fileURLWithPath: "\(notJSON)/model.json"))
        try Self.expectRejected(["evaluate", notJSON, data], naming: ["model.json"])
        let noWeights = try copy("noweights")
        try manager.removeItem(atPath: "\(noWeights)/weights.safetensors")
        try Self.expectRejected(["predict", noWeights, data], naming: ["weights.safetensors"])
        let wrongShape = try copy("wrongshape")
        try manager.removeItem(atPath: "\(wrongShape)/weights.safetensors")
        try manager.copyItem(atPath: scratch.path("small/weights.safetensors"), toPath: "\(wrongShape)/weights.safetensors")
        try Self.expectRejected(["evaluate", wrongShape, data], naming: ["weights.safetensors"])
        let truncated = try copy("truncated")
        let weights = try Data(contentsOf: URL(fileURLWithPath: "\(truncated)/weights.safetensors"))
        try weights.prefix(weights.count / 2).write(to: URL(fileURLWithPath: "\(truncated)/weights.safetensors"))
        try Self.expectRejected(["sample", truncated, data, "--draws", "2"], naming: ["weights.safetensors"])
        // A zero standard deviation would turn every prediction into NaN.
        let zeroScale = try copy("zeroscale")
        let modelURL = URL(fileURLWithPath: "\(zeroScale)/model.json")
        var model = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: modelURL)) as? [String: Any])
        var scaling = try #require(model["feature_scaling"] as? [String: Any])
        scaling["standard_deviation"] = [0.0]
        model["feature_scaling"] = scaling
        try JSONSerialization.data(withJSONObject: model).write(to: modelURL)
        try Self.expectRejected(["predict", zeroScale, data], naming: ["model.json", "feature_scaling", "standard deviation"])
        // A training range whose minimum is above its maximum (or of the wrong length) would clip wrongly.
        let badRange = try copy("badrange")
        let rangeURL = URL(fileURLWithPath: "\(badRange)/model.json")
        var ranged = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: rangeURL)) as? [String: Any])
        var range = try #require(ranged["feature_scaling"] as? [String: Any])
        #expect(range["minimum"] != nil && range["maximum"] != nil, "a fitted model keeps its training range")
        (range["minimum"], range["maximum"]) = ([1.0], [0.0])
        ranged["feature_scaling"] = range
        try JSONSerialization.data(withJSONObject: ranged).write(to: rangeURL)
        try Self.expectRejected(["predict", badRange, data], naming: ["model.json", "feature_scaling", "minimum"])
        try Self.expectRejected(["evaluate", scratch.path("absent"), data], naming: ["absent"])
        // Data without a column the model was trained on.
        let other = try scratch.write("other.csv", "z,y\n1,2\n3,4\n")
        try Self.expectRejected(["predict", scratch.path("good"), other], naming: ["other.csv", "\"x\""])
    }

    @Test func badOptions() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("data.csv", Fixtures.regressionCSV(rows: 20))
        let out = scratch.path("model")
        try Self.expectRejected(["fit", data, "--out", out, "--family", "weibull"], naming: ["--family", "weibull"])
        try Self.expectRejected(["fit", data, "--out", out, "--epochs", "0"], naming: ["--epochs must be in 1...1000000, got 0"])
        try Self.expectRejected(["fit", data, "--out", out, "--batch-size", "-3"], naming: ["--batch-size"])
        try Self.expectRejected(["fit", data, "--out", out, "--dropout", "1.5"], naming: ["--dropout"])
        try Self.expectRejected(["fit", data, "--out", out, "--lr", "0"], naming: ["--lr"])
        try Self.expectRejected(["fit", data, "--out", out, "--validation-split", "1"], naming: ["--validation-split"])
        try Self.expectRejected(["fit", data, "--out", out, "--arch", "transformer"], naming: ["--arch"])
        try Self.expectRejected(["fit", data, "--out", out, "--arch", "seed-cnn"], naming: ["--arch seed-cnn"])
        try Self.expectRejected(["fit", data, "--out", out, "--optimizer", "lbfgs"], naming: ["--optimizer"])
        try Self.expectRejected(["fit", data, "--out", out, "--hidden", "50,x"], naming: ["--hidden"])
        try Self.expectRejected(["fit", data, "--out", out, "--augment", "flip,twirl"], naming: ["--augment", "twirl"])
        let oneClass = try scratch.write("one.csv", "x,kind\n1,a\n2,a\n")
        try Self.expectRejected(["fit", oneClass, "--out", out, "--family", "categorical"], naming: ["one.csv", "2 classes", "\"kind\""])
        try Self.expectRejected(["fit", oneClass, "--out", out, "--family", "bernoulli"], naming: ["one.csv", "2 classes"])
        try Self.expectRejected(["fit", data], naming: ["--out"])
        try Self.expectRejected(["evaluate", out, data, "--mc-samples", "-1"], naming: ["--mc-samples"])
        try Self.expectRejected(["evaluate", out, data, "--split", "dev"], naming: ["--split"])
        try Self.expectRejected(["sample", out, data, "--draws", "0"], naming: ["--draws"])
        try Self.expectRejected(["frobnicate"], naming: ["frobnicate"])
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func nonFiniteLossExitsOne() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Targets at the largest accepted magnitude (1e30), not standardized: the Normal NLL overflows.
        var lines = ["x,y"]
        for i in 0..<16 { lines.append("\(i),\(i % 2 == 0 ? "1e30" : "-1e30")") }
        let data = try scratch.write("huge.csv", lines.joined(separator: "\n") + "\n")
        let r = try CLI.run(["fit", data, "--out", scratch.path("model"), "--no-standardize", "--epochs", "1", "--quiet"])
        #expect(!r.crashed)
        #expect(r.status == 1, "exit \(r.status): \(r.stderr)")
        #expect(r.stderr.contains("non-finite"), "message: \(r.stderr)")
    }
}
