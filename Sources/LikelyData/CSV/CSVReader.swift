import LikelyTensor

/// A table read from CSV: features `[n, d]`, and targets `[n]` when a target was named.
public struct CSVTable {
    /// One name per column of `features`: the CSV column's name, or `column=category` for
    /// a one-hot input (see `TableEncoding.inputNames`).
    public let featureNames: [String]
    /// The CSV feature columns read, in order (the names a model keeps to read its inputs).
    public let columnNames: [String]
    /// How the feature columns became `features` (fitted on this table unless given).
    public let encoding: TableEncoding
    /// The feature values, `[n, d]`: d = `encoding.width` one-hot inputs, or when
    /// `encoding.isCompact` d = `columnNames.count` values, a category index per categorical
    /// column (see `TableEncoding+Compact.swift`).
    public let features: Tensor
    /// The target column's name, if one was read.
    public let targetName: String?
    /// The targets `[n]`: numbers, or class indices into `classNames`.
    public let targets: Tensor?
    /// For class targets, the class names, index order; `nil` for numeric targets.
    public let classNames: [String]?
    /// How many rows were left out (`InvalidRowPolicy.drop`, or a missing cell under
    /// `MissingPolicy.drop`, or a missing target under `.drop` and `.impute`).
    public let droppedRows: Int
    /// How many of the dropped rows had a missing cell (a feature or the target).
    public let droppedForMissing: Int
    /// How many of the dropped rows had a missing target (a target cannot be imputed).
    public let droppedForMissingTarget: Int
    /// How many feature cells held a category unseen in training and were encoded under
    /// `UnknownCategoryPolicy.ignore`.
    public let unseenCategoryCells: Int
    /// Each kept row's feature cells, trimmed, one per entry of `columnNames` (what
    /// `refitted(onRows:)` encodes again).
    public let featureCells: [[String]]
    /// Each kept row's 0-based data row in the file (the header is not a row): where a row of
    /// `features` came from once rows were dropped.
    public let sourceRows: [Int]
    /// Each kept row's target cell, trimmed, as written in the file (messages quote it
    /// rather than its 32-bit value); empty when no target was read.
    public let targetCells: [String]
    /// The cells of the `CSVOptions.keep` columns, trimmed, one array per kept row (in file
    /// order), the columns in the order asked.
    public let keptCells: [[String]]
    /// The delimiter used (given or detected).
    public let delimiter: CSVDelimiter

    /// The table as a dataset (features and targets); requires a target.
    public var dataset: Dataset {
        guard let targets else { preconditionFailure("the table was read without a target column") }
        return Dataset(features: features, targets: targets, classNames: classNames, featureNames: featureNames,
                       compactEncoding: encoding.isCompact ? encoding : nil)
    }
}

/// Reads CSV files with a header row into tensors.
///
/// Format: RFC 4180 (quoted fields, `""` inside quotes for one quote, LF or CRLF); comma,
/// semicolon or tab separated; the first record names the columns; empty lines are skipped;
/// surrounding spaces of numeric cells are ignored.
///
/// Class names, when taken from the data, are sorted: numerically when every label is an
/// integer ("2" before "10"), otherwise by Unicode code points; class index i is
/// `classNames[i]`.
public enum CSVReader {
    /// Reads the CSV file at `path`.
    ///
    /// Feature cells go through a `TableEncoding` (given in `options.encoding`, else fitted
    /// on this table from `options.categorical` and `options.missing`): numeric columns as
    /// numbers, categorical columns one-hot; missing cells (`MissingCell`) fail, drop their
    /// row or are imputed.
    /// - Throws: `DataError` for an unreadable, empty or header-only file, duplicate or
    ///   missing column names, ragged rows, and (unless dropped) missing, non-numeric, NaN or
    ///   infinite cells and unseen categories; rows are named 1-based among data rows with
    ///   their file line.
    public static func read(_ path: String, options: CSVOptions = CSVOptions()) throws -> CSVTable {
        try parse(FileInput.readAll(path), path: path, options: options)
    }

    /// Reads CSV text held in memory; `path` names it in messages.
    public static func parse(_ text: String, path: String, options: CSVOptions = CSVOptions()) throws -> CSVTable {
        try parse(Array(text.utf8), path: path, options: options)
    }

