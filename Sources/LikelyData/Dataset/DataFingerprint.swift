import LikelyTensor

/// What identifies the data a run was made from, so that state saved by one run (a
/// checkpoint, a search's scores) and the processes of one `mpirun` job can tell whether
/// they see the same data: the number of examples, the shape of one example and of the
/// targets, the column names, and a `Checksum` of every feature and target value (their
/// float32 bits, features first, row-major).
public struct DataFingerprint: Codable, Equatable, Sendable {
    /// n, the examples.
    public var rows: Int
    /// The shape of one example's features (`[d]` for a table, `[h, w, c]` for images).
    public var exampleShape: [Int]
    /// The shape of one example's target (`[]` for a scalar target).
    public var targetShape: [Int]
    /// The feature columns then the target, where the data names them; class names after.
    public var columns: [String]
    /// The checksum of the values, 16 hexadecimal digits.
    public var checksum: String

    /// The fingerprint of `data`.
    /// - Parameters:
    ///   - data: the examples.
    ///   - columns: the names of the columns (feature columns, target, class names), or `[]`
    ///     where the data has none.
    public init(_ data: Dataset, columns: [String] = []) {
        self.init(features: data.features, targets: data.targets, columns: columns)
    }

    /// The fingerprint of features `[n, …]` and, where there are any, targets `[n]` or `[n, k]`
    /// (data to predict has none: its target shape is then `[]` and only features are summed).
    public init(features: Tensor, targets: Tensor?, columns: [String] = []) {
        rows = features.shape.first ?? 0
        exampleShape = Array(features.shape.dropFirst())
        targetShape = targets.map { Array($0.shape.dropFirst()) } ?? []
        self.columns = columns
        var sum = Checksum()
        sum.add(features.scalars)
        if let targets { sum.add(targets.scalars) }
        checksum = sum.hex
    }

    /// What differs from `other` (this data's value first), one phrase per part, or `[]`:
    /// `rows 442 against 506`, `columns age,bmi,y against rm,lstat,medv`, `values (checksum …)`.
    public func differences(from other: DataFingerprint) -> [String] {
        var out: [String] = []
        if rows != other.rows { out.append("rows \(rows) against \(other.rows)") }
        if exampleShape != other.exampleShape { out.append("example shape \(exampleShape) against \(other.exampleShape)") }
        if targetShape != other.targetShape { out.append("target shape \(targetShape) against \(other.targetShape)") }
        if columns != other.columns {
            out.append("columns \(Self.list(columns)) against \(Self.list(other.columns))")
        }
        if out.isEmpty && checksum != other.checksum {
            out.append("values (checksum \(checksum) against \(other.checksum))")
        }
        return out
    }

    /// At most 12 names, comma-separated.
    static func list(_ names: [String]) -> String {
        names.isEmpty ? "(none)" : names.prefix(12).joined(separator: ",") + (names.count > 12 ? ",… (\(names.count))" : "")
    }
}
