import LikelyData
import LikelyTensor
import Testing

/// Categorical and missing cells of CSV tables, against hand-worked encodings.
@Suite("Table encoding") struct TableEncodingTests {
    static let text = """
        id,city,size,grade
        a7,Paris,1.5,good
        b2,Berlin,NA,bad
        c9,,3,good
        d4,Paris,4.5,bad

        """

    @Test func automaticCategoriesOneHotInSortedOrder() throws {
        // city is text: categorical; size numeric. Berlin < Paris by code points.
        let table = try CSVReader.parse(Self.text, path: "t.csv", options: CSVOptions(
            target: "grade", features: ["city", "size"], categorical: .automatic, missing: .impute))
        #expect(table.encoding.columns[0].categories == ["Berlin", "Paris", "missing"])
        #expect(table.featureNames == ["city=Berlin", "city=Paris", "city=missing", "size"])
        #expect(table.columnNames == ["city", "size"])
        // size mean over 1.5, 3, 4.5 = 3 fills row 2; row 3's empty city is "missing".
        #expect(table.features.shape == [4, 4])
        #expect(table.features.scalars == [0, 1, 0, 1.5,
                                           1, 0, 0, 3,
                                           0, 0, 1, 3,
                                           0, 1, 0, 4.5])
        #expect(table.encoding.columns[1].fill == 3)
        #expect(table.classNames == ["bad", "good"])
        #expect(table.droppedRows == 0)
    }

    @Test func dropLeavesOutRowsWithMissingCellsAndCountsThem() throws {
        let table = try CSVReader.parse(Self.text, path: "t.csv", options: CSVOptions(
            target: "grade", features: ["city", "size"], categorical: .automatic, missing: .drop))
        #expect(table.droppedRows == 2 && table.droppedForMissing == 2)
        #expect(table.encoding.columns[0].categories == ["Paris"])
        #expect(table.features.scalars == [1, 1.5, 1, 4.5])
        #expect(table.targets?.scalars == [1, 0])
    }

    @Test func missingIsAnErrorByDefaultNamingRowAndColumn() {
        expectDataError(["t.csv", "row 2 (line 3)", "column \"size\"", "\"NA\", a missing value"]) {
            _ = try CSVReader.parse(Self.text, path: "t.csv", options: CSVOptions(
                target: "grade", features: ["city", "size"], categorical: .automatic))
        }
    }

    @Test func knownEncodingRejectsAnUnseenCategoryNamingItAndTheColumn() throws {
        let training = try CSVReader.parse(Self.text, path: "t.csv", options: CSVOptions(
            target: "grade", features: ["city", "size"], categorical: .automatic, missing: .impute))
        let later = "city,size\nBerlin,2\nLyon,1\n"
        expectDataError(["new.csv", "row 2 (line 3)", "column \"city\"", "category \"Lyon\" was not seen", "\"Berlin\", \"Paris\""]) {
            _ = try CSVReader.parse(later, path: "new.csv", options: CSVOptions(features: ["city", "size"], encoding: training.encoding))
        }
        // The same cells give the same inputs; a missing numeric cell takes the training mean.
        let again = try CSVReader.parse("size,city\nNaN,Paris\n", path: "p.csv",
                                        options: CSVOptions(features: ["city", "size"], encoding: training.encoding))
        #expect(again.features.scalars == [0, 1, 0, 3])
    }

    @Test func namedCategoricalColumnsAndIntegerCategories() throws {
        let text = "zip,x,y\n75001,1,0\n10115,2,1\n075001,3,0\n"
        let table = try CSVReader.parse(text, path: "z.csv", options: CSVOptions(target: "y", categorical: .named(["zip"])))
        // Integer categories sort numerically; "075001" is the category 75001.
        #expect(table.encoding.columns[0].categories == ["10115", "75001"])
        #expect(table.features.scalars == [0, 1, 1, 1, 0, 2, 0, 1, 3])
        expectDataError(["z.csv", "header", "no feature column named \"town\""]) {
            _ = try CSVReader.parse(text, path: "z.csv", options: CSVOptions(target: "y", categorical: .named(["town"])))
        }
        // Named columns only: other text columns are still numbers and fail.
        expectDataError(["\"Paris\" is not a number"]) {
            _ = try CSVReader.parse("c,d,y\nParis,a,1\n", path: "n.csv", options: CSVOptions(target: "y", categorical: .named(["d"])))
        }
    }

    @Test func missingMarkersArePandasDefaults() {
        for marker in ["", "NA", "N/A", "NaN", "nan", "NULL", "null", "None", "<NA>", "#N/A", "-nan"] {
            #expect(MissingCell.isMissing(marker), "\(marker) should be missing")
        }
        for value in ["0", "na ", "missing", "Nan", "none", "?"] {
            #expect(!MissingCell.isMissing(value), "\(value) should not be missing")
        }
    }

    @Test func missingTargetDropsTheRowUnlessError() throws {
        let text = "x,y\n1,2\n2,NA\n3,4\n"
        let imputed = try CSVReader.parse(text, path: "y.csv", options: CSVOptions(target: "y", missing: .impute))
        #expect(imputed.targets?.scalars == [2, 4] && imputed.droppedForMissing == 1)
        expectDataError(["y.csv", "row 2 (line 3)", "column \"y\"", "target is missing"]) {
            _ = try CSVReader.parse(text, path: "y.csv", options: CSVOptions(target: "y"))
        }
    }

    @Test func keptColumnsFollowTheRows() throws {
        let table = try CSVReader.parse(Self.text, path: "t.csv", options: CSVOptions(
            features: ["city", "size"], categorical: .automatic, missing: .impute, keep: ["id"]))
        #expect(table.keptCells == [["a7"], ["b2"], ["c9"], ["d4"]])
    }
}