    static func parse(_ bytes: [UInt8], path: String, options: CSVOptions) throws -> CSVTable {
        let (records, delimiter) = try CSVTokenizer.records(of: bytes, path: path, delimiter: options.delimiter)
        guard let header = records.first else {
            throw DataError(source: path, problem: "the file is empty; expected a header row naming the columns, then data rows")
        }
        guard records.count > 1 else {
            throw DataError(source: path, problem: "the file has a header row but no data rows")
        }
        let columns = try CSVColumns(header: header, path: path, options: options)
        let kept = try options.keep.map { name in
            guard let c = columns.names.firstIndex(of: name) else {
                throw DataError(source: path, location: "header", problem: "no kept column named \"\(name)\"; the columns are "
                                + columns.names.map { "\"\($0)\"" }.joined(separator: ", "))
            }
            return c
        }
        for (r, record) in records.dropFirst().enumerated() where record.fields.count != columns.names.count {
            throw DataError(source: path, location: "row \(r + 1) (line \(record.line))",
                            problem: "has \(record.fields.count) fields; the header has \(columns.names.count) (a ragged row)")
        }
        let cells = records.dropFirst().map { record in columns.features.map { record.fields[$0].trimmingSpaces } }
        let encoding = try encoding(records.dropFirst(), cells: cells, columns: columns, path: path, options: options)
        try checkSize(rows: records.count - 1, encoding: encoding, path: path)
        let rows = try readRows(records.dropFirst(), cells: cells, encoding: encoding, kept: kept, columns: columns,
                                path: path, options: options)
        guard rows.count > 0 else {
            throw DataError(source: path, problem: "all \(rows.dropped) data rows have invalid or missing cells and were dropped; no data is left")
        }
        var targets: Tensor?
        var classNames: [String]?
        if let t = columns.target {
            if !rows.targetIsNumeric && options.targetKind == .automatic {
                try checkTargetTypos(rows, column: columns.names[t], path: path)
            }
            if rows.targetIsNumeric && options.classNames == nil {
                targets = Tensor(rows.numericTargets)
            } else {
                classNames = options.classNames ?? sortedClassNames(Set(rows.targetCells))
                targets = try classIndices(rows, classNames: classNames ?? [], path: path)
            }
        }
        return CSVTable(featureNames: encoding.inputNames, columnNames: columns.features.map { columns.names[$0] },
                        encoding: encoding, features: Tensor(shape: [rows.count] + encoding.featureShape, scalars: rows.values),
                        targetName: columns.target.map { columns.names[$0] }, targets: targets, classNames: classNames,
                        droppedRows: rows.dropped, droppedForMissing: rows.droppedForMissing,
                        droppedForMissingTarget: rows.droppedForMissingTarget, unseenCategoryCells: rows.unseenCategoryCells,
                        featureCells: rows.featureCells, sourceRows: rows.sourceRows, targetCells: rows.targetCells, keptCells: rows.keptCells,
                        delimiter: delimiter)
    }

    /// The most feature values a table may hold, rows × inputs: 2³⁰ float32 values (4 GiB).
    /// A compact table (`TableEncoding.isCompact`) holds one value per column, however many
    /// categories its one-hot columns have.
    public static let maximumFeatureValues = 1 << 30

    /// Refuses, before allocating, a table whose features would exceed `maximumFeatureValues`,
    /// and a compact column of more than `TableEncoding.maximumCompactCategories` categories.
    static func checkSize(rows: Int, encoding: TableEncoding, path: String) throws {
        if encoding.isCompact, let widest = encoding.columns.first(where: { $0.width > TableEncoding.maximumCompactCategories }) {
            throw DataError(source: path, location: "header",
                            problem: "column \"\(widest.name)\" has \(widest.width) categories, more than the \(TableEncoding.maximumCompactCategories) "
                                + "a categorical column may have; leave it out with --features or group its rare categories into one")
        }
        let (total, overflow) = rows.multipliedReportingOverflow(by: encoding.featureShape[0])
        guard overflow || total > maximumFeatureValues else { return }
        throw DataError(source: path, location: "header",
                        problem: "\(rows) rows of \(encoding.featureShape[0]) values would be \(overflow ? "more than \(Int.max)" : String(total)) feature values, "
                            + "more than the \(maximumFeatureValues) (4 GiB) a table may hold; leave columns out with --features or split the file")
    }

