/// What to do with a missing cell (see `MissingCell`) in a feature or target column.
public enum MissingPolicy: String, Codable, CaseIterable, Sendable {
    /// A missing cell is an error naming its row and column.
    case error
    /// Rows with a missing cell are left out and counted.
    case drop
    /// A missing numeric feature becomes its column's training mean, a missing categorical
    /// feature the category `TableEncoding.missingCategory`; a row whose target is missing
    /// is still left out (a target cannot be imputed).
    case impute
}

/// The cell texts that count as missing: the default `na_values` of pandas' `read_csv`
/// (an empty cell, `NA`, `N/A`, `n/a`, `NaN`, `nan`, `-NaN`, `-nan`, `NULL`, `null`, `None`,
/// `<NA>`, `#N/A`, `#N/A N/A`, `#NA`, `1.#IND`, `-1.#IND`, `1.#QNAN`, `-1.#QNAN`), matched
/// exactly after trimming spaces.
public enum MissingCell {
    /// The markers, as pandas spells them.
    public static let markers: Set<String> = [
        "", "NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "NULL", "null", "None", "<NA>",
        "#N/A", "#N/A N/A", "#NA", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN",
    ]

    /// Whether `text` (already trimmed) is a missing value.
    public static func isMissing(_ text: String) -> Bool { markers.contains(text) }
}

/// Which feature columns are one-hot encoded.
public enum CategoricalColumns: Equatable, Sendable {
    /// None: every feature column must be numeric.
    case none
    /// Every column holding a non-missing cell that is not a number.
    case automatic
    /// These columns (by name); all others must be numeric.
    case named([String])
}

/// One feature column of a table and how it becomes network inputs.
public struct FeatureColumn: Codable, Equatable, Sendable {
    /// The column's name in the CSV header.
    public var name: String
    /// The categories in one-hot order (sorted as class names are), or `nil` for a numeric column.
    public var categories: [String]?
    /// The value a missing numeric cell takes under `MissingPolicy.impute` (the training mean).
    public var fill: Float?

    /// - Parameters:
    ///   - name: the header name.
    ///   - categories: the one-hot categories, or `nil` for a number.
    ///   - fill: the imputed value of a missing numeric cell.
    public init(name: String, categories: [String]? = nil, fill: Float? = nil) {
        self.name = name
        self.categories = categories
        self.fill = fill
    }

    /// How many network inputs the column gives: 1, or one per category.
    public var width: Int { categories?.count ?? 1 }
}

/// How a table's feature columns become the network's input vector: numeric columns are
/// copied, categorical columns become one-hot blocks (1 at the cell's category, 0 elsewhere),
/// missing cells follow `missing`. Fitted on training data, saved with the model and applied
/// unchanged at prediction and evaluation, so the same cell always gives the same inputs.
///
/// Row of `width` inputs = concatenation over columns in order: `[x]` for a numeric column,
/// `e_k ∈ {0, 1}^{K}` for a categorical column with K categories and the cell's category k.
public struct TableEncoding: Codable, Equatable, Sendable {
    /// The feature columns, in input order.
    public var columns: [FeatureColumn]
    /// What a missing cell does.
    public var missing: MissingPolicy

    /// The category a missing categorical cell becomes under `MissingPolicy.impute`.
    public static let missingCategory = "missing"

    /// - Parameters:
    ///   - columns: the feature columns in input order.
    ///   - missing: the missing-cell policy.
    public init(columns: [FeatureColumn], missing: MissingPolicy = .error) {
        self.columns = columns
        self.missing = missing
    }

    /// All-numeric columns named `names` (the encoding of a plain numeric table).
    public static func numeric(_ names: [String], missing: MissingPolicy = .error) -> TableEncoding {
        TableEncoding(columns: names.map { FeatureColumn(name: $0) }, missing: missing)
    }

    /// The number of network inputs per row.
    public var width: Int { columns.reduce(0) { $0 + $1.width } }

