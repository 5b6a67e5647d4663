import LikelyTensor

/// A directory holding `x.npy` (features `[n, ...]`) and `y.npy` (targets `[n]` or `[n, k]`).
public enum NPYDirectory {
    /// Whether `path` is a directory with both `x.npy` and `y.npy`.
    public static func looksLikeNPY(_ path: String) -> Bool {
        FileInput.isRegularFile(join(path, "x.npy")) && FileInput.isRegularFile(join(path, "y.npy"))
    }

    /// Loads `x.npy` and `y.npy`. Integer `y` of shape `[n]` is taken as class indices when
    /// `classes` is true, with class names "0" … "K−1" (K = largest label + 1).
    /// - Parameters:
    ///   - path: the directory.
    ///   - classes: whether y holds class labels (non-negative integers).
    /// - Throws: `DataError` for a missing or malformed file, x without a leading example
    ///   axis, y of rank other than 1 or 2, differing example counts, or (for classes)
    ///   labels that are not non-negative integers.
    public static func load(_ path: String, classes: Bool = false) throws -> Dataset {
        guard FileInput.isDirectory(path) else {
            throw DataError(source: path, problem: "is not a directory holding x.npy and y.npy")
        }
        for name in ["x.npy", "y.npy"] where !FileInput.isRegularFile(join(path, name)) {
            throw DataError(source: path, problem: "has no \(name); expected x.npy (features [n, ...]) and y.npy (targets [n] or [n, k])")
        }
        let xPath = join(path, "x.npy"), yPath = join(path, "y.npy")
        let x = try NPYArray(path: xPath), y = try NPYArray(path: yPath)
        guard x.shape.count >= 1 else {
            throw DataError(source: xPath, location: "field \"shape\"", problem: "x is a scalar; expected shape (n, ...) with one row per example")
        }
        guard y.shape.count == 1 || y.shape.count == 2 else {
            throw DataError(source: yPath, location: "field \"shape\"", problem: "y has shape \(y.shape); expected (n,) or (n, k)")
        }
        guard x.shape[0] == y.shape[0] else {
            throw DataError(source: path, problem: "x.npy has \(x.shape[0]) examples but y.npy has \(y.shape[0]); the counts must agree")
        }
        var classNames: [String]?
        if classes {
            guard y.shape.count == 1 else {
                throw DataError(source: yPath, location: "field \"shape\"", problem: "class labels need shape (n,), got \(y.shape)")
            }
            let largest = Float(Dataset.maximumClassCount - 1)
            if let bad = y.scalars.firstIndex(where: { $0 < 0 || $0 != $0.rounded() || $0 > largest }) {
                throw DataError(source: yPath, location: "element [\(bad)]", problem: "label \(y.scalars[bad]) is not a class index; expected an integer in 0...\(Dataset.maximumClassCount - 1) (a model predicts at most \(Dataset.maximumClassCount) classes)")
            }
            let classCount = Int(y.scalars.max() ?? 0) + 1
            classNames = (0..<classCount).map(String.init)
        }
        return Dataset(features: x.tensor, targets: y.tensor, classNames: classNames)
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
