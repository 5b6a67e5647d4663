import LikelyData
import LikelyTensor
import LikelyTestSupport
import Testing

/// Tables of more than `TableEncoding.compactWidth` one-hot inputs, held as one value per
/// column: against the one-hot rows that `TableEncoding.encode` gives for the same cells.
@Suite("Compact tables") struct CompactTableTests {
    /// 2400 rows: `size` numeric, `shop` 1200 categories (every 7th cell NA), `kind` a/b/c.
    static func text(rows: Int = 2400, shops: Int = 1200) -> String {
        var lines = ["size,shop,kind,y"]
        for r in 0..<rows {
            let shop = r % 7 == 3 ? "NA" : "s\((r * 37) % shops)"
            lines.append("\(Float(r % 13) * 0.75 - 2),\(shop),\(["a", "b", "c"][r % 3]),\(r % 5)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let options = CSVOptions(target: "y", categorical: .named(["shop", "kind"]), missing: .impute)

    static func wideTable(_ table: CSVTable) -> Tensor { table.encoding.oneHotRows(of: table.features) }

    @Test func aWideTableIsReadAsOneValuePerColumn() throws {
        let table = try CSVReader.parse(Self.text(), path: "t.csv", options: Self.options)
        let encoding = table.encoding
        // size, shop (1200 + missing), kind (a, b, c + missing: impute adds it to every categorical column).
        #expect(encoding.width == 1 + 1201 + 4 && encoding.isCompact)
        #expect(table.features.shape == [2400, 3] && table.featureNames.count == 1206)
        #expect(encoding.columns[1].categories?.last == "missing")
        // Every row stands for the one-hot row the dense encoder gives its cells.
        for r in [0, 3, 1000, 2399] {
            var dense = [Float](repeating: 0, count: encoding.width)
            #expect(encoding.encode(table.featureCells[r], into: &dense) == nil)
            #expect(Array(Self.wideTable(table).scalars[(r * 1206)..<((r + 1) * 1206)]) == dense, "row \(r)")
        }
        let data = table.dataset
        #expect(data.compactEncoding == encoding && data.exampleShape == [1206])
        #expect(data.subset([5, 1]).compactEncoding == encoding)
        // A narrow table stays one-hot.
        let narrow = try CSVReader.parse(Self.text(shops: 50), path: "n.csv", options: Self.options)
        #expect(!narrow.encoding.isCompact && narrow.features.shape == [2400, 56] && narrow.dataset.compactEncoding == nil)
    }

    @Test func statisticsFromCountsEqualThoseOfTheOneHotRows() throws {
        let table = try CSVReader.parse(Self.text(), path: "t.csv", options: Self.options)
        let compact = Standardizer(fittingCompact: table.features, encoding: table.encoding)
        let dense = Standardizer(fitting: Self.wideTable(table))
        #expect(compact.featureShape == dense.featureShape)
        #expect(isApproximatelyEqual(Tensor(compact.mean), Tensor(dense.mean), absolute: 0, relative: 1e-6))
        #expect(isApproximatelyEqual(Tensor(compact.standardDeviation), Tensor(dense.standardDeviation), absolute: 0, relative: 1e-6))
        // Numeric columns are standardized exactly as `apply` does; category indices stay.
        let applied = compact.applyCompact(table.features, encoding: table.encoding)
        let reference = dense.apply(Self.wideTable(table))
        for r in 0..<20 {
            #expect(applied.scalars[r * 3] == reference.scalars[r * 1206])
            #expect(applied.scalars[r * 3 + 1] == table.features.scalars[r * 3 + 1])
        }
    }

    @Test func unseenCategoriesOfACompactTable() throws {
        let table = try CSVReader.parse(Self.text(), path: "t.csv", options: Self.options)
        let later = "size,shop,kind\n1,s5,b\n2,new,a\n"
        let strict = CSVOptions(features: ["size", "shop", "kind"], encoding: table.encoding)
        #expect(throws: DataError.self) { try CSVReader.parse(later, path: "new.csv", options: strict) }
        var lenient = strict
        lenient.unknownCategories = .ignore
        let read = try CSVReader.parse(later, path: "new.csv", options: lenient)
        let missing = Float(table.encoding.columns[1].categories!.count - 1)
        // "new" becomes the column's missing category; s5 its own index.
        #expect(read.features.scalars == [1, Float(table.encoding.columns[1].categories!.firstIndex(of: "s5")!), 1, 2, missing, 0])
        #expect(read.unseenCategoryCells == 1)
    }

    @Test func refittingOnTrainingRowsKeepsTheTableCompact() throws {
        // Without the NA rows every shop of the first 1500 rows is new: 1500 categories there.
        let table = try CSVReader.parse(Self.text(shops: 2000), path: "t.csv",
                                        options: CSVOptions(target: "y", categorical: .named(["shop", "kind"]), missing: .drop))
        let refit = table.refitted(onRows: Array(0..<1500))
        #expect(refit.encoding.columns[1].categories?.count == 1500)
        #expect(refit.encoding.isCompact && refit.features.shape == [table.features.shape[0], 3])
        let known = Set(refit.encoding.columns[1].categories!)
        for r in 0..<refit.featureCells.count {
            let code = refit.features.scalars[r * 3 + 1], cell = refit.featureCells[r][1]
            #expect(known.contains(cell) ? refit.encoding.columns[1].categories![Int(code)] == cell : code == -1, "row \(r)")
        }
        #expect(refit.unseenCategoryCells == refit.featureCells.filter { !known.contains($0[1]) }.count)
    }
}
