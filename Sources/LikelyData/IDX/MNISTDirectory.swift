import LikelyTensor

/// Which half of an MNIST-layout directory to read.
public enum MNISTSplit: String, Sendable, CaseIterable {
    /// `train-images-idx3-ubyte[.gz]` and `train-labels-idx1-ubyte[.gz]`.
    case train
    /// `t10k-images-idx3-ubyte[.gz]` and `t10k-labels-idx1-ubyte[.gz]`.
    case test

    /// The file-name prefix of this split.
    var prefix: String { self == .train ? "train" : "t10k" }
}

/// A directory of IDX files in the MNIST layout (MNIST, Fashion-MNIST, KMNIST, ...).
public enum MNISTDirectory {
    /// Whether `path` is a directory holding at least one split's image and label files.
    public static func looksLikeMNIST(_ path: String) -> Bool {
        MNISTSplit.allCases.contains { split in
            findFile(in: path, prefix: split.prefix, kind: "images", rank: 3) != nil
                && findFile(in: path, prefix: split.prefix, kind: "labels", rank: 1) != nil
        }
    }

    /// Loads one split: images `[n, rows, columns, 1]` scaled to [0, 1] as features, label
    /// indices `[n]` as targets, and class names "0", "1", … up to the largest label (at
    /// least ten, the MNIST convention, so train and test agree).
    /// - Parameters:
    ///   - path: the directory.
    ///   - split: `.train` or `.test`.
    /// - Throws: `DataError` when a file is missing or malformed, or when the image and
    ///   label counts differ.
    public static func load(_ path: String, split: MNISTSplit) throws -> Dataset {
        guard FileInput.isDirectory(path) else {
            throw DataError(source: path, problem: "is not a directory holding MNIST-layout IDX files")
        }
        let imagesPath = try requireFile(in: path, prefix: split.prefix, kind: "images", rank: 3)
        let labelsPath = try requireFile(in: path, prefix: split.prefix, kind: "labels", rank: 1)
        let images = try IDXReader.images(path: imagesPath)
        let labels = try IDXReader.labels(path: labelsPath)
        guard images.shape[0] >= 1, images.shape.dropFirst().allSatisfy({ $0 >= 1 }) else {
            throw DataError(source: imagesPath, problem: "holds \(images.shape[0]) images of \(images.shape[1]) × \(images.shape[2]) pixels; expected at least one image of at least one pixel")
        }
        guard images.shape[0] == labels.count else {
            throw DataError(source: path, problem: "\(imagesPath) holds \(images.shape[0]) images but \(labelsPath) holds \(labels.count) labels; the counts must agree")
        }
        let classCount = max(10, (labels.max() ?? -1) + 1)
        return Dataset(features: images, targets: Tensor(labels.map(Float.init)),
                       classNames: (0..<classCount).map(String.init))
    }

    /// The candidate names of one file, in the order they are tried.
    static func candidates(prefix: String, kind: String, rank: Int) -> [String] {
        let base = "\(prefix)-\(kind)"
        return ["\(base)-idx\(rank)-ubyte", "\(base)-idx\(rank)-ubyte.gz", "\(base).idx\(rank)-ubyte", "\(base).idx\(rank)-ubyte.gz"]
    }

    static func findFile(in directory: String, prefix: String, kind: String, rank: Int) -> String? {
        candidates(prefix: prefix, kind: kind, rank: rank)
            .map { directory.hasSuffix("/") ? directory + $0 : directory + "/" + $0 }
            .first(where: FileInput.isRegularFile)
    }

    static func requireFile(in directory: String, prefix: String, kind: String, rank: Int) throws -> String {
        guard let found = findFile(in: directory, prefix: prefix, kind: kind, rank: rank) else {
            let names = candidates(prefix: prefix, kind: kind, rank: rank).prefix(2).joined(separator: " or ")
            throw DataError(source: directory, problem: "has no \(kind) file for the \(prefix == "train" ? "train" : "test") split; expected \(names)")
        }
        return found
    }
}
