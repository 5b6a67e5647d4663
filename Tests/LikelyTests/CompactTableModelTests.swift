import Foundation
import Likely
import LikelyTestSupport
import Testing

/// A model of a compact table (more than `TableEncoding.compactWidth` one-hot inputs) against
/// the same model fitted on the one-hot rows themselves: the same numbers up to Float rounding.
@Suite struct CompactTableModelTests {
    /// 3000 rows, `x` numeric and `shop` of 1500 categories with an effect each.
    static func text() -> String {
        var random = RandomSource(key: StreamKey(seed: 8, purpose: .sampling))
        let noise = Tensor.randomNormal([3000], using: &random).scalars
        var lines = ["x,shop,y"]
        for r in 0..<3000 {
            let shop = (r * 7) % 1500, x = Float(r % 17) * 0.25 - 2
            lines.append("\(x),s\(shop),\(2 * x + Float(shop % 5) - 2 + 0.3 * noise[r])")
        }
        return lines.joined(separator: "\n")
    }

    static func table() throws -> CSVTable {
        try CSVReader.parse(text(), path: "shops.csv", options: CSVOptions(target: "y", categorical: .named(["shop"])))
    }

    @Test func aCompactFitEqualsTheOneHotFit() throws {
        let table = try Self.table()
        let compact = table.dataset
        #expect(compact.compactEncoding != nil && compact.features.shape == [3000, 2])
        let wide = Dataset(features: table.encoding.oneHotRows(of: table.features), targets: compact.targets)
        var plan = FitPlan(family: .normal)
        (plan.hidden, plan.epochs, plan.seed, plan.dropout) = ([16], 3, 5, 0.1)
        let (a, historyA) = try plan.fit(compact, kind: .table)
        let (b, historyB) = try plan.fit(wide, kind: .table)
        #expect(a.compactEncoding != nil && b.compactEncoding == nil && a.inputShape == b.inputShape)
        #expect(isApproximatelyEqual(Tensor(a.featureScaling!.mean), Tensor(b.featureScaling!.mean), absolute: 0, relative: 1e-6))
        #expect(isApproximatelyEqual(Tensor(a.featureScaling!.standardDeviation), Tensor(b.featureScaling!.standardDeviation),
                                     absolute: 0, relative: 1e-6))
        for (ea, eb) in zip(historyA.epochs, historyB.epochs) {
            #expect(isApproximatelyEqual(ea.loss, eb.loss, absolute: 1e-5, relative: 1e-4), "epoch \(ea.epoch): \(ea.loss) vs \(eb.loss)")
        }
        for (pa, pb) in zip(a.parameters, b.parameters) {
            #expect(isApproximatelyEqual(pa.tensor, pb.tensor, absolute: 1e-4, relative: 1e-3), "\(pa.name)")
        }
        // The predictive, deterministic and MC dropout, on rows the fit saw.
        let rows = Array(0..<200)
        for t in [0, 5] {
            let pa = a.predictive(compact.subset(rows).features, mcSamples: t, seed: 2)
            let pb = b.predictive(wide.subset(rows).features, mcSamples: t, seed: 2)
            #expect(isApproximatelyEqual(Tensor(pa.mean.map(Float.init)), Tensor(pb.mean.map(Float.init)), absolute: 1e-3, relative: 1e-3), "T = \(t)")
            #expect(isApproximatelyEqual(Tensor(pa.totalVariance.map(Float.init)), Tensor(pb.totalVariance.map(Float.init)), absolute: 1e-3, relative: 1e-3), "T = \(t)")
        }
    }

    @Test func aCompactModelIsSavedAndReadBack() throws {
        let table = try Self.table()
        var plan = FitPlan(family: .normal)
        (plan.hidden, plan.epochs, plan.seed) = ([8], 1, 1)
        // Without the table's schema: the plan gives the model the compact encoding and its columns.
        let (model, _) = try plan.fit(table.dataset, kind: .table)
        #expect(model.featureNames == ["x", "shop"] && model.featureEncoding == table.encoding)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("compact-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try ModelDirectory.save(model, to: directory)
        let loaded = try ModelDirectory.load(directory)
        #expect(loaded.featureShape == [2] && loaded.inputShape == [1501])
        let reread = try CSVReader.parse(Self.text(), path: "shops.csv", options: CSVOptions(readingFor: loaded, targets: false))
        #expect(reread.features.scalars == table.features.scalars)
        #expect(model.predictive(table.features).mean == loaded.predictive(reread.features).mean)
    }

    @Test func inputDropoutIsRefusedForACompactTable() throws {
        var plan = FitPlan(family: .normal)
        plan.inputDropout = 0.2
        #expect(throws: FitPlanError.self) { try plan.makeModel(for: try Self.table().dataset, kind: .table) }
    }
}