    /// One name per network input: the column's name, or `column=category` for a one-hot input.
    public var inputNames: [String] {
        columns.flatMap { c in c.categories.map { $0.map { "\(c.name)=\($0)" } } ?? [c.name] }
    }

    /// The columns that are one-hot encoded.
    public var categoricalColumns: [String] { columns.filter { $0.categories != nil }.map(\.name) }

    /// Fits the encoding on training rows.
    ///
    /// A column is categorical when `categorical` names it, or under `.automatic` when one of
    /// its non-missing cells is not a number. Under `.automatic` two kinds of column are
    /// refused rather than guessed (`EncodingProblem.numericWithTypos`, `.identifier`): one
    /// whose non-missing cells are at least `TableEncoding.typoShare` numbers but not all
    /// (a numeric column with typos such as `5.6O`), and a text column with more than
    /// `identifierCategories` categories that are distinct in more than half of its rows (an
    /// identifier, which one-hot encoding cannot generalise from). Naming a column in
    /// `.named` encodes it as categorical without these checks.
    ///
    /// A categorical column's categories are the distinct non-missing cells (integers in
    /// canonical form: "007" is the category "7"), sorted as class names are (numerically
    /// when all are integers, else by code points), plus `missingCategory` under `.impute`.
    /// Under `.impute` a numeric column's fill is the mean of its cells that are numbers (0
    /// when it has none).
    /// - Parameters:
    ///   - rows: each training row's feature cells (trimmed), one per entry of `names`.
    ///   - names: the feature column names.
    ///   - categorical: which columns are categorical.
    ///   - missing: the missing-cell policy to record.
    ///   - places: how messages name each row (`row 3 (line 4)`); `nil`: `row i`, 1-based.
    /// - Throws: `EncodingProblem.unknownColumn` when `categorical` names a column not in
    ///   `names`; under `.automatic`, `.numericWithTypos` and `.identifier`.
    public init(fitting rows: [[String]], names: [String], categorical: CategoricalColumns,
                missing: MissingPolicy, places: [String]? = nil) throws(EncodingProblem) {
        var isCategorical = [Bool](repeating: false, count: names.count)
        switch categorical {
        case .none: break
        case .named(let wanted):
            for name in wanted {
                guard let j = names.firstIndex(of: name) else { throw .unknownColumn(name, known: names) }
                isCategorical[j] = true
            }
        case .automatic:
            for j in names.indices {
                isCategorical[j] = try Self.isText(column: j, of: rows, name: names[j], places: places)
            }
        }
        var columns: [FeatureColumn] = []
        for (j, name) in names.enumerated() {
            if isCategorical[j] {
                var categories = CSVReader.sortedClassNames(Self.categories(column: j, of: rows))
                if missing == .impute && !categories.contains(Self.missingCategory) { categories.append(Self.missingCategory) }
                columns.append(FeatureColumn(name: name, categories: categories))
            } else if missing == .impute {
                var sum = 0.0, count = 0
                for row in rows {
                    if case .success(let v) = CSVReader.number(row[j]) { sum += Double(v); count += 1 }
                }
                columns.append(FeatureColumn(name: name, fill: count > 0 ? Float(sum / Double(count)) : 0))
            } else {
                columns.append(FeatureColumn(name: name))
            }
        }
        self.init(columns: columns, missing: missing)
    }

    /// The share of numbers among a column's non-missing cells from which cells that are not
    /// numbers are taken for typos, not categories: 0.9.
    public static let typoShare = 0.9
    /// An automatic text column with more categories than this, distinct in more than half of
    /// its rows, is an identifier: 20.
    public static let identifierCategories = 20

    /// The distinct non-missing cells of column `j`, integers in canonical form.
    static func categories(column j: Int, of rows: [[String]]) -> Set<String> {
        var seen = Set<String>()
        for row in rows where !MissingCell.isMissing(row[j]) { seen.insert(CSVReader.canonicalInteger(row[j]) ?? row[j]) }
        return seen
    }

