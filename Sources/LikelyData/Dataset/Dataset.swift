import LikelyTensor

/// A set of examples: features `[n, ...]` (a table `[n, d]` or images `[n, h, w, c]`) and
/// targets `[n]` (a value or class index per example) or `[n, k]` (several values, or
/// one-hot rows). Row i of both belongs to example i.
public struct Dataset {
    /// The inputs, `[n, ...]`.
    public let features: Tensor
    /// The outputs, `[n]` or `[n, k]`. Class targets hold class indices 0..<classNames.count.
    public let targets: Tensor
    /// For class targets, the name of each class index (they travel with the model);
    /// `nil` for numeric targets.
    public let classNames: [String]?
    /// The names of the feature columns of a table; `nil` for images and arrays.
    public let featureNames: [String]?
    /// For a table held compactly (`TableEncoding.isCompact`), its encoding: `features` is then
    /// `[n, columns]`, a value or category index per column, standing for one-hot rows of
    /// `encoding.width` inputs; `nil` when the features are the inputs themselves.
    public let compactEncoding: TableEncoding?

    /// - Parameters:
    ///   - features: `[n, ...]`, rank ≥ 1.
    ///   - targets: `[n]` or `[n, k]`, with the same n.
    ///   - classNames: the class names when targets are class indices.
    ///   - featureNames: one name per input of a `[n, d]` table (per one-hot input when compact).
    ///   - compactEncoding: the encoding of compact features `[n, columns]`.
    public init(features: Tensor, targets: Tensor, classNames: [String]? = nil, featureNames: [String]? = nil,
                compactEncoding: TableEncoding? = nil) {
        precondition(features.rank >= 1, "features need a leading example axis, got shape \(features.shape)")
        precondition(targets.rank == 1 || targets.rank == 2, "targets must be [n] or [n, k], got shape \(targets.shape)")
        precondition(features.shape[0] == targets.shape[0],
                     "features and targets must have the same number of rows, got \(features.shape) and \(targets.shape)")
        if let compactEncoding {
            precondition(compactEncoding.isCompact && features.rank == 2 && features.shape[1] == compactEncoding.columns.count,
                         "compact features of an encoding of \(compactEncoding.columns.count) columns must be [n, \(compactEncoding.columns.count)], got \(features.shape)")
        }
        self.compactEncoding = compactEncoding
        if let featureNames {
            precondition(features.rank == 2 && (compactEncoding?.width ?? features.shape[1]) == featureNames.count,
                         "\(featureNames.count) feature names do not match features of shape \(features.shape)")
        }
        self.features = features
        self.targets = targets
        self.classNames = classNames
        self.featureNames = featureNames
    }

    /// The number of examples n.
    public var count: Int { features.shape[0] }

    /// The per-example shape of the inputs: `[width]` of the one-hot rows for a compact
    /// table, else the features' own.
    public var exampleShape: [Int] { compactEncoding.map { [$0.width] } ?? Array(features.shape.dropFirst()) }

    /// The most classes a model may predict (a model file with more is refused), so readers
    /// refuse labels beyond it before anything is trained.
    public static let maximumClassCount = 100_000

    /// The number of classes, for class targets.
    public var classCount: Int? { classNames?.count }

    /// The targets as class indices, for `[n]` class targets (each value rounded to Int);
    /// computed on each access (a pass over the targets), so read it once outside loops.
    public var classIndices: [Int] {
        precondition(targets.rank == 1, "class indices need targets of shape [n], got \(targets.shape)")
        return targets.scalars.map { Int($0.rounded()) }
    }

    /// The examples at `indices` (which may repeat), in that order. Rows are copied as
    /// whole blocks (one `memcpy`-like copy per row).
    public func subset(_ indices: [Int]) -> Dataset {
        Dataset(features: features.gatheringRows(indices), targets: targets.gatheringRows(indices),
                classNames: classNames, featureNames: featureNames, compactEncoding: compactEncoding)
    }
}

extension Tensor {
    /// The rows (slices along axis 0) at `indices`, as a new tensor without gradient history.
    /// Each row is copied as one contiguous block.
    /// - Parameter indices: row numbers in 0..<shape[0]; they may repeat.
    public func gatheringRows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "gatheringRows needs rank ≥ 1, got shape \(shape)")
        let n = shape[0]
        let rowLength = n == 0 ? 0 : count / n
        for i in indices { precondition(i >= 0 && i < n, "row index \(i) is outside 0..<\(n)") }
        let total = indices.count * rowLength
        let out = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            scalars.withUnsafeBufferPointer { source in
                guard rowLength > 0, let from = source.baseAddress, let to = buffer.baseAddress else { return }
                for (r, i) in indices.enumerated() {
                    (to + r * rowLength).initialize(from: from + i * rowLength, count: rowLength)
                }
            }
            initialized = total
        }
        var outShape = shape
        outShape[0] = indices.count
        return Tensor(shape: outShape, scalars: out)
    }
}
