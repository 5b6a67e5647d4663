import Foundation
import Likely

/// Split files in the UCI benchmark's naming: `index_train_K.txt` and `index_test_K.txt`,
/// one 0-based data row per line (the header is not a row), K = 0, 1, …
enum BenchmarkSplitFiles {
    /// Writes `splits` (rows of the data read) as data rows of the file: `rows[i]` is row i's.
    static func write(_ splits: [BenchmarkSplit], rows: [Int], to directory: String) throws {
        for (k, split) in splits.enumerated() {
            for (name, part) in [("index_train_\(k).txt", split.train), ("index_test_\(k).txt", split.test)] {
                try writeText(part.map { String(rows[$0]) }.joined(separator: "\n") + "\n", to: DataSource.join(directory, name),
                              option: "--write-splits")
            }
        }
    }

    /// Reads the splits in `directory` (K = 0, 1, … while both files exist; at most `limit`),
    /// mapping data rows to the rows read; listed rows that were dropped are counted, not kept.
    static func read(_ directory: String, rows: [Int], limit: Int?) throws -> (splits: [(train: [Int], test: [Int])], skipped: Int) {
        guard FileInput.isDirectory(directory) else { throw InputError("--splits-from \(directory): not a directory") }
        var position: [Int: Int] = [:]
        for (i, row) in rows.enumerated() { position[row] = i }
        var splits: [(train: [Int], test: [Int])] = [], skipped = 0
        var k = 0
        while limit.map({ k < $0 }) ?? true {
            let trainPath = DataSource.join(directory, "index_train_\(k).txt"), testPath = DataSource.join(directory, "index_test_\(k).txt")
            guard FileInput.isRegularFile(trainPath) || FileInput.isRegularFile(testPath) else { break }
            var parts: [[Int]] = []
            for path in [trainPath, testPath] {
                guard FileInput.isRegularFile(path) else { throw InputError("--splits-from: \(path) is missing beside its partner file") }
                let listed: [Int]
                do {
                    listed = try UCIDirectory.indices(path, below: Int.max, what: "a data row")
                } catch let error as DataError {
                    throw InputError("--splits-from: \(error)")
                }
                let known = listed.compactMap { position[$0] }
                skipped += listed.count - known.count
                parts.append(known)
            }
            guard !parts[0].isEmpty, !parts[1].isEmpty else {
                throw InputError("--splits-from: split \(k) (\(trainPath), \(testPath)) leaves no training or no test row of the data read")
            }
            if let shared = Set(parts[0]).intersection(parts[1]).first {
                throw InputError("--splits-from: data row \(rows[shared]) is both a training and a test row of split \(k)")
            }
            splits.append((parts[0].sorted(), parts[1].sorted()))
            k += 1
        }
        guard !splits.isEmpty else {
            throw InputError("--splits-from \(directory): no index_train_0.txt and index_test_0.txt (as --write-splits writes them)")
        }
        return (splits, skipped)
    }
}
