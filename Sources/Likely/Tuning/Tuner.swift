import Foundation

/// Seeded random search of a `FitPlan`'s options (`likely tune`): each trial scored by
/// cross-validation (or one validation part), then the plan to refit on all the data.
///
/// Trial 1 is the user's plan with its defaults spelt out; the others come from `TuneSpace`.
/// A trial is scored by the minimum of its mean validation NLL curve over the folds, each
/// trained with early stopping (patience `defaultPatience` unless the plan has one) for at
/// most `epochCap` epochs unless the plan gives them. `TrialScore.choose` picks the trial to
/// refit; `refitPlan` says how.
public struct Tuner {
    /// The early-stopping patience of the trials when the plan has none.
    public static let defaultPatience = 10

    /// The user's plan (its `epochs` and `patience` are those of a refit of trial 1).
    public let plan: FitPlan
    /// What kind of data is tuned on.
    public let kind: DataKind
    /// The training parts and the examples each is validated on.
    public let parts: [TuneValidation.Part]
    /// The options searched and their draws.
    public let space: TuneSpace

    /// A search of `dimensions` around `plan` on `data`, scored by `validation`'s parts
    /// (seeded by `plan.seed`, stratified for classes; `encoding` as in `TuneValidation.parts`).
    /// - Throws: `FitPlanError` when `data` is too small for the parts.
    public init(plan: FitPlan, data: Dataset, kind: DataKind, dimensions: Set<TuneSpace.Dimension>,
                validation: TuneValidation, encoding: (([Int]) -> Dataset)? = nil) throws {
        self.plan = plan
        self.kind = kind
        parts = try validation.parts(of: data, stratified: plan.family.support.isClassification, seed: plan.seed,
                                     encoding: encoding)
        let shape = Array(data.features.shape.dropFirst())
        let architecture = plan.architecture(exampleShape: shape)
        var base = plan
        base.architecture = architecture
        base.dropout = base.dropout ?? FitDefaults.dropout(architecture, kind)
        base.learningRate = base.learningRate ?? base.optimizer.defaultLearningRate
        base.weightDecay = base.weightDecay ?? FitDefaults.weightDecay(architecture, kind, trainingExamples: parts[0].training.count)
        base.validationSplit = 0
        base.patience = base.patience ?? Self.defaultPatience
        base.epochs = base.epochs ?? Self.epochCap(kind, examples: parts[0].training.count, batchSize: plan.batchSize)
        space = TuneSpace(dimensions: dimensions, base: base, targets: data.targets)
    }

    /// The epoch cap of a trial when the plan gives no epochs: fit's for `examples` training
    /// examples, the epochs of `FitDefaults.maximumSteps` gradient steps (early stopping ends
    /// nearly every trial far sooner).
    public static func epochCap(_ kind: DataKind, examples: Int, batchSize: Int) -> Int {
        FitDefaults.epochs(trainingExamples: examples, batchSize: batchSize)
    }

    /// Trains `trial` on every part and scores it by the folds' mean validation curve: with
    /// v_k(e) fold k's validation NLL after epoch e (held at its last value after the fold
    /// stopped early), the score is min_e (1/K) Σ_k v_k(e) and the epochs to refit are the
    /// arg-min, one epoch count for all folds rather than an optimistic per-fold best. Every
    /// trial, trial 1 included, is scored so, so that their scores carry the same optimism of
    /// a best epoch. The fold values v_k at that epoch are kept for the standard error of
    /// `TrialScore.choose`. Each fold trains one network (the plan's members apply to the
    /// refit only) and weighs no GLM (`FitPlan.glmCandidate`: the refit may). A diverging fold
    /// (`TrainingError`) makes the trial fail (+∞).
    public func score(_ trial: FitPlan) throws -> TrialScore {
        let failed = TrialScore(nll: .infinity, epochsRun: 0, bestEpoch: 0, folds: [])
        var trial = trial
        trial.members = 1
        // The score is the network's validation curve: a GLM weighed after it would not count.
        trial.glmCandidate = false
        var curves: [[Double]] = []
        for part in parts {
            let history: History
            do {
                history = try trial.fit(part.training, kind: kind, validation: part.validation).history
            } catch is TrainingError {
                return failed
            }
            let curve = history.epochs.map { $0.validationNLL ?? .nan }
            guard !curve.isEmpty, curve.allSatisfy(\.isFinite) else { return failed }
            curves.append(curve)
        }
        let k = Double(curves.count), longest = curves.map(\.count).max() ?? 0
        let mean = (0..<longest).map { e in curves.reduce(0) { $0 + $1[min(e, $1.count - 1)] } / k }
        guard let best = mean.indices.min(by: { mean[$0] < mean[$1] }) else { return failed }
        return TrialScore(nll: mean[best], epochsRun: Double(curves.reduce(0) { $0 + $1.count }) / k, bestEpoch: Double(best + 1),
                          folds: curves.map { $0[min(best, $0.count - 1)] })
    }

    /// Scores `trials` over `world`'s processes: trial i runs on rank i mod size, alone, in
    /// rounds of one trial per rank; after each round the ranks' scores are summed, so every
    /// rank holds every finished trial and `afterRound` (called on every rank with the round's
    /// trial indices and all scores so far) can report and record them.
    /// - Parameter finished: scores of trials an earlier search finished (`none` for the
    ///   others); they are not run again.
    public func search(_ trials: [FitPlan], finished: [TrialScore]? = nil,
                       over world: any Communicator = SingleProcessCommunicator(),
                       afterRound: (Range<Int>, [TrialScore]) throws -> Void = { _, _ in }) throws -> [TrialScore] {
        let count = trials.count, folds = parts.count
        var own = [TrialScore](repeating: .none, count: count)
        if let finished {
            precondition(finished.count == count, "\(finished.count) finished scores for \(count) trials")
            for i in finished.indices where finished[i].done && i % world.size == world.rank { own[i] = finished[i] }
        }
        let width = TrialScore.width(folds: folds)
        var scores = own
        for round in stride(from: 0, to: count, by: world.size) {
            let mine = round + world.rank
            if mine < count && !own[mine].done { own[mine] = try score(trials[mine]) }
            var flat = own.flatMap { $0.values(folds: folds) }
            world.allreduceSum(&flat)
            scores = (0..<count).map { TrialScore(Array(flat[(width * $0)..<(width * $0 + width)])) }
            try afterRound(round..<min(count, round + world.size), scores)
        }
        return scores
    }

    /// The plan to refit on all n examples: trial 1 as the user's plan trains it (its epochs,
    /// patience and weight decay); another trial without early stopping for as many gradient steps as its
    /// validated optimum took on the m training examples of a part, e·⌈m/B⌉/⌈n/B⌉ rounded (at
    /// least 1): the training the validation saw.
    public func refitPlan(_ trials: [FitPlan], scores: [TrialScore], best: Int, examples n: Int) -> FitPlan {
        var refit = trials[best]
        if best == 0 {
            // fit's own plan: its epochs, patience and weight decay (δ/N of the rows it trains on).
            (refit.epochs, refit.patience, refit.weightDecay) = (plan.epochs, plan.patience, plan.weightDecay)
        } else {
            let m = parts[0].training.count, b = plan.batchSize
            let partSteps = Double((m + b - 1) / b), allSteps = Double((n + b - 1) / b)
            refit.patience = nil
            refit.epochs = max(1, Int((scores[best].bestEpoch * partSteps / allSteps).rounded()))
        }
        return refit
    }
}