    /// Whether automatic encoding makes column `j` categorical: a non-missing cell is not a
    /// number. Refuses a numeric column with typos and an identifier (see `init(fitting:…)`).
    static func isText(column j: Int, of rows: [[String]], name: String, places: [String]?) throws(EncodingProblem) -> Bool {
        var numbers = 0, present = 0
        var texts: [(place: String, value: String)] = []
        for (r, row) in rows.enumerated() where !MissingCell.isMissing(row[j]) {
            present += 1
            if Double(row[j]) != nil {
                numbers += 1
            } else if texts.count < 5 {
                texts.append((places?[r] ?? "row \(r + 1)", row[j]))
            }
        }
        guard numbers < present else { return false }
        if Double(numbers) >= typoShare * Double(present) {
            throw .numericWithTypos(name, cells: texts.map { "\($0.place): \"\($0.value)\"" }, count: present - numbers, of: present)
        }
        let distinct = categories(column: j, of: rows).count
        if distinct > identifierCategories && 2 * distinct > present {
            throw .identifier(name, categories: distinct, rows: present)
        }
        return true
    }

    /// Encodes one row's feature cells (trimmed, one per column) into `out[0..<width]`.
    /// - Parameters:
    ///   - cells: the row's feature cells, one per column.
    ///   - out: where the row's `width` encoded values go.
    ///   - unknown: what a category unseen in training does: an error, or (`.ignore`) the
    ///     `missingCategory` when the column has it, else a block of zeros.
    ///   - unseen: counts the cells `.ignore` encoded that way.
    /// - Returns: `nil` on success, or the first column index whose cell cannot be encoded and why.
    public func encode(_ cells: [String], into out: inout [Float], unknown: UnknownCategoryPolicy,
                       unseen: inout Int) -> (column: Int, problem: CellProblem)? {
        encode(cells, into: &out, unknown: unknown, unseen: &unseen, lookup: CategoryLookup(self))
    }

    /// `encode(_:into:unknown:unseen:)` with the categories looked up in `lookup` (built once
    /// per table: a lookup is a hash, not a search through 100,000 categories).
    func encode(_ cells: [String], into out: inout [Float], unknown: UnknownCategoryPolicy, unseen: inout Int,
                lookup: CategoryLookup) -> (column: Int, problem: CellProblem)? {
        precondition(out.count >= width, "the output holds \(out.count) values, the encoding needs \(width)")
        return encodeCodes(cells, unknown: unknown, unseen: &unseen, lookup: lookup) { j, at, code in
            if let count = columns[j].categories?.count {
                for k in 0..<count { out[at + k] = 0 }
                if code >= 0 { out[at + Int(code)] = 1 }
            } else {
                out[at] = code
            }
        }
    }

    /// Walks one row's cells, giving each column's code (see `CategoryLookup.code`) with the
    /// column's index and its first input's index to `write`.
    /// - Returns: `nil` on success, or the first column whose cell cannot be encoded and why.
    func encodeCodes(_ cells: [String], unknown: UnknownCategoryPolicy, unseen: inout Int, lookup: CategoryLookup,
                     write: (_ column: Int, _ input: Int, _ code: Float) -> Void) -> (column: Int, problem: CellProblem)? {
        precondition(cells.count == columns.count, "\(cells.count) cells for an encoding of \(columns.count) columns")
        // A missing cell is reported before any other problem of the row (it may drop the row).
        if missing != .impute, let j = cells.firstIndex(where: MissingCell.isMissing) { return (j, .missing(cells[j])) }
        var at = 0
        for (j, column) in columns.enumerated() {
            switch lookup.code(cells[j], column: j, of: column, unknown: unknown, unseen: &unseen) {
            case .success(let code): write(j, at, code)
            case .failure(let problem): return (j, problem)
            }
            at += column.width
        }
        return nil
    }

