import LikelyData
import LikelyTensor
import Testing

/// Tables as users have them: typos in numeric columns, identifiers, categories seen only in
/// rows that do not train, unseen categories in production, and an encoding fitted on the
/// training rows alone. Expected encodings are worked by hand.
@Suite("Table surprises") struct TableSurprisesTests {
    /// A header `x,y` and 200 rows x = i / 10, y = i, with `cells` put in place of some x.
    static func numbers(replacing cells: [Int: String] = [:], target: [Int: String] = [:]) -> String {
        var lines = ["x,y"]
        for i in 0..<200 { lines.append("\(cells[i] ?? String(Double(i) / 10)),\(target[i] ?? String(i))") }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func oneTypoAmongNumbersIsRefusedNamingTheCell() {
        expectDataError(["t.csv", "column \"x\"", "1 of its 200 cells is not", "row 57 (line 58): \"5.6O\"", "--categorical x"]) {
            _ = try CSVReader.parse(Self.numbers(replacing: [56: "5.6O"]), path: "t.csv",
                                    options: CSVOptions(target: "y", categorical: .automatic))
        }
        // Six typos: five are named, then an ellipsis.
        let six = Dictionary(uniqueKeysWithValues: (0..<6).map { ($0 * 10, "x\($0)") })
        expectDataError(["6 of its 200 cells are not", "row 41 (line 42): \"x4\"", ", …"]) {
            _ = try CSVReader.parse(Self.numbers(replacing: six), path: "t.csv", options: CSVOptions(target: "y", categorical: .automatic))
        }
    }

    @Test func namingTheColumnCategoricalAcceptsIt() throws {
        let table = try CSVReader.parse(Self.numbers(replacing: [56: "5.6O"]), path: "t.csv",
                                        options: CSVOptions(target: "y", categorical: .named(["x"])))
        #expect(table.encoding.columns[0].categories?.count == 200)
    }

    @Test func aColumnOfMostlyWordsStaysCategorical() throws {
        // 11 of 20 cells are words (45% numbers): categories, not typos.
        var lines = ["c,y"]
        for i in 0..<20 { lines.append("\(i < 9 ? String(i % 3) : ["a", "b"][i % 2]),\(i)") }
        let table = try CSVReader.parse(lines.joined(separator: "\n"), path: "t.csv",
                                        options: CSVOptions(target: "y", categorical: .automatic))
        #expect(table.encoding.columns[0].categories == ["0", "1", "2", "a", "b"])
    }

    @Test func aTypoInANumericTargetIsRefused() {
        expectDataError(["t.csv", "column \"y\"", "the target holds numbers but 1 of its 200 cells is not", "\"1O\"", "--family categorical"]) {
            _ = try CSVReader.parse(Self.numbers(target: [10: "1O"]), path: "t.csv", options: CSVOptions(target: "y"))
        }
    }

    @Test func anIdentifierColumnIsRefusedUnlessNamed() throws {
        // 40 rows, 30 distinct person ids: more than 20 categories, distinct in more than half the rows.
        var lines = ["person,x,y"]
        for i in 0..<40 { lines.append("p\(i % 30),\(i),\(i % 2)") }
        let text = lines.joined(separator: "\n")
        expectDataError(["column \"person\" looks like an identifier", "30 distinct text values in 40 rows", "--features", "--categorical person"]) {
            _ = try CSVReader.parse(text, path: "t.csv", options: CSVOptions(target: "y", categorical: .automatic))
        }
        let named = try CSVReader.parse(text, path: "t.csv", options: CSVOptions(target: "y", categorical: .named(["person"])))
        #expect(named.encoding.columns[0].categories?.count == 30)
        // 25 categories each repeated 8 times (200 rows): many categories, but not an identifier.
        var repeated = ["kind,y"]
        for i in 0..<200 { repeated.append("k\(i % 25),\(i)") }
        let table = try CSVReader.parse(repeated.joined(separator: "\n"), path: "t.csv", options: CSVOptions(target: "y", categorical: .automatic))
        #expect(table.encoding.columns[0].categories?.count == 25)
    }

    @Test func aOneHotTableBeyondTheSizeLimitIsReadCompactly() throws {
        // 33000 rows of 33000 categories: 33000 × 33002 one-hot inputs > 2³⁰ values (the dense
        // table was a failed 4 GB+ allocation, a crash, then a refusal): one value per column.
        var lines = ["shop,x,y"]
        lines.reserveCapacity(33_001)
        for i in 0..<33_000 { lines.append("s\(i),\(i % 7),\(i % 5)") }
        let table = try CSVReader.parse(lines.joined(separator: "\n"), path: "big.csv",
                                        options: CSVOptions(target: "y", categorical: .named(["shop"])))
        #expect(table.encoding.isCompact && table.encoding.width == 33_001)
        #expect(table.features.shape == [33_000, 2])
        #expect(table.features.scalars[2 * 12_345] == Float(table.encoding.columns[0].categories!.firstIndex(of: "s12345")!))
    }

    /// city TUV occurs only in a row whose target is missing.
    static let targetMissing = """
        city,size,grade
        Paris,1,good
        Berlin,2,bad
        TUV,3,
        Paris,4,bad

        """

    @Test func aCategorySeenOnlyWithAMissingTargetIsNotLearnedAndReadsBack() throws {
        for missing in [MissingPolicy.impute, .drop] {
            let training = try CSVReader.parse(Self.targetMissing, path: "t.csv", options: CSVOptions(
                target: "grade", categorical: .automatic, missing: missing))
            #expect(training.droppedRows == 1 && training.droppedForMissingTarget == 1)
            #expect(training.encoding.columns[0].categories?.contains("TUV") == false)
            // Read again the way evaluate reads it: the known encoding, the target; the row is dropped first.
            let again = try CSVReader.parse(Self.targetMissing, path: "t.csv", options: CSVOptions(
                target: "grade", classNames: training.classNames, encoding: training.encoding))
            #expect(again.features.shape[0] == 3)
        }
    }

    @Test func unknownCategoriesCanBeIgnoredAndAreCounted() throws {
        let training = try CSVReader.parse("city,size,y\nParis,1,0\nBerlin,2,1\n", path: "t.csv",
                                           options: CSVOptions(target: "y", categorical: .automatic))
        let later = "city,size\nLyon,5\nParis,6\nRome,7\n"
        let read = try CSVReader.parse(later, path: "new.csv", options: CSVOptions(
            features: ["city", "size"], encoding: training.encoding, unknownCategories: .ignore))
        // Berlin < Paris: [Berlin, Paris, size]; Lyon and Rome are all zeros.
        #expect(read.features.scalars == [0, 0, 5, 0, 1, 6, 0, 0, 7])
        #expect(read.unseenCategoryCells == 2)
        // A model with a "missing" category puts the unseen cell there.
        let imputed = try CSVReader.parse("city,size,y\nParis,1,0\nBerlin,NA,1\n", path: "t.csv",
                                          options: CSVOptions(target: "y", categorical: .automatic, missing: .impute))
        let again = try CSVReader.parse(later, path: "new.csv", options: CSVOptions(
            features: ["city", "size"], encoding: imputed.encoding, unknownCategories: .ignore))
        #expect(again.features.scalars == [0, 0, 1, 5, 0, 1, 0, 6, 0, 0, 1, 7])
    }

    @Test func refittingOnTrainingRowsTakesCategoriesAndMeansFromThemAlone() throws {
        let text = "city,size,y\nParis,1,0\nBerlin,NA,1\nRome,5,0\nParis,3,1\n"
        let table = try CSVReader.parse(text, path: "t.csv", options: CSVOptions(target: "y", categorical: .automatic, missing: .impute))
        #expect(table.encoding.columns[0].categories == ["Berlin", "Paris", "Rome", "missing"])
        #expect(table.encoding.columns[1].fill == 3)  // (1 + 5 + 3) / 3
        // Train on rows 0, 1 and 3: no Rome; the size mean is (1 + 3) / 2 = 2.
        let refit = table.refitted(onRows: [0, 1, 3])
        #expect(refit.encoding.columns[0].categories == ["Berlin", "Paris", "missing"])
        #expect(refit.encoding.columns[1].fill == 2)
        #expect(refit.featureNames == ["city=Berlin", "city=Paris", "city=missing", "size"])
        // Row 2's Rome is unseen: the missing category; row 1's NA size takes the training mean 2.
        #expect(refit.features.scalars == [0, 1, 0, 1,
                                           1, 0, 0, 2,
                                           0, 0, 1, 5,
                                           0, 1, 0, 3])
        #expect(refit.unseenCategoryCells == 1)
        #expect(refit.targets?.scalars == table.targets?.scalars)
    }

    @Test func splitIndicesAreTheRowsOfTheSplit() {
        let data = Dataset(features: Tensor(shape: [10, 1], scalars: (0..<10).map(Float.init)),
                           targets: Tensor((0..<10).map { Float($0 % 2) }), classNames: ["a", "b"])
        var first = RandomSource(seed: 4), second = RandomSource(seed: 4)
        let split = data.split(validationFraction: 0.3, stratified: true, using: &first)
        let rows = data.splitIndices(validationFraction: 0.3, stratified: true, using: &second)
        #expect(split.train.features.scalars == rows.train.map(Float.init))
        #expect(split.validation.features.scalars == rows.validation.map(Float.init))
    }
}
