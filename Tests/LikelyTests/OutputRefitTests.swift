import Foundation
import Likely
import Testing

/// The output-layer refit after training (`ProbabilisticModel.refitOutputLayer`, the default
/// of `mlp` on tables with dropout).
@Suite struct OutputRefitTests {
    /// The noise sd of the heteroscedastic table of the benchmark suite: 0.15 + 0.6 |sin(x/2)|.
    static func noiseSD(_ x: Double) -> Double { 0.15 + 0.6 * abs(Foundation.sin(x / 2)) }

    /// n rows of x ~ U[0, 10], y = 2 sin x + 0.3x + σ(x) ε.
    static func heteroscedastic(_ n: Int, seed: UInt64) -> Dataset {
        var random = RandomSource(key: StreamKey(seed: seed, purpose: .sampling))
        let x = (0..<n).map { _ in 10 * random.uniform() }
        let y = x.map { 2 * Foundation.sin($0) + 0.3 * $0 + noiseSD($0) * random.normal(mean: 0, standardDeviation: 1) }
        return Dataset(features: Tensor(shape: [n, 1], scalars: x.map { Float($0) }), targets: Tensor(y.map { Float($0) }))
    }

    /// Mean over 201 points of x in [0, 10] of |σ̂(x)/σ(x) − 1|, σ̂ the deterministic network's sd.
    static func sdError(_ model: ProbabilisticModel) -> Double {
        let grid = (0...200).map { Double($0) / 20 }
        let sd = model.predictive(Tensor(shape: [grid.count, 1], scalars: grid.map { Float($0) })).standardDeviations.aleatoric
        return zip(grid, sd).reduce(0.0) { $0 + abs($1.1 / noiseSD($1.0) - 1) } / Double(grid.count)
    }

    static func plan(refit: Bool) -> FitPlan {
        var plan = FitPlan(family: .normal)
        (plan.hidden, plan.epochs, plan.validationSplit, plan.seed, plan.outputRefit) = ([32, 32], 40, 0.2, 3, refit)
        return plan
    }

    /// Dropout 0.1 during training widens the σ̂ of the deterministic network; the refit on
    /// the dropout-off features brings it closer to the true σ (measured against the formula
    /// the data were drawn from), is kept because it lowers the validation NLL, and the
    /// reported validation NLL is the refitted model's own on the held-out rows.
    @Test func refitNarrowsTheSpreadDropoutWidened() throws {
        let data = Self.heteroscedastic(1500, seed: 31)
        let (plain, plainHistory) = try Self.plan(refit: false).fit(data, kind: .table)
        let refitPlan = Self.plan(refit: true)
        let (refitted, history) = try refitPlan.fit(data, kind: .table)
        #expect(plainHistory.outputRefits.isEmpty)
        let refit = try #require(history.outputRefits.first)
        #expect(refit.kept && refit.validationNLLAfter! < refit.validationNLLBefore)
        let (before, after) = (Self.sdError(plain), Self.sdError(refitted))
        #expect(after < 0.75 * before, "mean |σ̂/σ − 1| \(before) without the refit, \(after) with it")

        let options = try refitPlan.trainingOptions(for: data, kind: .table)
        let held = try #require(refitted.trainingSplit(of: data, options: options).validation)
        var none = ExampleStreams()
        let raw = refitted.rawOutputs(refitted.prepare(held.features), phase: .inference, using: &none)
        let nll = Double(refitted.head.negativeLogLikelihood(raw, targets: refitted.prepareTargets(held.targets)).scalar)
        #expect(abs(nll - refit.validationNLLAfter!) < 1e-6, "validation NLL \(nll), reported \(refit.validationNLLAfter!)")
    }

    /// 48 training rows of pure noise: the network fits the training rows closer than new
    /// ones, so a refit on them narrows σ̂ below the held-out spread and does not clearly lower
    /// the validation NLL. It is not kept: every weight is bit for bit that of the fit without
    /// the refit.
    @Test func refitThatDoesNotHelpIsUndone() throws {
        var random = RandomSource(key: StreamKey(seed: 8, purpose: .sampling))
        let x = Tensor.randomNormal([60, 4], using: &random), y = Tensor.randomNormal([60], using: &random)
        let data = Dataset(features: x, targets: y)
        var plain = Self.plan(refit: false), refit = Self.plan(refit: true)
        (plain.epochs, refit.epochs) = (300, 300)
        let (a, _) = try plain.fit(data, kind: .table)
        let (b, history) = try refit.fit(data, kind: .table)
        let record = try #require(history.outputRefits.first)
        #expect(!record.kept)
        #expect(a.parameters.map(\.tensor.scalars) == b.parameters.map(\.tensor.scalars))
    }

    /// Clearly lower by hand: d = (0.5, 0.4, 0.6, 0.5) has mean 0.5 and standard error
    /// √(0.02/3)/2 ≈ 0.041, so 0.5 > 0.082; d = (1, −0.8, 0.9, −0.7) has mean 0.1 and standard
    /// error ≈ 0.49, so not; a single row, or equal losses, never.
    @Test func clearlyLowerByHand() {
        #expect(ProbabilisticModel.isClearlyLower([0.5, 0.6, 0.4, 0.5], than: [1, 1, 1, 1]))
        #expect(!ProbabilisticModel.isClearlyLower([0, 1.8, 0.1, 1.7], than: [1, 1, 1, 1]))
        #expect(!ProbabilisticModel.isClearlyLower([0], than: [1]))
        #expect(!ProbabilisticModel.isClearlyLower([1, 2], than: [1, 2]))
    }

    /// The rule: mlp on a table with dropout refits (1000 full-batch steps); dropout 0, images,
    /// and `outputRefit = false` do not; `outputRefit = true` refits without dropout too.
    @Test func whoRefitsByDefault() throws {
        let table = FitPlanTests.data(rows: 200)
        var plan = FitPlan(family: .normal)
        #expect(try plan.trainingOptions(for: table, kind: .table).outputRefitSteps == 1000)
        plan.dropout = 0
        #expect(try plan.trainingOptions(for: table, kind: .table).outputRefitSteps == 0)
        plan.outputRefit = true
        #expect(try plan.trainingOptions(for: table, kind: .table).outputRefitSteps == 1000)
        (plan.dropout, plan.outputRefit) = (nil, false)
        #expect(try plan.trainingOptions(for: table, kind: .table).outputRefitSteps == 0)
        let images = Dataset(features: Tensor(shape: [4, 2, 2, 1], scalars: Array(repeating: 0.5, count: 16)),
                             targets: Tensor([0, 1, 0, 1]))
        #expect(try FitPlan(family: .categorical).trainingOptions(for: images, kind: .images).outputRefitSteps == 0)
    }
}
