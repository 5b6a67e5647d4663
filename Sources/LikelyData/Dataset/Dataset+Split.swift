import LikelyTensor

/// A dataset cut into training, validation and test parts.
public struct DatasetSplit {
    /// The examples to fit on (and to fit a `Standardizer` on).
    public let train: Dataset
    /// The examples for early stopping and model choice (may be empty).
    public let validation: Dataset
    /// The held-out examples (may be empty).
    public let test: Dataset
}

extension Dataset {
    /// A seeded random split into train, validation and test parts.
    ///
    /// Sizes: validation = round(n · validationFraction), test = round(n · testFraction),
    /// train the rest. Stratified, the rounding is done per class (classes taken from `[n]`
    /// class-index targets), so each part keeps the class proportions.
    /// - Parameters:
    ///   - validationFraction: in [0, 1).
    ///   - testFraction: in [0, 1), with validationFraction + testFraction < 1.
    ///   - stratified: split each class separately (requires `[n]` class targets).
    ///   - random: the source of the shuffles.
    public func split(validationFraction: Double, testFraction: Double = 0, stratified: Bool = false,
                      using random: inout RandomSource) -> DatasetSplit {
        let rows = splitIndices(validationFraction: validationFraction, testFraction: testFraction, stratified: stratified,
                                using: &random)
        return DatasetSplit(train: subset(rows.train), validation: subset(rows.validation), test: subset(rows.test))
    }

    /// The example indices of each part of `split(validationFraction:testFraction:stratified:using:)`,
    /// drawing the same numbers from `random`: what a caller needs to fit something on the
    /// training rows alone (a table's encoding) before the parts are cut.
    public func splitIndices(validationFraction: Double, testFraction: Double = 0, stratified: Bool = false,
                             using random: inout RandomSource) -> (train: [Int], validation: [Int], test: [Int]) {
        precondition((0..<1).contains(validationFraction), "validationFraction must be in [0, 1), got \(validationFraction)")
        precondition((0..<1).contains(testFraction), "testFraction must be in [0, 1), got \(testFraction)")
        precondition(validationFraction + testFraction < 1,
                     "validationFraction + testFraction must be < 1, got \(validationFraction) + \(testFraction)")
        var groups: [[Int]]
        if stratified {
            precondition(targets.rank == 1, "a stratified split needs class-index targets [n], got shape \(targets.shape)")
            var byClass: [Int: [Int]] = [:]
            for (row, c) in classIndices.enumerated() { byClass[c, default: []].append(row) }
            groups = byClass.keys.sorted().map { byClass[$0]! }
        } else {
            groups = [Array(0..<count)]
        }
        var train: [Int] = [], validation: [Int] = [], test: [Int] = []
        for i in groups.indices {
            random.shuffle(&groups[i])
            let rows = groups[i]
            let v = Int((Double(rows.count) * validationFraction).rounded())
            let t = min(rows.count - v, Int((Double(rows.count) * testFraction).rounded()))
            validation += rows[0..<v]
            test += rows[v..<(v + t)]
            train += rows[(v + t)...]
        }
        if stratified {
            // Interleave the classes again so that batches of the parts are mixed.
            random.shuffle(&train)
            random.shuffle(&validation)
            random.shuffle(&test)
        }
        return (train, validation, test)
    }
}
