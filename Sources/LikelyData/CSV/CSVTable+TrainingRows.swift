import LikelyTensor

extension CSVTable {
    /// The table encoded again by an encoding fitted on the rows `rows` alone: what is fitted
    /// from data (categories, imputed means) comes from the rows a model trains on, never from
    /// the rows held out to validate, calibrate or test it.
    ///
    /// Which columns are categorical stays as read; each categorical column's categories and
    /// each numeric column's imputed mean are fitted on `rows` (`TableEncoding(fitting:…)`).
    /// Every row is then encoded, a category that only held-out rows have under
    /// `UnknownCategoryPolicy.ignore` (counted in `unseenCategoryCells`).
    /// - Parameter rows: indices of training rows, in 0..<count of the table's rows.
    /// - Returns: the same rows, targets and class names with the new `encoding` and `features`.
    public func refitted(onRows rows: [Int]) -> CSVTable {
        let n = featureCells.count
        precondition(rows.allSatisfy { (0..<n).contains($0) }, "training rows must be in 0..<\(n)")
        let training = rows.map { featureCells[$0] }
        let refit: TableEncoding
        do {
            refit = try TableEncoding(fitting: training, names: columnNames, categorical: .named(encoding.categoricalColumns),
                                      missing: encoding.missing)
        } catch {
            preconditionFailure("the table's own categorical columns are among its columns: \(error.message)")
        }
        // Every cell was read once already: numbers parse and missing cells have a fill or a category.
        let (features, unseen) = refit.encodeKnownRows(featureCells, unknown: .ignore)
        return CSVTable(featureNames: refit.inputNames, columnNames: columnNames, encoding: refit,
                        features: features, targetName: targetName,
                        targets: targets, classNames: classNames, droppedRows: droppedRows, droppedForMissing: droppedForMissing,
                        droppedForMissingTarget: droppedForMissingTarget, unseenCategoryCells: unseen,
                        featureCells: featureCells, sourceRows: sourceRows, targetCells: targetCells, keptCells: keptCells, delimiter: delimiter)
    }
}
