import Foundation
import Likely

/// Examples read from DATA: features `[n, …]`, and targets `[n]` (numbers in original units,
/// or class indices) when they were asked for.
struct LoadedData {
    var kind: DataKind
    var path: String
    var features: Tensor
    var targets: Tensor?
    var classNames: [String]?
    var featureNames: [String]?
    var targetName: String?
    /// For tables: the CSV feature columns read, and how they became `features`.
    var columnNames: [String]?
    var encoding: TableEncoding?
    /// For tables: rows left out for a missing cell, and how many of them for a missing target.
    var droppedForMissing = 0
    var droppedForMissingTarget = 0
    /// For tables: cells of categories unseen in training, encoded under `--unknown-category ignore`.
    var unseenCategoryCells = 0
    /// For tables: the table as read (its cells, to fit the encoding on training rows only).
    var table: CSVTable?
    /// For tables: the text of the columns asked to be kept, one array per row.
    var keptCells: [[String]] = []

    var count: Int { features.shape[0] }

    /// For a table held compactly (`TableEncoding.isCompact`), its encoding.
    var compactEncoding: TableEncoding? { encoding.flatMap { $0.isCompact ? $0 : nil } }

    /// The per-example shape of the inputs (of the one-hot rows, for a compact table).
    var exampleShape: [Int] { compactEncoding.map { [$0.width] } ?? Array(features.shape.dropFirst()) }

    /// The labelled examples; requires targets.
    var dataset: Dataset {
        Dataset(features: features, targets: targets!, classNames: classNames,
                featureNames: features.rank == 2 ? featureNames : nil, compactEncoding: compactEncoding)
    }
}

extension LoadedData {
    /// The examples of a CSV table.
    init(_ table: CSVTable, kind: DataKind, path: String) {
        self.init(kind: kind, path: path, features: table.features, targets: table.targets, classNames: table.classNames,
                  featureNames: table.featureNames, targetName: table.targetName, columnNames: table.columnNames,
                  encoding: table.encoding, droppedForMissing: table.droppedForMissing,
                  droppedForMissingTarget: table.droppedForMissingTarget, unseenCategoryCells: table.unseenCategoryCells,
                  table: table, keptCells: table.keptCells)
    }

    /// A table's rows encoded by an encoding fitted on `rows` alone (`CSVTable.refitted(onRows:)`);
    /// other data, which has no encoding, unchanged.
    func encoded(fittingOn rows: [Int]) -> LoadedData {
        guard let table else { return self }
        var data = LoadedData(table.refitted(onRows: rows), kind: kind, path: path)
        data.classNames = classNames
        return data
    }
}