    /// A target read as class labels because some cells are not numbers, although at least
    /// `TableEncoding.typoShare` of them are: typos in a numeric target, refused.
    static func checkTargetTypos(_ rows: Rows, column: String, path: String) throws {
        var numbers = 0
        var texts: [String] = []
        for (r, cell) in rows.targetCells.enumerated() {
            if Double(cell) != nil { numbers += 1 } else if texts.count < 5 { texts.append("\(rows.targetPlaces[r]): \"\(cell)\"") }
        }
        let count = rows.targetCells.count - numbers
        guard count > 0, Double(numbers) >= TableEncoding.typoShare * Double(rows.targetCells.count) else { return }
        throw DataError(source: path, location: "column \"\(column)\"",
                        problem: "the target holds numbers but \(count) of its \(rows.targetCells.count) cells \(count == 1 ? "is" : "are") not: "
                            + texts.joined(separator: ", ") + (count > texts.count ? ", …" : "")
                            + "; correct \(count == 1 ? "that cell" : "those cells") (or mark \(count == 1 ? "it" : "them") missing), "
                            + "or give a class family (--family categorical) if the target really holds class labels")
    }

    /// The given encoding (checked against the feature columns), or one fitted on the rows
    /// that will be kept: not those with a missing target, nor under `.drop` a missing cell.
    static func encoding(_ records: ArraySlice<CSVRecord>, cells: [[String]], columns: CSVColumns, path: String,
                         options: CSVOptions) throws -> TableEncoding {
        let names = columns.features.map { columns.names[$0] }
        if let known = options.encoding {
            guard known.columns.map(\.name) == names else {
                throw DataError(source: path, location: "header",
                                problem: "the feature columns \(names) do not match the encoding's \(known.columns.map(\.name))")
            }
            return known
        }
        let training = zip(records.enumerated(), cells).filter { numbered, cells in
            let targetMissing = columns.target.map { MissingCell.isMissing(numbered.element.fields[$0].trimmingSpaces) } ?? false
            return !targetMissing && !(options.missing == .drop && cells.contains(where: MissingCell.isMissing))
        }
        do {
            return try TableEncoding(fitting: training.map(\.1), names: names, categorical: options.categorical, missing: options.missing,
                                     places: training.map { "row \($0.0.offset + 1) (line \($0.0.element.line))" })
        } catch {
            throw DataError(source: path, location: "header", problem: error.message)
        }
    }

    /// The data rows that were kept: features row-major, target cells as text (their kind is
    /// known only once every row is read) and as numbers while they all are numbers.
    struct Rows {
        var values: [Float] = []
        var targetCells: [String] = []
        var targetPlaces: [String] = []
        var numericTargets: [Float] = []
        /// Whether the target is (still) read as numbers.
        var targetIsNumeric: Bool
        var count = 0
        var dropped = 0
        var droppedForMissing = 0
        var droppedForMissingTarget = 0
        var unseenCategoryCells = 0
        var featureCells: [[String]] = []
        var sourceRows: [Int] = []
        var keptCells: [[String]] = []
    }

    /// A row that cannot be used; `missing` when because of a missing cell.
    struct InvalidRow: Error {
        var error: DataError
        var missing: Bool
        var missingTarget = false
    }

    /// Pass 1: encoded features (`cells`: each record's trimmed feature cells); rows with
    /// unusable cells fail or are dropped (`invalidRows`, or the encoding's missing policy).
    static func readRows(_ records: ArraySlice<CSVRecord>, cells: [[String]], encoding: TableEncoding, kept: [Int],
                         columns: CSVColumns, path: String, options: CSVOptions) throws -> Rows {
        var rows = Rows(targetIsNumeric: options.targetKind != .classes)
        let lookup = CategoryLookup(encoding), compact = encoding.isCompact
        rows.values.reserveCapacity(records.count * encoding.featureShape[0])
        var rowValues = [Float](repeating: 0, count: encoding.featureShape[0])
        for (r, record) in records.enumerated() {
            let place = "row \(r + 1) (line \(record.line))"
            let target: (cell: String, number: Float)?
            do {
                // A missing target drops the row before its features are looked at: a category
                // seen only in such rows is not one the model was fitted on.
                if let t = columns.target, MissingCell.isMissing(record.fields[t].trimmingSpaces) {
                    _ = try targetCell(record.fields[t], at: "\(place), \(columns.describe(t))", path: path,
                                       kind: options.targetKind, isNumeric: &rows.targetIsNumeric)
                }
                let failure = compact
                    ? encoding.encodeCompact(cells[r], into: &rowValues, unknown: options.unknownCategories,
                                             unseen: &rows.unseenCategoryCells, lookup: lookup)
                    : encoding.encode(cells[r], into: &rowValues, unknown: options.unknownCategories,
                                      unseen: &rows.unseenCategoryCells, lookup: lookup)
                if let (j, problem) = failure {
                    throw InvalidRow(error: DataError(source: path, location: "\(place), \(columns.describe(columns.features[j]))",
                                                      problem: problem.message), missing: problem.isMissing)
                }
                target = try columns.target.map { t in
                    try targetCell(record.fields[t], at: "\(place), \(columns.describe(t))", path: path,
                                   kind: options.targetKind, isNumeric: &rows.targetIsNumeric)
                }
            } catch let invalid as InvalidRow {
                if options.invalidRows == .drop || (invalid.missing && encoding.missing != .error) {
                    rows.dropped += 1
                    if invalid.missing { rows.droppedForMissing += 1 }
                    if invalid.missingTarget { rows.droppedForMissingTarget += 1 }
                    continue
                }
                throw invalid.error
            } catch let invalid as DataError {
                if options.invalidRows == .drop { rows.dropped += 1; continue }
                throw invalid
            }
            rows.values.append(contentsOf: rowValues)
            rows.featureCells.append(cells[r])
            rows.sourceRows.append(r)
            if !kept.isEmpty { rows.keptCells.append(kept.map { record.fields[$0].trimmingSpaces }) }
            rows.count += 1
            if let target, let t = columns.target {
                rows.targetCells.append(target.cell)
                rows.targetPlaces.append("\(place), \(columns.describe(t))")
                rows.numericTargets.append(target.number)
            }
        }
        return rows
    }

