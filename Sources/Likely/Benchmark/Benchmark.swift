import Foundation

/// Fits a `FitPlan` on the training rows of every split and scores the test rows: what
/// `likely benchmark` runs, so a Swift program gets the same numbers.
///
/// ```swift
/// let table = try CSVReader.read("houses.csv", options: CSVOptions(target: "price", categorical: .automatic))
/// let splits = BenchmarkSplit.random(rows: table.features.shape[0], count: 5, testFraction: 0.2, seed: 0)
/// let report = try Benchmark(plan: FitPlan(family: .normal)).run(.table(table), splits: splits)
/// print(report.mean(\.nll) ?? .nan, report.standardError(\.nll) ?? .nan)
/// ```
///
/// Each split is fitted with the plan's options and the split's seed. For a CSV table the
/// encoding (categories, imputed means) is fitted on the rows the fit trains on alone (the
/// split's training rows but its validation rows) and the held-out rows' new categories are
/// encoded as unseen (`CSVTable.refitted(onRows:)`); the
/// scalings are fitted on the training rows by `fit`. Scores are those of `likely evaluate`
/// on the test rows: the mean NLL per observation in original units; for regression and
/// counts the RMSE of the predictive mean and the coverage of the central 90% interval; for
/// classes the accuracy and the ECE over `bins` equal-width confidence bins.
public struct Benchmark {
    /// What is fitted on each split (its `seed` is replaced by the split's).
    public var plan: FitPlan
    /// T, the MC-dropout passes of the predictive (0: the deterministic network).
    public var mcSamples: Int
    /// Confidence bins of the ECE.
    public var bins: Int
    /// The registered uncertainty method scored (`UncertaintyMethods`), or nil for the
    /// default (laplace when the plan fits a posterior, else dropout when T > 0, else network).
    public var method: String?

    /// The data a benchmark splits: a CSV table (its encoding is refitted per split) or
    /// examples of a kind (`DataKind`) whose features are used as they are.
    public enum Examples {
        case table(CSVTable)
        case dataset(Dataset, kind: DataKind)

        /// The number of rows.
        public var count: Int {
            switch self {
            case .table(let table): table.features.shape[0]
            case .dataset(let data, _): data.count
            }
        }
    }

    public init(plan: FitPlan, mcSamples: Int = 0, bins: Int = 15) {
        precondition(mcSamples >= 0, "mcSamples must be ≥ 0, got \(mcSamples)")
        (self.plan, self.mcSamples, self.bins) = (plan, mcSamples, bins)
    }

    /// Fits and scores every split; under a distributed `world` rank r takes the splits
    /// k ≡ r (mod N) and every rank gets every split's scores (the same numbers as one process).
    /// - Parameter progress: told a line after each split, and during a long fit an epoch line
    ///   at most every 2 s, and before scoring the test rows when 2 s have passed since.
    /// - Throws: what `FitPlan.fit` throws (bad targets, a non-finite loss, an oversized network).
    public func run(_ examples: Examples, splits: [BenchmarkSplit], over world: any Communicator = SingleProcessCommunicator(),
                    progress: ((String) -> Void)? = nil) throws -> BenchmarkReport {
        for (k, split) in splits.enumerated() {
            precondition(!split.train.isEmpty && !split.test.isEmpty, "split \(k) needs training and test rows")
            precondition((split.train + split.test).allSatisfy { (0..<examples.count).contains($0) },
                         "split \(k) has rows outside 0..<\(examples.count)")
        }
        var own: [Int: BenchmarkMetrics] = [:]
        for k in splits.indices where k % world.size == world.rank {
            let scored = try score(examples, split: splits[k], progress: progress.map { say in { say("split \(k + 1)/\(splits.count): \($0)") } })
            own[k] = scored
            progress?("split \(k + 1)/\(splits.count): " + scored.summary)
        }
        let all = world.size == 1 ? splits.indices.map { own[$0]! } : gather(own, count: splits.count, over: world)
        return BenchmarkReport(splits: all)
    }

