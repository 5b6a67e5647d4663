import LikelyData
import LikelyTensor
import Testing

@Suite("CSV reader") struct CSVTests {
    @Test func quotedFileWrittenByPythonCSV() throws {
        let expected = try #require(try Fixture.expected()["csv/quoted.csv"] as? [String: Any])
        let table = try CSVReader.read(Fixture.path("csv/quoted.csv"),
                                       options: CSVOptions(target: "species", features: ["x1", "x2"]))
        let x1 = try Fixture.floats(expected["x1"]), x2 = try Fixture.floats(expected["x2"])
        #expect(table.features.shape == [4, 2])
        #expect(table.features.scalars == zip(x1, x2).flatMap { [$0, $1] })
        // Classes sorted by code points: setosa, versicolor, virginica.
        #expect(table.classNames == ["setosa", "versicolor", "virginica"])
        let species = try #require(expected["species"] as? [String])
        #expect(try #require(table.targets).scalars.map { table.classNames![Int($0)] } == species)
        #expect(table.delimiter == .comma)
    }

    @Test func quotedTextFieldIsAFeatureErrorNamingRowAndLine() {
        // Default features are every column but the target, so the text column "note" fails.
        expectDataError(["quoted.csv", "row 1 (line 2)", "column \"note\"", "\"plain\" is not a number"]) {
            _ = try CSVReader.read(Fixture.path("csv/quoted.csv"), options: CSVOptions(target: "species"))
        }
    }

    @Test func detectsSemicolonAndTab() throws {
        let semicolon = try CSVReader.read(Fixture.path("csv/semicolon.csv"), options: CSVOptions(target: "y"))
        #expect(semicolon.delimiter == .semicolon)
        #expect(semicolon.featureNames == ["a", "b"])
        #expect(semicolon.features.scalars == [1.5, 2, 3, 4])
        #expect(semicolon.targets?.scalars == [0.5, 1.5])
        #expect(semicolon.classNames == nil)
        let tab = try CSVReader.read(Fixture.path("csv/tab.tsv"), options: CSVOptions(target: "y"))
        #expect(tab.delimiter == .tab)
        #expect(tab.features.scalars == [1, 3])
    }

    @Test func rfc4180EdgeCases() throws {
        let text = "\u{FEFF}a,\"b \"\"q\"\"\",y\r\n\r\n1, 2 ,\"3\"\r\n\"4\",5,6"
        let table = try CSVReader.parse(text, path: "edge.csv", options: CSVOptions(target: "y"))
        #expect(table.featureNames == ["a", "b \"q\""])
        #expect(table.features.scalars == [1, 2, 4, 5])
        #expect(table.targets?.scalars == [3, 6])
    }

    @Test func integerClassesSortNumericallyAndKnownNamesMap() throws {
        let text = "x,label\n1,10\n2,2\n3,2\n4,007\n"
        let table = try CSVReader.parse(text, path: "c.csv", options: CSVOptions(target: "label", targetKind: .classes))
        #expect(table.classNames == ["2", "007", "10"])
        #expect(table.targets?.scalars == [2, 0, 0, 1])
        let known = try CSVReader.parse(text, path: "c.csv", options: CSVOptions(target: "label", classNames: ["10", "2", "7"]))
        #expect(known.targets?.scalars == [0, 1, 1, 2])
        expectDataError(["c.csv", "row 2 (line 3)", "class \"2\"", "not one of"]) {
            _ = try CSVReader.parse(text, path: "c.csv", options: CSVOptions(target: "label", classNames: ["10", "7"]))
        }
    }

    @Test func automaticTargetKind() throws {
        let numeric = try CSVReader.parse("x,y\n1,0.5\n2,1e3\n", path: "n.csv", options: CSVOptions(target: "y"))
        #expect(numeric.classNames == nil)
        #expect(numeric.targets?.scalars == [0.5, 1000])
        let classes = try CSVReader.parse("x,y\n1,0.5\n2,cat\n", path: "k.csv", options: CSVOptions(target: "y"))
        #expect(classes.classNames == ["0.5", "cat"])
    }

    @Test func defaultTargetIsTheLastColumnNotAFeatureReadThroughQuotes() throws {
        // The header's last name holds the delimiter inside quotes.
        let text = "x,\"price, usd\",w\n1,10,5\n2,20,6\n"
        let last = try CSVReader.parse(text, path: "q.csv", options: CSVOptions(targetDefaultsToLastColumn: true))
        #expect(last.targetName == "w")
        #expect(last.featureNames == ["x", "price, usd"])
        let notFeature = try CSVReader.parse(text, path: "q.csv",
                                             options: CSVOptions(features: ["x", "w"], targetDefaultsToLastColumn: true))
        #expect(notFeature.targetName == "price, usd")
        #expect(notFeature.targets?.scalars == [10, 20])
        #expect(notFeature.features.scalars == [1, 5, 2, 6])
    }

    @Test func featuresOnlyForPrediction() throws {
        let table = try CSVReader.parse("b,a\n1,2\n3,4\n", path: "p.csv", options: CSVOptions(features: ["a", "b"]))
        #expect(table.features.scalars == [2, 1, 4, 3])
        #expect(table.targets == nil)
    }