    /// A target cell, trimmed, and its number while the target is numeric. Under
    /// `.automatic` the first label that is not a number turns `isNumeric` off (classes).
    static func targetCell(_ field: String, at location: String, path: String, kind: TargetKind,
                           isNumeric: inout Bool) throws -> (cell: String, number: Float) {
        let cell = field.trimmingSpaces
        if MissingCell.isMissing(cell) {
            throw InvalidRow(error: DataError(source: path, location: location,
                                              problem: cell.isEmpty ? "the target is empty" : "the target is missing (\"\(cell)\")"),
                             missing: true, missingTarget: true)
        }
        if cell.utf8.contains(0) { throw DataError(source: path, location: location, problem: CellProblem.nulByte.message) }
        guard isNumeric else { return (cell, 0) }
        switch number(cell) {
        case .success(let v): return (cell, v)
        case .failure(let reason):
            if kind == .numeric {
                throw DataError(source: path, location: location, problem: reason.message + " (the target is numeric)")
            }
            guard case .notANumber = reason else { throw DataError(source: path, location: location, problem: reason.message) }
            isNumeric = false  // automatic: a label that is not a number makes classes
            return (cell, 0)
        }
    }

    /// Pass 2: each target cell's index in `classNames` (integer labels match however they
    /// are written: "007" is "7").
    static func classIndices(_ rows: Rows, classNames: [String], path: String) throws -> Tensor {
        var index: [String: Int] = [:]
        for (i, name) in classNames.enumerated() { index[name] = i }
        var indices: [Float] = []
        indices.reserveCapacity(rows.targetCells.count)
        for (r, cell) in rows.targetCells.enumerated() {
            guard let i = index[cell] ?? canonicalInteger(cell).flatMap({ index[$0] }) else {
                throw DataError(source: path, location: rows.targetPlaces[r],
                                problem: "class \"\(cell)\" is not one of the model's classes \(classNames)")
            }
            indices.append(Float(i))
        }
        return Tensor(indices)
    }

    /// The cell as a finite Float.
    static func number(_ cell: String) -> Result<Float, CellProblem> {
        let text = cell.trimmingSpaces
        if text.isEmpty { return .failure(.missing(text)) }
        // Double(_:) reads a C string: a NUL would end the number early ("12\0x" reads as 12).
        if text.utf8.contains(0) { return .failure(.nulByte) }
        guard let value = Double(text) else { return .failure(.notANumber(text)) }
        if value.isNaN { return .failure(.nan) }
        guard value.isFinite, abs(value) <= Double(Float.greatestFiniteMagnitude) else { return .failure(.infinite(text)) }
        return .success(Float(value))
    }

    /// Class names sorted numerically when all are integers, else by code points.
    static func sortedClassNames(_ labels: Set<String>) -> [String] {
        let integers = labels.compactMap { label in Int(label).map { (label, $0) } }
        if integers.count == labels.count { return integers.sorted { $0.1 < $1.1 }.map(\.0) }
        return labels.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }

    /// "007" → "7", so integer labels match a model's names however they are written.
    static func canonicalInteger(_ text: String) -> String? { Int(text).map(String.init) }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(scalars[first...last])
    }
}