    /// `encode(_:into:unknown:unseen:)` with unseen categories an error.
    public func encode(_ cells: [String], into out: inout [Float]) -> (column: Int, problem: CellProblem)? {
        var unseen = 0
        return encode(cells, into: &out, unknown: .error, unseen: &unseen)
    }
}

/// What a category that the encoding did not see in training does.
public enum UnknownCategoryPolicy: String, Codable, CaseIterable, Sendable {
    /// An error naming the row, the column and the categories the model knows.
    case error
    /// The row is encoded as if the cell were missing: the `missing` category when the model
    /// has one, else all of the column's one-hot cells 0 (before any scaling); such cells
    /// are counted (`CSVTable.unseenCategoryCells`).
    case ignore
}

/// Why a table cannot be encoded as asked.
public enum EncodingProblem: Error, Equatable, Sendable {
    /// A categorical column that is not among the feature columns.
    case unknownColumn(String, known: [String])
    /// A column of numbers with a few cells that are not (`cells`: up to five, with their
    /// rows); `count` of the `of` non-missing cells are not numbers.
    case numericWithTypos(String, cells: [String], count: Int, of: Int)
    /// A text column with `categories` distinct values in `rows` non-missing rows.
    case identifier(String, categories: Int, rows: Int)

    /// The problem in words, with what to do.
    public var message: String {
        switch self {
        case .unknownColumn(let name, let known):
            "no feature column named \"\(name)\" to encode as categorical; the feature columns are "
                + known.map { "\"\($0)\"" }.joined(separator: ", ")
        case .numericWithTypos(let name, let cells, let count, let total):
            "column \"\(name)\" holds numbers but \(count) of its \(total) cells \(count == 1 ? "is" : "are") not: "
                + cells.joined(separator: ", ") + (count > cells.count ? ", …" : "")
                + "; correct \(count == 1 ? "that cell" : "those cells") (or mark \(count == 1 ? "it" : "them") missing), "
                + "or give --categorical \(name) if the column really holds categories"
        case .identifier(let name, let categories, let rows):
            "column \"\(name)\" looks like an identifier: \(categories) distinct text values in \(rows) rows, which one-hot "
                + "encoding cannot learn from; leave it out with --features (predict --keep \(name) copies it to the output), "
                + "or give --categorical \(name) to encode it anyway"
        }
    }
}

/// Why a cell is not a usable feature or target value.
public enum CellProblem: Error, Equatable, Sendable {
    /// An empty cell or a missing-value marker (`NA`, `null`, …), with its text.
    case missing(String)
    /// Text where a number belongs.
    case notANumber(String)
    /// A number that parses as NaN.
    case nan
    /// A number beyond the 32-bit float range, with its text.
    case infinite(String)
    /// A cell holding a NUL byte.
    case nulByte
    /// A category the encoding was not fitted with, and the ones it knows.
    case unseenCategory(String, known: [String])

    /// The problem in words.
    public var message: String {
        switch self {
        case .missing(let text):
            (text.isEmpty ? "the cell is empty" : "the cell is \"\(text)\"")
                + ", a missing value; expected a value (missing cells can be dropped or imputed)"
        case .notANumber(let text): "\"\(text)\" is not a number"
        case .nan: "the value is NaN; expected a finite number"
        case .infinite(let text): "\"\(text)\" is infinite or outside the 32-bit float range; expected a finite number"
        case .nulByte: "the cell holds a NUL byte (\\0), which no number or label contains; is this a binary file?"
        case .unseenCategory(let text, let known):
            "category \"\(text)\" was not seen in training; the model knows "
                + (known.count <= 20 ? known.map { "\"\($0)\"" }.joined(separator: ", ")
                   : known.prefix(20).map { "\"\($0)\"" }.joined(separator: ", ") + ", … (\(known.count) in all)")
        }
    }

    /// Whether the cell is missing (as opposed to present but unusable).
    public var isMissing: Bool { if case .missing = self { true } else { false } }
}