    /// The split's training and test examples, and the held-out cells of unseen categories.
    /// A table's encoding is fitted on the rows the fit trains on: the split's training rows
    /// but those the plan holds out for validation (`TrainingRows.parts` with the split's seed
    /// and `FitPlan.heldOutFraction`, the draw `fit` makes), as `likely fit` on those rows does.
    func parts(_ examples: Examples, _ split: BenchmarkSplit) -> (train: Dataset, test: Dataset, kind: DataKind, unseen: Int) {
        switch examples {
        case .table(let table):
            let rows = Dataset(features: Tensor(shape: [split.train.count, 0], scalars: []), targets: table.dataset.targets.gatheringRows(split.train))
            let fitted = TrainingRows.parts(of: rows, seed: split.seed, conformalFraction: 0,
                                            validationFraction: plan.heldOutFraction(examples: split.train.count),
                                            stratified: plan.family.support.isClassification).train
            let refit = table.refitted(onRows: fitted.map { split.train[$0] })
            let all = refit.dataset
            return (all.subset(split.train), all.subset(split.test), .table, refit.unseenCategoryCells)
        case .dataset(let data, let kind):
            return (data.subset(split.train), data.subset(split.test), kind, 0)
        }
    }

    /// Fits the plan on the split's training rows and scores its test rows.
    func score(_ examples: Examples, split: BenchmarkSplit, progress: ((String) -> Void)?) throws -> BenchmarkMetrics {
        let start = Date()
        let (train, test, kind, unseen) = parts(examples, split)
        var plan = self.plan
        plan.seed = split.seed
        var said = Date()
        let (model, _) = try plan.fit(train, kind: kind) { _, options in
            guard let progress else { return }
            let epochs = options.epochs
            options.onEpochEnd = { record in
                guard Date().timeIntervalSince(said) >= 2 else { return }
                said = Date()
                progress("epoch \(record.epoch)/\(epochs), loss " + String(format: "%.4f", record.loss))
            }
        }
        if let progress, Date().timeIntervalSince(said) >= 2 { progress("scoring the \(test.count) test rows") }
        let predictive = model.predictive(test.features, method: try UncertaintyMethods.chosen(method, for: model, mcSamples: mcSamples),
                                          seed: split.seed)
        var metrics = BenchmarkMetrics(nll: -predictive.logLikelihood(test.targets).reduce(0, +) / Double(test.count),
                                       trainRows: train.count, testRows: test.count, unseenCategoryCells: unseen)
        let y = test.targets.scalars.map(Double.init)
        if model.head.family.support.isClassification {
            let labels = y.map { Int($0) }
            let probabilities = predictive.classification.meanProbabilities
            metrics.accuracy = Metrics.accuracy(probabilities: probabilities, labels: labels)
            metrics.ece = ReliabilityDiagram(probabilities: probabilities, labels: labels, binCount: bins).expectedCalibrationError
        } else {
            metrics.rmse = Metrics.rootMeanSquaredError(predictions: predictive.mean, targets: y)
            let counts = model.head.family.support == .counts ? CountMixtureScores(predictive, observations: y, levels: [0.9]) : nil
            let (lower, upper) = counts?.intervals[0.9] ?? predictive.interval(level: 0.9)
            metrics.coverage90 = Metrics.coverage(lower: lower, upper: upper, observations: y)
        }
        metrics.seconds = Date().timeIntervalSince(start)
        return metrics
    }

    /// Every split's scores on every rank: each rank packs its own splits, zeros elsewhere,
    /// and the packs are summed (a split's numbers come from one rank alone, so the sum is exact).
    func gather(_ own: [Int: BenchmarkMetrics], count: Int, over world: any Communicator) -> [BenchmarkMetrics] {
        let width = BenchmarkMetrics.packedWidth
        var packed = [Double](repeating: 0, count: count * width)
        for (k, metrics) in own { packed.replaceSubrange(k * width..<(k + 1) * width, with: metrics.packed) }
        world.allreduceSum(&packed)
        return (0..<count).map { BenchmarkMetrics(packed: packed[($0 * width)..<(($0 + 1) * width)]) }
    }
}
