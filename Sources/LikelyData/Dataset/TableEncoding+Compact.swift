import LikelyTensor

/// Compact tables: one value per column instead of one input per category.
///
/// A table whose encoding `isCompact` is held as `[n, C]`, C = `columns.count`: a numeric
/// column's value, or a categorical column's category index k (−1 for a row whose one-hot
/// inputs are all 0: an unseen category under `.ignore`). Row r stands for the one-hot row of
/// `width` inputs, x_{r, offset(j) + k} = 1, which is never allocated: 200,000 rows of a
/// column of 100,000 categories are 200,000 floats, not 2 · 10¹⁰. The network's first dense
/// layer takes such rows directly (`oneHotLinear`, a gather of weight rows).
extension TableEncoding {
    /// A table with one-hot columns and more inputs than this is read compactly: 1024.
    public static let compactWidth = 1024

    /// The most categories a compactly read column may have: 2²⁴, the integers a Float holds exactly.
    public static let maximumCompactCategories = 1 << 24

    /// Whether tables of this encoding are held compactly (`[n, columns.count]`, category
    /// indices): it has a categorical column and more than `compactWidth` inputs.
    public var isCompact: Bool { width > Self.compactWidth && columns.contains { $0.categories != nil } }

    /// The index of each column's first input in the one-hot row of `width` inputs.
    public var inputOffsets: [Int] {
        var offsets: [Int] = [], at = 0
        for column in columns { offsets.append(at); at += column.width }
        return offsets
    }

    /// The per-example shape of a table's features: `[columns.count]` when compact, else `[width]`.
    public var featureShape: [Int] { [isCompact ? columns.count : width] }

    /// Encodes one row's feature cells compactly into `out[0..<columns.count]`: a number, or
    /// the category index (−1 when `.ignore` leaves every one-hot input 0).
    /// - Returns: `nil` on success, or the first column whose cell cannot be encoded and why.
    func encodeCompact(_ cells: [String], into out: inout [Float], unknown: UnknownCategoryPolicy, unseen: inout Int,
                       lookup: CategoryLookup) -> (column: Int, problem: CellProblem)? {
        precondition(out.count >= columns.count, "the output holds \(out.count) values, the encoding needs \(columns.count)")
        return encodeCodes(cells, unknown: unknown, unseen: &unseen, lookup: lookup) { j, _, code in out[j] = code }
    }

    /// The one-hot rows `[n, width]` that compact features `[n, columns]` stand for: a numeric
    /// column's value at its input, 1 at each category (none for −1). The dense table a compact
    /// one avoids: for small tables, comparisons and export.
    public func oneHotRows(of compact: Tensor) -> Tensor {
        let c = columns.count, offsets = inputOffsets
        precondition(compact.rank == 2 && compact.shape[1] == c, "compact rows of \(c) columns must be [n, \(c)], got \(compact.shape)")
        var wide = [Float](repeating: 0, count: compact.shape[0] * width)
        for (e, value) in compact.scalars.enumerated() {
            let (r, j) = e.quotientAndRemainder(dividingBy: c)
            if columns[j].categories == nil {
                wide[r * width + offsets[j]] = value
            } else if value >= 0 {
                precondition(value.rounded() == value && Int(value) < columns[j].width, "row \(r), column \(j): \(value) is not a category index")
                wide[r * width + offsets[j] + Int(value)] = 1
            }
        }
        return Tensor(shape: [compact.shape[0], width], scalars: wide)
    }

    /// Encodes the rows `cells` (each row's trimmed feature cells) as the features `[n, d]`
    /// this encoding gives (compact or one-hot), every row encodable.
    /// - Parameter unknown: what a category unseen in training does; it must not fail.
    /// - Returns: the features and how many cells held an unseen category.
    func encodeKnownRows(_ cells: [[String]], unknown: UnknownCategoryPolicy) -> (features: Tensor, unseen: Int) {
        let lookup = CategoryLookup(self), d = featureShape[0]
        var values = [Float](repeating: 0, count: cells.count * d)
        var row = [Float](repeating: 0, count: d)
        var unseen = 0
        for (r, rowCells) in cells.enumerated() {
            let failure = isCompact
                ? encodeCompact(rowCells, into: &row, unknown: unknown, unseen: &unseen, lookup: lookup)
                : encode(rowCells, into: &row, unknown: unknown, unseen: &unseen, lookup: lookup)
            if let (j, problem) = failure {
                preconditionFailure("row \(r + 1), column \"\(columns[j].name)\" was read before but now fails: \(problem.message)")
            }
            values.replaceSubrange(r * d..<(r + 1) * d, with: row)
        }
        return (Tensor(shape: [cells.count, d], scalars: values), unseen)
    }
}

/// Each categorical column's categories by name, for encoding a table's cells in O(1) each.
struct CategoryLookup {
    /// Per column: category → index (`nil` for a numeric column).
    let index: [[String: Int]?]
    /// Per column: an integer category's canonical form (`"7"` for `"007"`) → index.
    let canonical: [[String: Int]?]

    init(_ encoding: TableEncoding) {
        index = encoding.columns.map { column in
            column.categories.map { categories in
                Dictionary(categories.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            }
        }
        canonical = encoding.columns.map { column in
            column.categories.map { categories in
                Dictionary(categories.enumerated().compactMap { k, name in CSVReader.canonicalInteger(name).map { ($0, k) } },
                           uniquingKeysWith: { first, _ in first })
            }
        }
    }

    /// A cell's code in `column` (index j): a numeric column's value (its fill when missing),
    /// or a categorical column's category index, −1 when `.ignore` encodes an unseen category
    /// as no category (the `missing` category when the column has one, counted in `unseen`).
    func code(_ cell: String, column j: Int, of column: FeatureColumn, unknown: UnknownCategoryPolicy,
              unseen: inout Int) -> Result<Float, CellProblem> {
        guard let categories = index[j] else {
            if MissingCell.isMissing(cell) {
                guard let fill = column.fill else { return .failure(.missing(cell)) }
                return .success(fill)
            }
            return CSVReader.number(cell)
        }
        if cell.utf8.contains(0) { return .failure(.nulByte) }
        let key = MissingCell.isMissing(cell) ? TableEncoding.missingCategory : cell
        if let k = categories[key] ?? CSVReader.canonicalInteger(key).flatMap({ canonical[j]?[$0] }) { return .success(Float(k)) }
        guard unknown == .ignore else { return .failure(.unseenCategory(cell, known: column.categories ?? [])) }
        unseen += 1
        return .success(Float(categories[TableEncoding.missingCategory] ?? -1))
    }
}
