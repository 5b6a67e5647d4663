import LikelyTensor

/// A directory in the layout of the UCI regression benchmark that the MC-dropout (Gal and
/// Ghahramani 2016), deep-ensemble (Lakshminarayanan et al. 2017) and PBP (Hernández-Lobato
/// and Adams 2015) papers published:
///
/// - `data.txt`: whitespace-separated numbers, one example a row;
/// - `index_features.txt`, `index_target.txt`: 0-based column indices of `data.txt`;
/// - `index_train_K.txt`, `index_test_K.txt` (K = 0, 1, …): 0-based row indices of each split;
/// - `n_splits.txt`: the number of splits.
///
/// Indices may be written as integers or as the floats numpy's `savetxt` writes
/// (`1.000000000000000000e+00`); every number must be a whole number in range.
public struct UCIDirectory {
    /// The features `[n, d]` of every row.
    public let features: Tensor
    /// The targets `[n]`.
    public let targets: Tensor
    /// The 0-based `data.txt` column of each feature, in `features` order.
    public let featureColumns: [Int]
    /// The 0-based `data.txt` column of the target.
    public let targetColumn: Int
    /// The published splits: each split's training and test rows (0-based, as listed).
    public let splits: [(train: [Int], test: [Int])]

    /// The file names that make the layout.
    static let requiredFiles = ["data.txt", "index_features.txt", "index_target.txt", "n_splits.txt"]

    /// Whether `path` is a directory holding `data.txt` and `index_features.txt`.
    public static func looksLikeUCI(_ path: String) -> Bool {
        FileInput.isRegularFile(join(path, "data.txt")) && FileInput.isRegularFile(join(path, "index_features.txt"))
    }

    /// Reads the directory.
    /// - Throws: `DataError` naming the file, line and value for a missing file, a cell that is
    ///   not a finite number, a ragged row, an index that is not a whole number in range, an
    ///   empty split or a split whose training and test rows overlap.
    public init(path: String) throws {
        guard FileInput.isDirectory(path) else { throw DataError(source: path, problem: "is not a directory") }
        for name in Self.requiredFiles where !FileInput.isRegularFile(Self.join(path, name)) {
            throw DataError(source: path, problem: "has no \(name); the UCI benchmark layout is data.txt, index_features.txt, "
                            + "index_target.txt, n_splits.txt and index_train_K.txt / index_test_K.txt for K = 0, 1, …")
        }
        let dataPath = Self.join(path, "data.txt")
        let rows = try Self.numbers(dataPath, byLine: true)
        guard let width = rows.first?.values.count, width > 0 else {
            throw DataError(source: dataPath, problem: "holds no rows; expected one example a line")
        }
        for row in rows where row.values.count != width {
            throw DataError(source: dataPath, location: "line \(row.line)",
                            problem: "has \(row.values.count) numbers; the first row has \(width) (a ragged row)")
        }
        let n = rows.count
        let featureColumns = try Self.indices(Self.join(path, "index_features.txt"), below: width, what: "a column of data.txt")
        let targets = try Self.indices(Self.join(path, "index_target.txt"), below: width, what: "a column of data.txt")
        guard targets.count == 1, let target = targets.first else {
            throw DataError(source: Self.join(path, "index_target.txt"), problem: "holds \(targets.count) indices; expected one target column")
        }
        guard !featureColumns.isEmpty else {
            throw DataError(source: Self.join(path, "index_features.txt"), problem: "lists no feature column")
        }
        if featureColumns.contains(target) {
            throw DataError(source: path, problem: "column \(target) is both the target (index_target.txt) and a feature (index_features.txt)")
        }
        let counts = try Self.indices(Self.join(path, "n_splits.txt"), below: Int.max, what: "a number of splits")
        guard counts.count == 1, let splitCount = counts.first, splitCount >= 1 else {
            throw DataError(source: Self.join(path, "n_splits.txt"), problem: "expected one whole number ≥ 1 of splits")
        }
        var splits: [(train: [Int], test: [Int])] = []
        for k in 0..<splitCount {
            let trainPath = Self.join(path, "index_train_\(k).txt"), testPath = Self.join(path, "index_test_\(k).txt")
            for file in [trainPath, testPath] where !FileInput.isRegularFile(file) {
                throw DataError(source: file, problem: "is missing; n_splits.txt says there are \(splitCount) splits (0…\(splitCount - 1))")
            }
            let train = try Self.indices(trainPath, below: n, what: "a row of data.txt")
            let test = try Self.indices(testPath, below: n, what: "a row of data.txt")
            try Self.checkSplit(train: train, test: test, trainPath: trainPath, testPath: testPath)
            splits.append((train, test))
        }
        var x = [Float](), y = [Float]()
        x.reserveCapacity(n * featureColumns.count)
        y.reserveCapacity(n)
        for row in rows {
            for c in featureColumns { x.append(Float(row.values[c])) }
            y.append(Float(row.values[target]))
        }
        self.features = Tensor(shape: [n, featureColumns.count], scalars: x)
        self.targets = Tensor(y)
        self.featureColumns = featureColumns
        self.targetColumn = target
        self.splits = splits
    }

    /// Names of the features: `x` and the `data.txt` column (`x0`, `x3`, …).
    public var featureNames: [String] { featureColumns.map { "x\($0)" } }

    /// Every row as a dataset (features and targets).
    public var dataset: Dataset { Dataset(features: features, targets: targets, featureNames: featureNames) }

    /// A split's rows must be non-empty and disjoint.
    static func checkSplit(train: [Int], test: [Int], trainPath: String, testPath: String) throws {
        guard !train.isEmpty else { throw DataError(source: trainPath, problem: "lists no row; a split needs training rows") }
        guard !test.isEmpty else { throw DataError(source: testPath, problem: "lists no row; a split needs test rows") }
        let trained = Set(train)
        if let shared = test.first(where: trained.contains) {
            throw DataError(source: testPath, problem: "row \(shared) is also a training row (\(trainPath)); a test row must be held out")
        }
    }

    /// The numbers of a text file, by line (blank lines skipped) or all together.
    static func numbers(_ path: String, byLine: Bool) throws -> [(line: Int, values: [Double])] {
        let bytes = try FileInput.readAll(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DataError(source: path, problem: "is not valid UTF-8 text")
        }
        var out: [(line: Int, values: [Double])] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" })
            if fields.isEmpty { continue }
            var values: [Double] = []
            values.reserveCapacity(fields.count)
            for (j, field) in fields.enumerated() {
                guard let v = Double(field), v.isFinite, Swift.abs(v) <= Double(Float.greatestFiniteMagnitude) else {
                    throw DataError(source: path, location: "line \(i + 1), field \(j + 1)",
                                    problem: "\"\(field)\" is not a finite number within the 32-bit float range")
                }
                values.append(v)
            }
            if byLine { out.append((i + 1, values)) } else { out.append(contentsOf: values.map { (i + 1, [$0]) }) }
        }
        return out
    }

    /// Whole numbers in 0..<`below` listed in `path` (whitespace- or line-separated).
    public static func indices(_ path: String, below: Int, what: String) throws -> [Int] {
        try numbers(path, byLine: false).map { entry in
            let v = entry.values[0]
            guard v == v.rounded(), v >= 0, v < Double(below) else {
                throw DataError(source: path, location: "line \(entry.line)",
                                problem: "\(v) is not \(what)" + (below == Int.max ? "" : " (a whole number in 0..<\(below))"))
            }
            return Int(v)
        }
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
