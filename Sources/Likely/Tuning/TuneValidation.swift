import Foundation

/// How a `Tuner` (`likely tune`) scores a trial: K-fold cross-validation, or (K = 1) one held-out part.
///
/// With K > 1 the examples are shuffled (seeded) and dealt into K folds of sizes ⌊n/K⌋ or
/// ⌈n/K⌉ (for classes: each class shuffled and dealt in turn, so every fold keeps the class
/// proportions); fold k validates the model trained on the other K − 1. A trial's score is
/// the minimum over epochs of the folds' mean validation NLL curve, its epochs that
/// minimum's epoch.
public struct TuneValidation: Sendable {
    /// One training part and the examples it is validated on.
    public struct Part {
        /// The examples trained on.
        public var training: Dataset
        /// The examples validated on.
        public var validation: Dataset
    }

    /// The folds K ≥ 1.
    public var folds: Int
    /// With K = 1: the fraction of the examples held out.
    public var fraction: Double

    /// The fraction a single validation part holds out unless another is given.
    public static let defaultFraction = 0.2

    /// K folds, or (K = 1) one held-out `fraction`.
    public init(folds: Int, fraction: Double = defaultFraction) {
        precondition(folds >= 1, "folds must be ≥ 1, got \(folds)")
        precondition(fraction > 0 && fraction < 1, "the held-out fraction must be in (0, 1), got \(fraction)")
        (self.folds, self.fraction) = (folds, fraction)
    }

    /// Tables of at most this many examples are cross-validated by default.
    public static let crossValidatedExamples = 10_000

    /// The default folds: 5 for at most `crossValidatedExamples` examples, else 1. A single 20%
    /// part is too few rows to rank trials by on a small table, and on statsmodels' `fair`
    /// (6366 rows, a heavy-tailed count) it still picked worse models than 5 folds did.
    public static func defaultFolds(examples: Int) -> Int {
        examples <= crossValidatedExamples ? 5 : 1
    }

    /// The training parts of `all` and their validation examples, seeded by `seed` (the
    /// stream (seed, `.tuningFolds`)), stratified by class when `stratified`.
    /// - Parameter encoding: the examples encoded by an encoding fitted on the given training
    ///   rows alone (a table's categories and imputed means, `CSVTable.refitted(onRows:)`), so
    ///   that no part's validation rows shape its inputs; `nil`: `all` as it is.
    /// - Throws: `FitPlanError` when there are too few examples for the parts.
    public func parts(of all: Dataset, stratified: Bool, seed: UInt64,
                      encoding: (([Int]) -> Dataset)? = nil) throws -> [Part] {
        let n = all.count
        var random = RandomSource(key: StreamKey(seed: seed, purpose: .tuningFolds))
        func part(train: [Int], validation: [Int]) -> Part {
            let encoded = encoding?(train) ?? all
            return Part(training: encoded.subset(train), validation: encoded.subset(validation))
        }
        if folds == 1 {
            let held = Int((Double(n) * fraction).rounded())
            guard held >= 1 && held < n else {
                throw FitPlanError(property: "validationSplit", problem: "\(fraction) of \(n) examples leaves \(held) for validation and \(n - held) for training; each needs at least one")
            }
            let split = all.splitIndices(validationFraction: fraction, stratified: stratified, using: &random)
            return [part(train: split.train, validation: split.validation)]
        }
        guard n >= 2 * folds else {
            throw FitPlanError(property: "folds", problem: "\(folds) needs at least \(2 * folds) examples (two per fold); the data has \(n)")
        }
        var groups: [[Int]]
        if stratified {
            var byClass: [Int: [Int]] = [:]
            for (row, c) in all.classIndices.enumerated() { byClass[c, default: []].append(row) }
            groups = byClass.keys.sorted().map { byClass[$0] ?? [] }
        } else {
            groups = [Array(0..<n)]
        }
        var order: [Int] = []
        for i in groups.indices {
            random.shuffle(&groups[i])
            order += groups[i]
        }
        // Example order[j] validates in fold j mod K.
        var fold = [[Int]](repeating: [], count: folds)
        for (j, row) in order.enumerated() { fold[j % folds].append(row) }
        return (0..<folds).map { k in
            var train = (0..<folds).filter { $0 != k }.flatMap { fold[$0] }
            random.shuffle(&train)
            return part(train: train, validation: fold[k])
        }
    }
}
