import Foundation
import Likely
import Testing

struct TrainingTests {
    static func data() -> Dataset {
        var random = RandomSource(seed: 12)
        let x = Tensor.randomNormal([200, 2], using: &random)
        let y = Tensor((0..<200).map { x.scalars[2 * $0] - 2 * x.scalars[2 * $0 + 1] + Float(random.normal(standardDeviation: 0.3)) })
        return Dataset(features: x, targets: y)
    }

    static func model() throws -> ProbabilisticModel {
        var random = RandomSource(seed: 13)
        return try ProbabilisticModel(architecture: .mlp, inputShape: [2], head: Head(.normal), hidden: [16], dropout: 0.1, using: &random)
    }

    static func options(epochs: Int) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = 16
        o.seed = 99
        o.validation = .fraction(0.2)
        return o
    }

    /// A run resumed from its epoch-2 checkpoint ends with exactly the weights of the
    /// uninterrupted 4-epoch run.
    @Test func resumingFromACheckpointContinuesExactly() throws {
        let straight = try Self.model()
        let straightHistory = try straight.fit(Self.data(), options: Self.options(epochs: 4))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("likely-resume-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try Self.model()
        var o = Self.options(epochs: 2)
        o.checkpoint = .init(directory: dir, keep: .last)
        try first.fit(Self.data(), options: o)

        let resumed = try Self.model()
        let resumedHistory = try resumed.fit(Self.data(), options: Self.options(epochs: 4), resume: dir)
        #expect(resumedHistory.epochs.count == 4)
        #expect(resumedHistory.epochs.map(\.loss) == straightHistory.epochs.map(\.loss))
        for (a, b) in zip(straight.parameters, resumed.parameters) {
            #expect(a.tensor.scalars == b.tensor.scalars, "parameter \(a.name)")
        }
    }

    @Test func sameSeedSameRunDifferentSeedDifferentRun() throws {
        let a = try Self.model(), b = try Self.model(), c = try Self.model()
        try a.fit(Self.data(), options: Self.options(epochs: 2))
        try b.fit(Self.data(), options: Self.options(epochs: 2))
        var other = Self.options(epochs: 2)
        other.seed = 100
        try c.fit(Self.data(), options: other)
        #expect(a.parameters[0].tensor.scalars == b.parameters[0].tensor.scalars)
        #expect(a.parameters[0].tensor.scalars != c.parameters[0].tensor.scalars)
    }

    /// Optimizer state belongs to a fit: two fits with one options value (whose Adam is a
    /// shared class instance) start from step 0 with no moments, so identical models end
    /// identical, and the options' optimizer is never stepped.
    @Test func fitsWithTheSameOptionsDoNotShareOptimizerState() throws {
        let options = Self.options(epochs: 2)
        let copy = options
        let a = try Self.model(), b = try Self.model()
        try a.fit(Self.data(), options: options)
        try b.fit(Self.data(), options: copy)
        for (p, q) in zip(a.parameters, b.parameters) { #expect(p.tensor.scalars == q.tensor.scalars, "parameter \(p.name)") }
        #expect(options.optimizer.step == 0 && options.optimizer.slots.isEmpty)
    }

    /// With dropout, each example draws its masks from its own stream: cutting the batches
    /// of 16 into micro-batches of 3 instead of one changes the weights by float rounding only.
    @Test func dropoutFitDoesNotDependOnTheMicroBatchCut() throws {
        let whole = try Self.model(), cut = try Self.model()
        try whole.fit(Self.data(), options: Self.options(epochs: 3))
        var options = Self.options(epochs: 3)
        options.microBatchSize = 3
        try cut.fit(Self.data(), options: options)
        for (p, q) in zip(whole.parameters, cut.parameters) {
            let worst = zip(p.tensor.scalars, q.tensor.scalars).map { Swift.abs($0 - $1) / max(1e-3, Swift.abs($0)) }.max() ?? 0
            #expect(worst <= 1e-6, "parameter \(p.name): relative difference \(worst)")
        }
    }

    /// The loss's reductions, by hand: the standard Normal (raw loc 0, log-scale 0) at y = 0
    /// and 1 has NLL ½ ln 2π = 0.9189385 and ½ ln 2π + ½ = 1.4189385.
    @Test func lossReductions() {
        let head = Head(.normal)
        let raw = Tensor(shape: [2, 2], scalars: [0, 0, 0, 0]), y = Tensor([0, 1])
        let none = head.negativeLogLikelihood(raw, targets: y, reduction: .none).scalars
        #expect(Swift.abs(none[0] - 0.9189385) < 1e-6 && Swift.abs(none[1] - 1.4189385) < 1e-6)
        #expect(Swift.abs(head.negativeLogLikelihood(raw, targets: y, reduction: .sum).scalar - 2.337877) < 1e-5)
        #expect(Swift.abs(head.negativeLogLikelihood(raw, targets: y).scalar - 1.1689385) < 1e-6)
    }

    @Test func earlyStoppingRestoresTheBestEpoch() throws {
        let model = try Self.model()
        var o = Self.options(epochs: 60)
        o.optimizer = Adam(learningRate: 0.05)
        o.earlyStopping = .init(patience: 3)
        let history = try model.fit(Self.data(), options: o)
        let best = history.epochs.min { $0.validationNLL! < $1.validationNLL! }!
        #expect(history.keptEpoch == best.epoch)
        #expect(history.stoppedEarly == (history.epochs.count < 60))
        #expect(history.epochs.count - best.epoch <= 3)
        #expect(history.csv.hasPrefix("epoch,loss,val_nll,val_accuracy,val_rmse,learning_rate,seconds\n"))
    }

    /// A non-finite loss stops training with the epoch and batch.
    @Test func nonFiniteLossNamesEpochAndBatch() throws {
        let model = try Self.model()
        // 1e30 is a legal target (Family.largestTarget), but unstandardized its squared error overflows.
        let bad = Dataset(features: Tensor.ones([32, 2]), targets: Tensor.full(1e30, shape: [32]))
        var o = TrainingOptions()
        o.standardizeTarget = false
        o.batchSize = 8
        #expect {
            try model.fit(bad, options: o)
        } throws: { error in
            "\(error)".contains("non-finite loss") && "\(error)".contains("epoch 1, batch 1")
        }
    }

    /// A negative-binomial network with its last layer set to `bias` (weights 0), and 16 counts of 3.
    static func negativeBinomialNetwork(bias values: [Float]) throws -> (ProbabilisticModel, Dataset) {
        var random = RandomSource(seed: 13)
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [2], head: Head(.negativeBinomial), hidden: [4],
                                           dropout: 0, using: &random)
        let weights = model.parameters[model.parameters.count - 2], bias = model.parameters[model.parameters.count - 1]
        weights.tensor.scalars = [Float](repeating: 0, count: weights.tensor.count)
        bias.tensor.scalars = values
        return (model, Dataset(features: Tensor.ones([16, 2]), targets: Tensor.full(3, shape: [16])))
    }

    /// e⁻²⁰⁰ underflows to 0 in float32, outside the negative binomial's r > 0: the fit stops
    /// with a `TrainingError` naming the parameter, epoch and batch (the family's constructor
    /// stopped the process on it before).
    @Test func aParameterOutsideItsDomainNamesEpochBatchAndParameter() throws {
        let (model, counts) = try Self.negativeBinomialNetwork(bias: [-200, 0])  // total count e⁻²⁰⁰ = 0 in float32
        var o = TrainingOptions()
        o.batchSize = 8
        #expect {
            try model.fit(counts, options: o)
        } throws: { error in
            let text = "\(error)"
            return error is TrainingError && text.contains("negbinomial parameter total_count is 0.0, expected > 0")
                && text.contains("epoch 1, batch 1")
        }
    }

    /// σ(30) rounds to 1 in float32, outside p ∈ [0, 1) (the fit stopped on it, as ISLP's
    /// Bikeshare and AER's EquationCitations did at the defaults): the logit is capped at 15.
    /// By hand, a count of 3 with r = 1 has NLL −[ln Γ(4) − ln Γ(4) − ln Γ(1) + ln(1 − p) + 3 ln p]
    /// = −ln(1 − p) − 3 ln p; p = σ(15) = 1/(1 + e⁻¹⁵) in float32 steps is 1/(1 + 3·2⁻²³) =
    /// 1 − 6·2⁻²⁴, so the NLL is −ln(6·2⁻²⁴) + 3·6·2⁻²⁴ = 14.8438; at logit 30 it was no NLL at
    /// all. The fit goes on.
    @Test func aLogitBeyondTheFloatEdgeOfPIsCapped() throws {
        let nll = Head(.negativeBinomial).negativeLogLikelihood(Tensor(shape: [1, 2], scalars: [0, 30]), targets: Tensor([3]))
        let byHand = -Foundation.log(6 * 0x1p-24) + 3 * 6 * 0x1p-24
        #expect(abs(Double(nll.scalars[0]) - byHand) < 1e-4, "\(nll.scalars[0]) against \(byHand)")
        let (model, counts) = try Self.negativeBinomialNetwork(bias: [0, 30])
        var o = TrainingOptions()
        o.batchSize = 8
        o.epochs = 3
        let history = try model.fit(counts, options: o)
        #expect(history.epochs.allSatisfy { $0.loss.isFinite })
    }

    /// The gradient seam sees every step's gradients before the update.
    @Test func gradientHookIsCalledEveryStep() throws {
        let model = try Self.model()
        var o = Self.options(epochs: 2)
        o.validation = .none
        var calls = 0
        o.gradientHook = { gradients, parameters in
            calls += 1
            #expect(gradients.count == parameters.count)
        }
        try model.fit(Self.data(), options: o)
        #expect(calls == 2 * 13)  // 200 rows in batches of 16
    }
}
