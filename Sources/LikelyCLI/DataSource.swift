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

    /// The per-example shape.
    var exampleShape: [Int] { Array(features.shape.dropFirst()) }

    /// The labelled examples; requires targets.
    var dataset: Dataset {
        Dataset(features: features, targets: targets!, classNames: classNames,
                featureNames: features.rank == 2 ? featureNames : nil)
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

/// Reads DATA by its kind: a CSV file, an MNIST-layout IDX directory, or an x.npy/y.npy pair.
enum DataSource {
    /// What kind of DATA `path` is; a path that is none of them is bad input.
    static func kind(of path: String) throws -> DataKind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError("DATA \(path): no such file or directory")
        }
        guard isDirectory.boolValue else { return .table }
        if FileManager.default.fileExists(atPath: join(path, "x.npy")) { return .arrays }
        if MNISTDirectory.looksLikeMNIST(path) { return .images }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        if names.contains(where: { $0.hasPrefix("train-") || $0.hasPrefix("t10k-") }) {
            // Part of an MNIST layout: the loader names what is missing.
            return .images
        }
        let tables = names.filter { $0.lowercased().hasSuffix(".csv") }.sorted()
        if !tables.isEmpty {
            let listed = tables.prefix(3).map { join(path, $0) }.joined(separator: ", ") + (tables.count > 3 ? ", …" : "")
            throw InputError("DATA \(path) is a directory of CSV files; pass one CSV file as DATA (\(listed))")
        }
        throw InputError("DATA \(path): a directory must hold MNIST-layout IDX files (train-images-idx3-ubyte[.gz], "
                         + "train-labels-idx1-ubyte[.gz], t10k-...) or x.npy and y.npy")
    }

    // MARK: - Training data

    /// The labelled examples `likely fit` trains on, and the family they call for.
    /// - Parameters:
    ///   - target: the CSV target column (default: the last column).
    ///   - features: the CSV feature columns (default: every other column).
    ///   - family: the requested family, or `nil` to choose it from the data
    ///     (normal for a numeric target, categorical for class labels and images).
    ///   - categorical: the CSV columns to one-hot encode.
    ///   - missing: what a missing CSV cell does.
    static func loadTraining(_ path: String, target: String?, features: [String]?, family: Family?,
                             categorical: CategoricalColumns = .automatic,
                             missing: MissingPolicy = .error) throws -> (data: LoadedData, family: Family) {
        let kind = try kind(of: path)
        switch kind {
        case .table:
            let targetKind: TargetKind = family.map { $0.support.isClassification ? .classes : .numeric } ?? .automatic
            let table = try CSVReader.read(path, options: CSVOptions(target: target, features: features, targetKind: targetKind,
                                                                     targetDefaultsToLastColumn: true,
                                                                     categorical: categorical, missing: missing))
            let chosen = family ?? (table.classNames == nil ? .normal : .categorical)
            let data = LoadedData(table, kind: kind, path: path)
            try checkTargets(data, family: chosen)
            return (data, chosen)
        case .images:
            try rejectColumns(target: target, features: features, kind: kind)
            if case .named = categorical { throw InputError("--categorical names CSV columns; DATA is an \(kind.rawValue)") }
            let chosen = family ?? .categorical
            guard chosen.support == .classes else {
                throw InputError("--family \(chosen.name): an IDX image directory holds class labels; use --family categorical")
            }
            let dataset = try MNISTDirectory.load(path, split: .train)
            let data = LoadedData(kind: kind, path: path, features: dataset.features, targets: dataset.targets,
                                  classNames: dataset.classNames)
            return (data, chosen)
        case .arrays:
            try rejectColumns(target: target, features: features, kind: kind)
            if case .named = categorical { throw InputError("--categorical names CSV columns; DATA is an \(kind.rawValue)") }
            let x = try arrayFeatures(path)
            let chosen = family ?? (x.rank >= 4 ? .categorical : .normal)
            let dataset = try NPYDirectory.load(path, classes: chosen.support.isClassification)
            let targets = try vectorTargets(dataset.targets, path: join(path, "y.npy"))
            var classNames = dataset.classNames
            if chosen.support == .binary, let names = classNames, names.count < 2 { classNames = ["0", "1"] }
            let data = LoadedData(kind: kind, path: path, features: x, targets: targets, classNames: classNames)
            try checkTargets(data, family: chosen)
            return (data, chosen)
        }
    }

    // MARK: - Data for a trained model

    /// Examples for a trained model, read the way it was trained: CSV columns by the model's
    /// feature and target names, class labels by its class names, features reshaped to its
    /// input shape.
    /// - Parameters:
    ///   - split: `--split`, the IDX files to read (nil: `test`); given for data of another
    ///     kind it is refused, not ignored.
    ///   - needTargets: whether targets are required (evaluate) or ignored (predict, sample).
    ///   - keep: CSV columns whose text is copied into `keptCells` (`predict --keep`).
    ///   - role: how messages name `path` (`DATA`, `--ood`).
    ///   - unknownCategories: what a CSV category unseen in training does.
    static func load(_ path: String, for model: ProbabilisticModel, split: MNISTSplit?,
                     needTargets: Bool, keep: [String] = [], role: String = "DATA",
                     unknownCategories: UnknownCategoryPolicy = .error) throws -> LoadedData {
        let kind = try kind(of: path)
        if split != nil && kind != .images {
            throw InputError("--split applies to IDX image directories; \(role) \(path) is a \(kind.rawValue)")
        }
        try checkKind(kind, of: path, role: role, for: model)
        let split = split ?? .test
        let family = model.head.family
        var data: LoadedData
        switch kind {
        case .table:
            // One output row per input: prediction never drops a row with a missing cell.
            let options = CSVOptions(readingFor: model, targets: needTargets, keep: keep, unknownCategories: unknownCategories)
            data = LoadedData(try CSVReader.read(path, options: options), kind: kind, path: path)
        case .images:
            if !keep.isEmpty { throw InputError("--keep names CSV columns; DATA is an \(kind.rawValue)") }
            let dataset = try MNISTDirectory.load(path, split: split)
            data = LoadedData(kind: kind, path: path, features: dataset.features,
                              targets: needTargets ? dataset.targets : nil, classNames: dataset.classNames)
        case .arrays:
            if !keep.isEmpty { throw InputError("--keep names CSV columns; DATA is an \(kind.rawValue)") }
            let x = try arrayFeatures(path)
            var targets: Tensor?
            if needTargets {
                let dataset = try NPYDirectory.load(path, classes: family.support.isClassification)
                targets = try vectorTargets(dataset.targets, path: join(path, "y.npy"))
            }
            data = LoadedData(kind: kind, path: path, features: x, targets: targets)
        }
        data.features = try reshaped(data.features, to: model.inputShape, path: path, role: role)
        if needTargets {
            if family.support.isClassification, let known = model.classNames ?? model.head.classNamesByIndex {
                data.classNames = known
            }
            try checkTargets(data, family: family)
        }
        return data
    }

    // MARK: - Checks

    /// A table only for a model trained on one (it has feature names), no IDX images for such
    /// a model: a CSV row read by an image model would otherwise fail later with a misleading
    /// message (its last cell read as a class label).
    static func checkKind(_ kind: DataKind, of path: String, role: String, for model: ProbabilisticModel) throws {
        let shape = model.inputShape
        if kind == .table && model.featureNames == nil {
            // Trained on an IDX or NPY directory: there are no columns to read a table by.
            let wanted = shape.count == 3 ? "images \(shape.map(String.init).joined(separator: "×"))"
                                          : "inputs of shape \(shape) from an IDX or NPY directory (it was not trained on a CSV table)"
            throw InputError("the model wants \(wanted); \(role) \(path) is a \(kind.rawValue)")
        }
        if let names = model.featureNames, kind == .images {
            let columns = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", …" : "")
            throw InputError("the model wants a CSV table with the feature columns \(columns); \(role) \(path) is an \(kind.rawValue)")
        }
    }

    /// Features `[n, …]` reshaped to `[n] + inputShape` when the example sizes agree.
    static func reshaped(_ features: Tensor, to inputShape: [Int], path: String, role: String = "DATA") throws -> Tensor {
        let example = Array(features.shape.dropFirst())
        if example == inputShape { return features }
        guard example.reduce(1, *) == inputShape.reduce(1, *) else {
            throw InputError("\(role) \(path): examples of shape \(example) do not fit the model, which takes inputs of shape \(inputShape)")
        }
        return features.reshaped(to: [features.shape[0]] + inputShape)
    }

    /// Targets the family can score (`Family.checkTargets`: its declared support), reported
    /// with the file, the data row (CSV) or example (arrays), the target's name and the value.
    static func checkTargets(_ data: LoadedData, family: Family) throws {
        guard let targets = data.targets else { return }
        let name = data.targetName.map { "target \"\($0)\"" } ?? "target"
        if let count = data.classNames?.count, count > Dataset.maximumClassCount {
            throw InputError("DATA \(data.path): the \(name) has \(count) classes; a model predicts at most \(Dataset.maximumClassCount) (a model file with more cannot be loaded)")
        }
        do {
            try family.checkTargets(targets, classCount: data.classNames?.count)
        } catch {
            switch error.problem {
            case .value(let index, let value):
                let place = data.kind == .table ? "data row \(index + 1)" : "example \(index)"
                // A CSV cell is quoted as written, with its 32-bit value when that differs (0.99999999 is 1.0).
                var shown = "\(value)"
                if let cells = data.table?.targetCells, index < cells.count, Double(cells[index]) != Double(value) {
                    shown = "\(cells[index]) (\(value) as a 32-bit float)"
                }
                throw InputError("DATA \(data.path): \(place): \(name) is \(shown); \(error.requirement)")
            case .classCount(let count, _):
                throw InputError("DATA \(data.path): \(error.requirement), the \(name) has \(count)"
                                 + (data.classNames.map { " (\($0.prefix(10).joined(separator: ", ")))" } ?? ""))
            }
        }
    }

    /// x.npy as features `[n, d]` (a vector per example) or images `[n, h, w, c]`; finite.
    static func arrayFeatures(_ path: String) throws -> Tensor {
        let xPath = join(path, "x.npy")
        let x = try NPYArray(path: xPath)
        guard let n = x.shape.first, n >= 1 else {
            throw InputError("\(xPath): shape \(x.shape); expected (n, ...) with at least one example")
        }
        guard x.shape.allSatisfy({ $0 >= 1 }) else {
            throw InputError("\(xPath): shape \(x.shape) has an empty axis")
        }
        if let bad = x.scalars.firstIndex(where: { !$0.isFinite }) {
            throw InputError("\(xPath): element [\(bad)] is \(x.scalars[bad]); features must be finite")
        }
        switch x.shape.count {
        case 1: return x.tensor.reshaped(to: [n, 1])
        case 2, 4: return x.tensor
        case 3: return x.tensor.reshaped(to: x.shape + [1])
        default: throw InputError("\(xPath): shape \(x.shape); expected (n, d), (n, h, w) or (n, h, w, c)")
        }
    }

    /// y as `[n]`: a `[n]` array or a single column `[n, 1]`.
    static func vectorTargets(_ y: Tensor, path: String) throws -> Tensor {
        if y.rank == 1 { return y }
        guard y.rank == 2, y.shape[1] == 1 else {
            throw InputError("\(path): shape \(y.shape); expected one target per example, (n,) or (n, 1)")
        }
        return y.reshaped(to: [y.shape[0]])
    }

    static func rejectColumns(target: String?, features: [String]?, kind: DataKind) throws {
        if target != nil { throw InputError("--target names a CSV column; DATA is an \(kind.rawValue)") }
        if features != nil { throw InputError("--features names CSV columns; DATA is an \(kind.rawValue)") }
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}

extension Head {
    /// "0", "1", … for a classification head without stored class names.
    var classNamesByIndex: [String]? {
        switch family.support {
        case .classes: (0..<classCount).map(String.init)
        case .binary: ["0", "1"]
        default: nil
        }
    }
}
