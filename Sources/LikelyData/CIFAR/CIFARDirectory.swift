#if canImport(Glibc)
import Glibc
#endif
import LikelyTensor

/// The two binary layouts of the CIFAR image sets (Krizhevsky 2009), 32×32 colour images.
public enum CIFARLayout: String, Sendable, CaseIterable {
    /// CIFAR-10: `data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`, `batches.meta.txt`;
    /// each record is 1 label byte then 3072 pixel bytes.
    case cifar10 = "CIFAR-10"
    /// CIFAR-100: `train.bin`, `test.bin`, `coarse_label_names.txt`, `fine_label_names.txt`;
    /// each record is 2 label bytes (coarse, then fine) then 3072 pixel bytes.
    case cifar100 = "CIFAR-100"

    /// Label bytes at the start of each record.
    var labelBytes: Int { self == .cifar10 ? 1 : 2 }

    /// The training files in reading order: CIFAR-10's data batches 1…5 that exist, whatever
    /// they are (the reader refuses a FIFO or directory by name), the first at least, so that
    /// its absence is reported; CIFAR-100's `train.bin`.
    func trainFiles(in directory: String) -> [String] {
        switch self {
        case .cifar10:
            let batches = (1...5).map { CIFARDirectory.join(directory, "data_batch_\($0).bin") }
            let present = batches.filter(CIFARDirectory.exists)
            return present.isEmpty ? [batches[0]] : present
        case .cifar100:
            return [CIFARDirectory.join(directory, "train.bin")]
        }
    }

    func testFile(in directory: String) -> String {
        CIFARDirectory.join(directory, self == .cifar10 ? "test_batch.bin" : "test.bin")
    }
}

/// Which of CIFAR-100's two labels is the target.
public enum CIFARLabel: String, Sendable, CaseIterable {
    /// The 100 classes (`fine_label_names.txt`), the default.
    case fine
    /// The 20 superclasses (`coarse_label_names.txt`).
    case coarse

    /// The number of classes of this label: 100 fine, 20 coarse.
    public var classCount: Int { self == .fine ? 100 : 20 }
}

/// A directory of CIFAR-10 or CIFAR-100 binary files, read as images `[n, 32, 32, 3]` (NHWC)
/// in [0, 1] and class indices.
///
/// A record's 3072 pixel bytes are channel-planar: 1024 red, 1024 green, then 1024 blue, each
/// plane row-major. Pixel (r, c) of channel k is byte `k·1024 + r·32 + c`; it becomes element
/// `(r·32 + c)·3 + k` of the example, divided by 255.
public enum CIFARDirectory {
    /// Bytes of one image: 32 × 32 pixels × 3 channels.
    public static let imageBytes = 32 * 32 * 3

    /// The layout of `path`: CIFAR-10 when it holds `data_batch_1.bin` or `test_batch.bin`,
    /// CIFAR-100 when it holds `train.bin` or `test.bin`; `nil` for anything else.
    public static func layout(of path: String) -> CIFARLayout? {
        guard FileInput.isDirectory(path) else { return nil }
        if ["data_batch_1.bin", "test_batch.bin"].contains(where: { FileInput.isRegularFile(join(path, $0)) }) { return .cifar10 }
        if ["train.bin", "test.bin"].contains(where: { FileInput.isRegularFile(join(path, $0)) }) { return .cifar100 }
        return nil
    }

