/// One train/test split of a benchmark: row indices into its data, and the seed its fit uses.
public struct BenchmarkSplit: Equatable, Sendable {
    /// The rows trained on, ascending.
    public var train: [Int]
    /// The rows scored, ascending.
    public var test: [Int]
    /// The fit's seed: the benchmark's seed + the split's index.
    public var seed: UInt64

    public init(train: [Int], test: [Int], seed: UInt64) {
        (self.train, self.test, self.seed) = (train, test, seed)
    }

    /// K seeded random splits of n rows: split k shuffles 0..<n from the stream (seed,
    /// `.benchmarkSplits`, example k) and holds out the first round(n·F) as its test rows.
    /// - Parameters:
    ///   - count: K ≥ 1.
    ///   - testFraction: F in (0, 1), leaving at least one row on each side.
    public static func random(rows n: Int, count: Int, testFraction: Double, seed: UInt64) -> [BenchmarkSplit] {
        precondition(count >= 1, "a benchmark needs at least one split, got \(count)")
        precondition(testFraction > 0 && testFraction < 1, "the test fraction must be in (0, 1), got \(testFraction)")
        let held = testRows(rows: n, fraction: testFraction)
        return (0..<count).map { k in
            var random = RandomSource(key: StreamKey(seed: seed, purpose: .benchmarkSplits, example: UInt64(k)))
            var order = Array(0..<n)
            random.shuffle(&order)
            return BenchmarkSplit(train: order[held...].sorted(), test: order[..<held].sorted(), seed: seed &+ UInt64(k))
        }
    }

    /// round(n·F), the test rows of a random split.
    public static func testRows(rows n: Int, fraction: Double) -> Int { Int((Double(n) * fraction).rounded()) }

    /// The in-between test: the rows sorted by `values` (ties by row), the middle third
    /// (rows ⌊n/3⌋ ..< ⌊2n/3⌋ of that order) held out for testing; K splits that share these rows
    /// and differ in their fit's seed (seed + k).
    public static func gap(values: [Float], count: Int, seed: UInt64) -> [BenchmarkSplit] {
        precondition(count >= 1, "a benchmark needs at least one split, got \(count)")
        let n = values.count
        let order = (0..<n).sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        let middle = (n / 3)..<(2 * n / 3)
        let test = order[middle].sorted()
        let train = (order[..<middle.lowerBound] + order[middle.upperBound...]).sorted()
        return (0..<count).map { BenchmarkSplit(train: train, test: test, seed: seed &+ UInt64($0)) }
    }

    /// Given splits (the UCI layout's, or files `--write-splits` wrote), seeded as the others.
    public static func given(_ splits: [(train: [Int], test: [Int])], seed: UInt64) -> [BenchmarkSplit] {
        splits.enumerated().map { k, split in BenchmarkSplit(train: split.train, test: split.test, seed: seed &+ UInt64(k)) }
    }
}
