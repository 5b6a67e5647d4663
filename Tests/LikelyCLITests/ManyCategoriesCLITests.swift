import Foundation
import Likely
import Testing

/// A categorical column of very many categories named with `--categorical`: the table is held
/// compactly (one value per column), so a table whose one-hot rows would exceed the 2³⁰ values
/// a table may hold fits, predicts, evaluates and samples.
@Suite struct ManyCategoriesCLITests {
    /// `rows` rows, `x` numeric, `site` the category s(i mod sites), `y` = 2x + a site effect.
    static func table(rows: Int, sites: Int) -> String {
        var s = Fixtures.Stream(state: 5), lines = ["x,site,y"]
        lines.reserveCapacity(rows + 1)
        for i in 0..<rows {
            let x = 2 * s.next() - 1
            lines.append(String(format: "%.3f,s%d,%.3f", x, i % sites, 2 * x + Double(i % sites % 7) / 7 + 0.1 * s.next()))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aTableOfThirtyThreeThousandCategoriesFitsAndPredicts() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // 33,000 rows × 33,001 one-hot inputs = 1.09 · 10⁹ values, beyond the 2³⁰ a dense table may hold.
        let data = try scratch.write("sites.csv", Self.table(rows: 33_000, sites: 33_000))
        let model = scratch.path("m")
        let fit = try CLI.run(["fit", data, "--out", model, "--categorical", "site", "--epochs", "1", "--batch-size", "256",
                               "--validation-split", "0.1", "--hidden", "8", "--seed", "3"])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stderr.contains("one-hot encoded site (33000 categories); 33001 inputs, held compactly"), "\(fit.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path("m/model.json")))) as? [String: Any]
        #expect(json?["input_shape"] as? [Int] == [29_701])
        // The categories come from the 29,700 training rows; every row of DATA is read with the model's encoding: the validation rows' sites are new to it.
        let evaluate = try CLI.run(["evaluate", model, data, "--json", "--unknown-category", "ignore", "--mc-samples", "3"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        #expect(try EndToEndTests.json(evaluate.stdout)["n"] as? Int == 33_000)
        #expect(evaluate.stderr.contains("3300"), "\(evaluate.stderr)")
        let strict = try CLI.run(["predict", model, data])
        #expect(strict.status == 2 && strict.stderr.contains("was not seen in training"), "\(strict.stderr)")
        let predict = try CLI.run(["predict", model, data, "--unknown-category", "ignore"])
        #expect(predict.status == 0, "\(predict.stderr)")
        #expect(predict.stdout.split(separator: "\n").count == 33_001)
        let sample = try CLI.run(["sample", model, data, "--draws", "2", "--unknown-category", "ignore", "--seed", "1"])
        #expect(sample.status == 0, "\(sample.stderr)")
        #expect(sample.stdout.split(separator: "\n").count == 33_001)
    }

    @Test func inputDropoutOnACompactTableIsExitTwo() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("sites.csv", Self.table(rows: 2000, sites: 1500))
        try BadInputTests.expectRejected(["fit", data, "--out", scratch.path("m"), "--categorical", "site", "--input-dropout", "0.2",
                                          "--quiet"], naming: ["--input-dropout", "held compactly"])
    }
}
