/// How the target column is read.
public enum TargetKind: String, Codable, Sendable {
    /// Numeric when every target cell is a finite number, classes otherwise.
    case automatic
    /// A number per row (regression, counts).
    case numeric
    /// A class label per row (a string or an integer); targets become class indices.
    case classes
}

/// What to do with a row holding an empty, non-numeric, NaN or infinite cell.
public enum InvalidRowPolicy: String, Codable, Sendable {
    /// Throw a `DataError` naming the row and column.
    case error
    /// Leave the row out and count it in `CSVTable.droppedRows`.
    case drop
}

/// Options for `CSVReader`.
public struct CSVOptions: Sendable {
    /// The target column's name, or `nil` to read features only (prediction inputs) or to
    /// take the default target (see `targetDefaultsToLastColumn`).
    public var target: String?
    /// With `target` nil: read the last column that is not a named feature as the target.
    public var targetDefaultsToLastColumn: Bool
    /// The feature columns' names in the order wanted; `nil` for every column but the target.
    public var features: [String]?
    /// The field separator; `nil` detects comma, semicolon or tab from the header line.
    public var delimiter: CSVDelimiter?
    /// How to read the target column.
    public var targetKind: TargetKind
    /// For class targets, known class names (from a trained model): the index of a label is
    /// its position here and an unknown label is an error. `nil` makes the names from the
    /// data (see `CSVReader.read(_:options:)`).
    public var classNames: [String]?
    /// Rows with invalid cells: an error, or dropped and counted.
    public var invalidRows: InvalidRowPolicy
    /// Which feature columns are one-hot encoded when the encoding is fitted on this table.
    public var categorical: CategoricalColumns
    /// What a missing cell (`MissingCell`) does when the encoding is fitted on this table.
    public var missing: MissingPolicy
    /// A known feature encoding (from a trained model): its columns must be the feature
    /// columns, and `categorical` and `missing` are then ignored. `nil` fits one on the table.
    public var encoding: TableEncoding?
    /// Columns whose cells are copied as text into `CSVTable.keptCells` (identifiers).
    public var keep: [String]
    /// What a feature cell does whose category the known `encoding` lacks.
    public var unknownCategories: UnknownCategoryPolicy

    /// - Parameters:
    ///   - target: the target column, or `nil` for features only.
    ///   - features: the feature columns, or `nil` for all but the target.
    ///   - delimiter: the separator, or `nil` to detect it.
    ///   - targetKind: numeric, classes, or decided from the data.
    ///   - classNames: known class names, or `nil` to take them from the data.
    ///   - invalidRows: `.error` (default) or `.drop`.
    ///   - targetDefaultsToLastColumn: with `target` nil, the last non-feature column is the target.
    ///   - categorical: the one-hot columns (default none: every feature is a number).
    ///   - missing: the missing-cell policy (default `.error`).
    ///   - encoding: a known encoding, or `nil` to fit one.
    ///   - keep: columns to copy as text.
    ///   - unknownCategories: an unseen category is an error (default) or ignored.
    public init(target: String? = nil, features: [String]? = nil, delimiter: CSVDelimiter? = nil,
                targetKind: TargetKind = .automatic, classNames: [String]? = nil,
                invalidRows: InvalidRowPolicy = .error, targetDefaultsToLastColumn: Bool = false,
                categorical: CategoricalColumns = .none, missing: MissingPolicy = .error,
                encoding: TableEncoding? = nil, keep: [String] = [], unknownCategories: UnknownCategoryPolicy = .error) {
        self.unknownCategories = unknownCategories
        self.categorical = categorical
        self.missing = missing
        self.encoding = encoding
        self.keep = keep
        self.target = target
        self.targetDefaultsToLastColumn = targetDefaultsToLastColumn
        self.features = features
        self.delimiter = delimiter
        self.targetKind = targetKind
        self.classNames = classNames
        self.invalidRows = invalidRows
    }
}
