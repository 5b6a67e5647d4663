import Likely

/// How `likely tune` scores a trial: K-fold cross-validation, or (K = 1) one held-out part.
///
/// With K > 1 the examples are shuffled (seeded) and dealt into K folds of sizes ⌊n/K⌋ or
/// ⌈n/K⌉ (for classes: each class shuffled and dealt in turn, so every fold keeps the class
/// proportions); fold k validates the model trained on the other K − 1. A trial's score is
/// the minimum over epochs of the folds' mean validation NLL curve, its epochs that
/// minimum's epoch.
struct TuneValidation {
    /// One training part and the examples it is validated on.
    struct Part {
        var training: FitCommand.Prepared
        var validation: Dataset
    }

    /// The folds K ≥ 1.
    var folds: Int
    /// With K = 1: the fraction of the examples held out.
    var fraction: Double

    /// Tables of at most this many examples are cross-validated by default.
    static let crossValidatedExamples = 10_000

    /// The default folds: 5 for at most `crossValidatedExamples` examples, else 1. A single 20%
    /// part is too few rows to rank trials by on a small table, and on statsmodels' `fair`
    /// (6366 rows, a heavy-tailed count) it still picked worse models than 5 folds did.
    static func defaultFolds(examples: Int) -> Int {
        examples <= crossValidatedExamples ? 5 : 1
    }

    /// The training parts and their validation examples, seeded by `seed`.
    func parts(of prepared: FitCommand.Prepared, seed: UInt64) throws -> [Part] {
        let all = prepared.data.dataset, n = all.count
        let stratified = prepared.family.support.isClassification
        var random = RandomSource(seed: seed, stream: 0x7475_6E66)
        // Each part's encoding (categories, imputed means) is fitted on its training rows alone.
        func part(train: [Int], validation: [Int]) -> Part {
            let data = prepared.data.encoded(fittingOn: train)
            let encoded = data.dataset
            var training = prepared
            training.data = data
            training.data.features = encoded.features.gatheringRows(train)
            training.data.targets = encoded.targets.gatheringRows(train)
            return Part(training: training, validation: encoded.subset(validation))
        }
        if folds == 1 {
            let held = Int((Double(n) * fraction).rounded())
            guard held >= 1 && held < n else {
                throw InputError("--validation-split \(fraction) of \(n) examples leaves \(held) for validation and \(n - held) for training; each needs at least one")
            }
            let split = all.splitIndices(validationFraction: fraction, stratified: stratified, using: &random)
            return [part(train: split.train, validation: split.validation)]
        }
        guard n >= 2 * folds else {
            throw InputError("--folds \(folds) needs at least \(2 * folds) examples (two per fold); DATA has \(n)")
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