    /// Loads one split: images `[n, 32, 32, 3]` in [0, 1] as features, label indices `[n]` as
    /// targets, and the class names from the directory's names file (`batches.meta.txt`,
    /// `fine_label_names.txt` or `coarse_label_names.txt`: one name a line, blank lines
    /// skipped), or "0", "1", … when it has none.
    /// - Parameters:
    ///   - path: the directory.
    ///   - split: `.train` (CIFAR-10's data batches, CIFAR-100's `train.bin`) or `.test`.
    ///   - label: CIFAR-100's fine or coarse label; CIFAR-10 has only one and ignores it.
    /// - Throws: `DataError` naming the file when a file is missing, is not a whole number of
    ///   records, or holds a label outside the classes.
    public static func load(_ path: String, split: MNISTSplit, label: CIFARLabel = .fine) throws -> Dataset {
        guard let layout = layout(of: path) else {
            throw DataError(source: path, problem: "is not a directory in a CIFAR binary layout; expected data_batch_1.bin … "
                            + "data_batch_5.bin and test_batch.bin (CIFAR-10) or train.bin and test.bin (CIFAR-100)")
        }
        let names = try classNames(in: path, layout: layout, label: label)
        let files = split == .train ? layout.trainFiles(in: path) : [layout.testFile(in: path)]
        var pixels: [Float] = [], labels: [Float] = []
        for file in files {
            try read(file, layout: layout, label: label, classCount: names.count, into: &pixels, &labels)
        }
        return Dataset(features: Tensor(shape: [labels.count, 32, 32, 3], scalars: pixels), targets: Tensor(labels),
                       classNames: names)
    }

    /// The class names of `label` in `layout`, or the indices when the names file is absent.
    static func classNames(in path: String, layout: CIFARLayout, label: CIFARLabel) throws -> [String] {
        let file = join(path, layout == .cifar10 ? "batches.meta.txt" : "\(label.rawValue)_label_names.txt")
        let count = layout == .cifar10 ? 10 : label.classCount
        // Something that is not a regular file (a FIFO, a directory) is named as such by readAll.
        guard exists(file) else { return (0..<count).map(String.init) }
        let text = String(decoding: try FileInput.readAll(file), as: UTF8.self)
        let names = text.split(whereSeparator: \.isNewline).map(trimmed).filter { !$0.isEmpty }
        guard names.count == count else {
            throw DataError(source: file, problem: "holds \(names.count) class names; \(layout.rawValue) has \(count)"
                            + (layout == .cifar100 ? " \(label.rawValue) classes" : ""))
        }
        return names
    }

    /// Appends the records of `file` to `pixels` (NHWC, [0, 1]) and `labels`.
    static func read(_ file: String, layout: CIFARLayout, label: CIFARLabel, classCount: Int,
                     into pixels: inout [Float], _ labels: inout [Float]) throws {
        // Something that is not a regular file (a FIFO, a directory) is named as such by readAll.
        guard exists(file) else {
            throw DataError(source: file, problem: "missing; a \(layout.rawValue) directory holds "
                            + (layout == .cifar10 ? "data_batch_1.bin … data_batch_5.bin and test_batch.bin" : "train.bin and test.bin"))
        }
        let bytes = try FileInput.readAll(file)
        let record = layout.labelBytes + imageBytes
        guard !bytes.isEmpty, bytes.count % record == 0 else {
            throw DataError(source: file, problem: "holds \(bytes.count) bytes, not a whole number of \(layout.rawValue) records of "
                            + "\(record) bytes (\(layout.labelBytes) label byte\(layout.labelBytes == 1 ? "" : "s") + 3072 pixel bytes)")
        }
        let count = bytes.count / record
        // CIFAR-100 stores the coarse label first, then the fine one.
        let labelOffset = layout == .cifar100 && label == .fine ? 1 : 0
        pixels.reserveCapacity(pixels.count + count * imageBytes)
        labels.reserveCapacity(labels.count + count)
        var image = [Float](repeating: 0, count: imageBytes)
        for i in 0..<count {
            let start = i * record
            let value = Int(bytes[start + labelOffset])
            guard value < classCount else {
                throw DataError(source: file, location: "record \(i) (byte \(start + labelOffset))",
                                problem: "label \(value) is not one of the \(classCount) classes 0…\(classCount - 1)")
            }
            labels.append(Float(value))
            let planes = start + layout.labelBytes
            for k in 0..<3 {
                for p in 0..<1024 { image[p * 3 + k] = Float(bytes[planes + k * 1024 + p]) / 255 }
            }
            pixels += image
        }
    }

    /// Whether anything (a file, a directory, a FIFO, …) is at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// `line` without the spaces, tabs and carriage returns around it.
    static func trimmed(_ line: Substring) -> String {
        String(line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