    @Test func dropInvalidRowsReportsCount() throws {
        let text = "x,y\n1,2\n,3\nnan,4\n5,inf\n6,7\nabc,8\n"
        let table = try CSVReader.parse(text, path: "d.csv", options: CSVOptions(target: "y", invalidRows: .drop))
        #expect(table.droppedRows == 4)
        #expect(table.features.scalars == [1, 6])
        #expect(table.targets?.scalars == [2, 7])
        expectDataError(["all.csv", "all 1 data rows", "dropped"]) {
            _ = try CSVReader.parse("x,y\n,1\n", path: "all.csv", options: CSVOptions(target: "y", invalidRows: .drop))
        }
    }

    @Test("bad CSV input gives errors naming the file, row and column", arguments: [
        ("", CSVOptions(target: "y"), ["bad.csv", "empty", "header row"]),
        ("\n\n", CSVOptions(target: "y"), ["bad.csv", "empty"]),
        ("x,y\n", CSVOptions(target: "y"), ["bad.csv", "header row but no data rows"]),
        ("x,y\n1,2\n3\n", CSVOptions(target: "y"), ["bad.csv", "row 2 (line 3)", "has 1 fields", "header has 2", "ragged"]),
        ("x,y\n1,2,3\n", CSVOptions(target: "y"), ["bad.csv", "row 1 (line 2)", "has 3 fields"]),
        ("x,y\n1,2\n", CSVOptions(target: "price"), ["bad.csv", "header", "no target column named \"price\"", "\"x\", \"y\""]),
        ("x,y\n1,2\n", CSVOptions(target: "y", features: ["z"]), ["bad.csv", "no feature column named \"z\""]),
        ("x,y\n1,2\n\"a b\",3\n", CSVOptions(target: "y"), ["bad.csv", "row 2 (line 3)", "column \"x\"", "\"a b\" is not a number"]),
        ("x,y\n1,2\n,3\n", CSVOptions(target: "y"), ["bad.csv", "row 2 (line 3)", "column \"x\"", "empty"]),
        ("x,y\n1,2\nNaN,3\n", CSVOptions(target: "y"), ["bad.csv", "row 2 (line 3)", "column \"x\"", "NaN"]),
        ("x,y\n1,-inf\n", CSVOptions(target: "y"), ["bad.csv", "row 1 (line 2)", "column \"y\"", "infinite"]),
        ("x,y\n1,1e39\n", CSVOptions(target: "y"), ["bad.csv", "column \"y\"", "32-bit float range"]),
        ("x,y\n1,abc\n", CSVOptions(target: "y", targetKind: .numeric), ["bad.csv", "column \"y\"", "\"abc\" is not a number", "numeric"]),
        ("x,y\n1,\n", CSVOptions(target: "y"), ["bad.csv", "row 1 (line 2)", "column \"y\"", "target is empty"]),
        ("x,x\n1,2\n", CSVOptions(), ["bad.csv", "header", "\"x\" appears twice"]),
        ("x,y\n\"1,2\n", CSVOptions(target: "y"), ["bad.csv", "line 2", "never closed"]),
        ("x,y\n\"1\"2,3\n", CSVOptions(target: "y"), ["bad.csv", "line 2", "after a closing quote"]),
        ("x,y\n1\"2,3\n", CSVOptions(target: "y"), ["bad.csv", "line 2", "quote inside an unquoted field"]),
        ("x,y\n1,2\n", CSVOptions(target: "y", features: ["y"]), ["bad.csv", "both the target and a feature"]),
        // Double(_:) stops at a NUL: "12\0 9" would read as 12.
        ("x,y\n1,2\n12\u{0}9,3\n", CSVOptions(target: "y"), ["bad.csv", "row 2 (line 3)", "column \"x\"", "NUL byte"]),
        ("x,y\n1,2\n5,3\u{0}\n", CSVOptions(target: "y"), ["bad.csv", "row 2 (line 3)", "column \"y\"", "NUL byte"]),
        ("x,y\n1,cat\n5,d\u{0}g\n", CSVOptions(target: "y", targetKind: .classes), ["bad.csv", "row 2 (line 3)", "NUL byte"]),
        ("x,y\n1,2\n", CSVOptions(features: ["x", "y"], targetDefaultsToLastColumn: true),
         ["bad.csv", "header", "no column is left for the target"]),
    ])
    func malformed(text: String, options: CSVOptions, fragments: [String]) {
        expectDataError(fragments) { _ = try CSVReader.parse(text, path: "bad.csv", options: options) }
    }

    @Test func invalidUTF8AndMissingFile() throws {
        let path = try Fixture.temporary("latin1.csv", Array("x,y\n".utf8) + [0xE9, 0x2C, 0x31, 0x0A])
        expectDataError(["latin1.csv", "line 2", "UTF-8"]) { _ = try CSVReader.read(path, options: CSVOptions(target: "y")) }
        expectDataError(["missing.csv", "cannot open"]) { _ = try CSVReader.read(Fixture.path("missing.csv")) }
        expectDataError(["Fixtures", "not a regular file"]) { _ = try CSVReader.read(Fixture.directory) }
    }
}
