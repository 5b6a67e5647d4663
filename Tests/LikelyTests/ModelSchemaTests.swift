import Foundation
import Likely
import Testing

/// `ModelSchema`: one value of what a model knows of its data, carried through members, model
/// files and the reading of new tables.
@Suite struct ModelSchemaTests {
    static let training = "city,x,y\nParis,1.0,2.0\nRome,2.0,3.5\nBerlin,3.0,4.0\nParis,4.0,6.0\n"

    static func model(members: Int) throws -> ProbabilisticModel {
        try ProbabilisticModel(architecture: .mlp, inputShape: [4], head: Head(.normal), hidden: [3], dropout: 0,
                               members: members, seed: 1)
    }

    /// A member view has the ensemble's whole schema and its conformal scores (it used to drop
    /// the scores).
    @Test func memberKeepsSchemaAndConformalScores() throws {
        let table = try CSVReader.parse(Self.training, path: "t.csv", options: CSVOptions(target: "y", categorical: .automatic))
        let model = try Self.model(members: 3)
        model.schema = table.schema
        model.featureScaling = Standardizer(fitting: table.features)
        model.conformal = ConformalCalibration(method: .dcp, scores: [0.1, 0.4, 0.2], mcSamples: 0, seed: 3)
        let member = model.member(2)
        #expect(member.schema == model.schema)
        #expect(member.conformal == model.conformal)
        #expect(member.featureNames == ["city", "x"] && member.targetName == "y")
    }

    /// The schema survives `ModelDirectory.save` and `load` field by field.
    @Test func schemaRoundTripsThroughModelFiles() throws {
        let table = try CSVReader.parse(Self.training, path: "t.csv", options: CSVOptions(target: "y", categorical: .automatic))
        let model = try Self.model(members: 1)
        model.schema = table.schema
        model.featureScaling = Standardizer(fitting: table.features)
        model.targetScaling = TargetScaling(fitting: try #require(table.targets))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try ModelDirectory.save(model, to: directory)
        #expect(try ModelDirectory.load(directory).schema == model.schema)
    }

    /// `CSVOptions(readingFor:)` reads a table with its columns in another order, and without
    /// the target, through the trained encoding: the same one-hot columns for the same city.
    @Test func readingForAModelUsesItsEncoding() throws {
        let table = try CSVReader.parse(Self.training, path: "t.csv", options: CSVOptions(target: "y", categorical: .automatic))
        let model = try Self.model(members: 1)
        model.schema = table.schema
        let shuffled = "y,x,city\n9,5.0,Rome\n1,6.0,Paris\n"
        let withTargets = try CSVReader.parse(shuffled, path: "new.csv", options: CSVOptions(readingFor: model, targets: true))
        let paris = try CSVReader.parse("city,x\nParis,6.0\n", path: "p.csv", options: CSVOptions(readingFor: model, targets: false))
        #expect(withTargets.features.shape == [2, 4])
        #expect(Array(withTargets.features.scalars[4..<8]) == paris.features.scalars)
        #expect(paris.features.scalars == Array(table.features.scalars[0..<3]) + [6])
        #expect(withTargets.targets?.scalars == [9, 1])
        #expect(paris.targets == nil)
    }
}
