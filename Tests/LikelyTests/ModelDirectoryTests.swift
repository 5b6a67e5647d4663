import Foundation
import Likely
import Testing

struct ModelDirectoryTests {
    static func temporaryDirectory(_ name: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("likely-\(name)-\(getpid())").path
        try? FileManager.default.removeItem(atPath: path)
        return path
    }

    static func trainedModel() throws -> (ProbabilisticModel, Dataset) {
        var random = RandomSource(seed: 4)
        let x = Tensor.randomNormal([64, 2], using: &random)
        let y = Tensor(x.scalars.enumerated().filter { $0.offset % 2 == 0 }.map { 3 * $0.element + 1 })
        let data = Dataset(features: x, targets: y)
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [2], head: Head(.normal), hidden: [8], dropout: 0.2, using: &random)
        var options = TrainingOptions()
        options.epochs = 3
        try model.fit(data, options: options)
        return (model, data)
    }

    @Test func saveAndLoadGiveTheSamePredictions() throws {
        let (model, data) = try Self.trainedModel()
        let dir = Self.temporaryDirectory("roundtrip")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ModelDirectory.save(model, to: dir)
        let loaded = try ModelDirectory.load(dir)
        #expect(loaded.head == model.head)
        #expect(loaded.targetScaling == model.targetScaling)
        #expect(loaded.featureScaling == model.featureScaling)
        let a = model.predictive(data.features, mcSamples: 4, seed: 1)
        let b = loaded.predictive(data.features, mcSamples: 4, seed: 1)
        #expect(a.mean == b.mean)
        #expect(a.totalVariance == b.totalVariance)
    }

    @Test(arguments: ["not json", "wrong version", "missing field", "wrong shape", "missing weights", "truncated weights", "extra tensor"])
    func corruptFilesAreReportedClearly(_ corruption: String) throws {
        let (model, _) = try Self.trainedModel()
        let dir = Self.temporaryDirectory("corrupt-\(corruption.replacingOccurrences(of: " ", with: "-"))")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ModelDirectory.save(model, to: dir)
        let json = URL(fileURLWithPath: dir).appendingPathComponent("model.json")
        let weights = URL(fileURLWithPath: dir).appendingPathComponent("weights.safetensors")
        var text = try String(contentsOf: json, encoding: .utf8)
        let expected: String
        switch corruption {
        case "not json":
            try "{ this is not json".write(to: json, atomically: true, encoding: .utf8); expected = "model.json"
        case "wrong version":
            text = text.replacingOccurrences(of: "\"format_version\" : 1", with: "\"format_version\" : 99")
            try text.write(to: json, atomically: true, encoding: .utf8); expected = "format_version"
        case "missing field":
            text = text.replacingOccurrences(of: "\"input_shape\"", with: "\"input_shapes\"")
            try text.write(to: json, atomically: true, encoding: .utf8); expected = "input_shape"
        case "wrong shape":
            let other = Dictionary(uniqueKeysWithValues: (model.network.parameters + model.network.state).map {
                ($0.name, $0.name == "0.weight" ? Tensor.zeros([3, 8]) : $0.tensor)
            })
            try Safetensors.encode(other.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }).write(to: weights)
            expected = "'0.weight' has shape [3, 8]"
        case "missing weights":
            try FileManager.default.removeItem(at: weights); expected = "weights.safetensors: missing"
        case "truncated weights":
            let data = try Data(contentsOf: weights)
            try data.prefix(data.count - 10).write(to: weights); expected = "weights.safetensors"
        default:
            var named = (model.network.parameters + model.network.state).map { ($0.name, $0.tensor) }
            named.append(("stray", Tensor([1])))
            try Safetensors.encode(named).write(to: weights); expected = "'stray' does not belong"
        }
        #expect {
            _ = try ModelDirectory.load(dir)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test func aMissingDirectoryIsReported() {
        #expect(throws: ModelFileError.self) { try ModelDirectory.load("/nonexistent/model") }
    }
}
