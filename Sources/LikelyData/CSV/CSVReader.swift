import LikelyTensor

/// A table read from CSV: features `[n, d]`, and targets `[n]` when a target was named.
public struct CSVTable {
    /// The feature columns' names, in column order of `features`.
    public let featureNames: [String]
    /// The feature values, `[n, d]`.
    public let features: Tensor
    /// The target column's name, if one was read.
    public let targetName: String?
    /// The targets `[n]`: numbers, or class indices into `classNames`.
    public let targets: Tensor?
    /// For class targets, the class names, index order; `nil` for numeric targets.
    public let classNames: [String]?
    /// How many rows were left out under `InvalidRowPolicy.drop`.
    public let droppedRows: Int
    /// The delimiter used (given or detected).
    public let delimiter: CSVDelimiter

    /// The table as a dataset (features and targets); requires a target.
    public var dataset: Dataset {
        guard let targets else { preconditionFailure("the table was read without a target column") }
        return Dataset(features: features, targets: targets, classNames: classNames, featureNames: featureNames)
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
    /// - Throws: `DataError` for an unreadable, empty or header-only file, duplicate or
    ///   missing column names, ragged rows, and (unless dropped) empty, non-numeric, NaN or
    ///   infinite cells; rows are named 1-based among data rows with their file line.
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
        let names = header.fields.map { $0.trimmingSpaces }
        var columnOf: [String: Int] = [:]
        for (c, name) in names.enumerated() {
            if let earlier = columnOf[name] {
                throw DataError(source: path, location: "header",
                                problem: "column name \"\(name)\" appears twice (columns \(earlier + 1) and \(c + 1)); names must be unique")
            }
            columnOf[name] = c
        }
        func column(_ name: String, role: String) throws -> Int {
            guard let c = columnOf[name] else {
                let known = names.map { "\"\($0)\"" }.joined(separator: ", ")
                throw DataError(source: path, location: "header",
                                problem: "no \(role) column named \"\(name)\"; the columns are \(known)")
            }
            return c
        }
        let targetColumn = try options.target.map { try column($0, role: "target") }
        let featureColumns: [Int]
        if let wanted = options.features {
            featureColumns = try wanted.map { try column($0, role: "feature") }
            if let t = targetColumn, featureColumns.contains(t) {
                throw DataError(source: path, location: "header", problem: "column \"\(names[t])\" is both the target and a feature")
            }
        } else {
            featureColumns = names.indices.filter { $0 != targetColumn }
        }

        // Pass 1: structure and numbers; rows with invalid cells fail or are dropped.
        let d = featureColumns.count
        var values: [Float] = []
        values.reserveCapacity((records.count - 1) * d)
        var targetCells: [String] = []
        var targetPlaces: [String] = []
        var kept = 0
        var numericTargets: [Float] = []
        var targetIsNumeric = options.targetKind != .classes
        var dropped = 0
        var rowValues = [Float](repeating: 0, count: d)
        for (r, record) in records.dropFirst().enumerated() {
            let place = "row \(r + 1) (line \(record.line))"
            guard record.fields.count == names.count else {
                throw DataError(source: path, location: place,
                                problem: "has \(record.fields.count) fields; the header has \(names.count) (a ragged row)")
            }
            var invalid: DataError?
            for (j, c) in featureColumns.enumerated() {
                switch number(record.fields[c]) {
                case .success(let v): rowValues[j] = v
                case .failure(let reason):
                    invalid = DataError(source: path, location: "\(place), column \"\(names[c])\"", problem: reason.message)
                }
                if invalid != nil { break }
            }
            var targetCell = ""
            var targetNumber: Float = 0
            if invalid == nil, let t = targetColumn {
                targetCell = record.fields[t].trimmingSpaces
                let location = "\(place), column \"\(names[t])\""
                if targetCell.isEmpty {
                    invalid = DataError(source: path, location: location, problem: "the target is empty")
                } else if targetIsNumeric {
                    switch number(targetCell) {
                    case .success(let v): targetNumber = v
                    case .failure(let reason):
                        if options.targetKind == .numeric {
                            invalid = DataError(source: path, location: location, problem: reason.message + " (the target is numeric)")
                        } else if case .notANumber = reason {
                            targetIsNumeric = false  // automatic: a label that is not a number makes classes
                        } else {
                            invalid = DataError(source: path, location: location, problem: reason.message)
                        }
                    }
                }
            }
            if let invalid {
                if options.invalidRows == .drop { dropped += 1; continue }
                throw invalid
            }
            values.append(contentsOf: rowValues)
            kept += 1
            if let t = targetColumn {
                targetCells.append(targetCell)
                targetPlaces.append("\(place), column \"\(names[t])\"")
                numericTargets.append(targetNumber)
            }
        }
        let rowCount = kept
        guard rowCount > 0 else {
            throw DataError(source: path, problem: "all \(dropped) data rows have invalid cells and were dropped; no data is left")
        }

        // Pass 2: the target as numbers or class indices.
        var targets: Tensor?
        var classNames: [String]?
        if targetColumn != nil {
            if targetIsNumeric && options.classNames == nil {
                targets = Tensor(numericTargets)
            } else {
                let names = options.classNames ?? sortedClassNames(Set(targetCells))
                var index: [String: Int] = [:]
                for (i, name) in names.enumerated() { index[name] = i }
                var indices: [Float] = []
                indices.reserveCapacity(targetCells.count)
                for (r, cell) in targetCells.enumerated() {
                    guard let i = index[cell] ?? canonicalInteger(cell).flatMap({ index[$0] }) else {
                        throw DataError(source: path, location: targetPlaces[r],
                                        problem: "class \"\(cell)\" is not one of the model's classes \(names)")
                    }
                    indices.append(Float(i))
                }
                targets = Tensor(indices)
                classNames = names
            }
        }
        return CSVTable(featureNames: featureColumns.map { names[$0] },
                        features: Tensor(shape: [rowCount, d], scalars: values),
                        targetName: targetColumn.map { names[$0] }, targets: targets, classNames: classNames,
                        droppedRows: dropped, delimiter: delimiter)
    }

    /// Why a cell is not a usable number.
    enum CellProblem: Error {
        case empty, notANumber(String), nan, infinite(String)

        var message: String {
            switch self {
            case .empty: "the cell is empty; expected a number"
            case .notANumber(let text): "\"\(text)\" is not a number"
            case .nan: "the value is NaN; expected a finite number"
            case .infinite(let text): "\"\(text)\" is infinite or outside the 32-bit float range; expected a finite number"
            }
        }
    }

    /// The cell as a finite Float.
    static func number(_ cell: String) -> Result<Float, CellProblem> {
        let text = cell.trimmingSpaces
        if text.isEmpty { return .failure(.empty) }
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
