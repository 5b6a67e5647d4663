import Foundation
import Likely

/// Reads DATA by its kind: a CSV file, an MNIST-layout IDX directory, a CIFAR binary
/// directory, or an x.npy/y.npy pair.
enum DataSource {
    /// The images and labels of an IDX (MNIST layout) or CIFAR directory.
    static func images(_ path: String, kind: DataKind, split: MNISTSplit, label: CIFARLabel) throws -> Dataset {
        kind == .cifar ? try CIFARDirectory.load(path, split: split, label: label) : try MNISTDirectory.load(path, split: split)
    }

    /// What kind of DATA `path` is; a path that is none of them is bad input.
    static func kind(of path: String) throws -> DataKind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError("DATA \(path): no such file or directory")
        }
        guard isDirectory.boolValue else { return .table }
        if FileManager.default.fileExists(atPath: join(path, "x.npy")) { return .arrays }
        if MNISTDirectory.looksLikeMNIST(path) { return .images }
        if CIFARDirectory.layout(of: path) != nil { return .cifar }
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
                         + "train-labels-idx1-ubyte[.gz], t10k-...), CIFAR-10 files (data_batch_1.bin … data_batch_5.bin, "
                         + "test_batch.bin), CIFAR-100 files (train.bin, test.bin) or x.npy and y.npy")
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
    ///   - label: CIFAR-100's target, fine (default) or coarse; given for other data it is refused.
    static func loadTraining(_ path: String, target: String?, features: [String]?, family: Family?,
                             categorical: CategoricalColumns = .automatic,
                             missing: MissingPolicy = .error, label: CIFARLabel? = nil) throws -> (data: LoadedData, family: Family) {
        let kind = try kind(of: path)
        if let label, CIFARDirectory.layout(of: path) != .cifar100 {
            throw InputError("--label \(label.rawValue) picks the fine or coarse labels of a CIFAR-100 directory; DATA \(path) is "
                             + (kind == .cifar ? "a CIFAR-10 directory, which has one label" : kind.withArticle))
        }
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
        case .images, .cifar:
            try rejectColumns(target: target, features: features, kind: kind)
            if case .named = categorical { throw InputError("--categorical names CSV columns; DATA is \(kind.withArticle)") }
            let chosen = family ?? .categorical
            guard chosen.support == .classes else {
                throw InputError("--family \(chosen.name): \(kind.withArticle) holds class labels; use --family categorical")
            }
            let dataset = try images(path, kind: kind, split: .train, label: label ?? .fine)
            let data = LoadedData(kind: kind, path: path, features: dataset.features, targets: dataset.targets,
                                  classNames: dataset.classNames)
            return (data, chosen)
        case .arrays:
            try rejectColumns(target: target, features: features, kind: kind)
            if case .named = categorical { throw InputError("--categorical names CSV columns; DATA is \(kind.withArticle)") }
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
        if split != nil && kind != .images && kind != .cifar {
            throw InputError("--split applies to IDX and CIFAR image directories; \(role) \(path) is \(kind.withArticle)")
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
        case .images, .cifar:
            if !keep.isEmpty { throw InputError("--keep names CSV columns; DATA is \(kind.withArticle)") }
            // A CIFAR-100 model of 20 classes was trained on the coarse labels.
            let label: CIFARLabel = model.head.classCount == CIFARLabel.coarse.classCount ? .coarse : .fine
            let dataset = try images(path, kind: kind, split: split, label: label)
            data = LoadedData(kind: kind, path: path, features: dataset.features,
                              targets: needTargets ? dataset.targets : nil, classNames: dataset.classNames)
        case .arrays:
            if !keep.isEmpty { throw InputError("--keep names CSV columns; DATA is \(kind.withArticle)") }
            let x = try arrayFeatures(path)
            var targets: Tensor?
            if needTargets {
                let dataset = try NPYDirectory.load(path, classes: family.support.isClassification)
                targets = try vectorTargets(dataset.targets, path: join(path, "y.npy"))
            }
            data = LoadedData(kind: kind, path: path, features: x, targets: targets)
        }
        data.features = try reshaped(data.features, to: model.featureShape, path: path, role: role)
        if needTargets {
            if family.support.isClassification, let known = model.classNames ?? model.head.classNamesByIndex {
                data.classNames = known
            }
            try checkTargets(data, family: family)
        }
        return data
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
