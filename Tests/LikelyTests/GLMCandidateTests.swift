import Foundation
import Likely
import Testing

/// The GLM weighed against the network after training (`FitPlan.glmCandidate`, the default of
/// a single `mlp` on a table): its fit against least squares, logistic regression and
/// statsmodels' Poisson and negative-binomial GLMs computed outside Likely
/// (`Fixtures/glm/generate_glm_fixtures.py`: numpy, scipy, statsmodels), and which model a fit
/// keeps on linear and on nonlinear data.
@Suite struct GLMCandidateTests {
    /// One table of `glm_reference.json`: training and validation rows, and the GLM's fitted
    /// parameters on the training rows (`mean` and `sigma` for normal, `probability` for
    /// bernoulli, `mean` for poisson, `mean` and the dispersion `alpha` for negbinomial).
    struct Table: Decodable {
        var train_x: [[Double]], train_y: [Double], validation_x: [[Double]], validation_y: [Double]
        var mean: [Double]?, sigma: Double?, probability: [Double]?, alpha: Double?

        static func dataset(_ x: [[Double]], _ y: [Double]) -> Dataset {
            Dataset(features: Tensor(shape: [x.count, x[0].count], scalars: x.flatMap { $0.map(Float.init) }),
                    targets: Tensor(y.map(Float.init)))
        }
        var train: Dataset { Self.dataset(train_x, train_y) }
        var validation: Dataset { Self.dataset(validation_x, validation_y) }
    }

    static func reference(_ name: String) throws -> Table {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/glm/glm_reference.json")
        return try #require(try JSONDecoder().decode([String: Table].self, from: Data(contentsOf: url))[name])
    }

    /// A plan whose network barely trains (one epoch of 4 hidden units), so that the GLM is
    /// kept and can be compared; no weight decay, so the GLM is the maximum-likelihood one.
    static func weakNetworkPlan(_ family: Family) -> FitPlan {
        var plan = FitPlan(family: family)
        (plan.hidden, plan.epochs, plan.weightDecay, plan.glmCandidate, plan.seed) = ([4], 1, 0, true, 5)
        return plan
    }

    /// Normal: the kept GLM's means on the training rows are least squares' fitted values, and
    /// its σ is √(RSS/n), to 10⁻⁴ (Newton to convergence, float32 weights); it is one Dense layer.
    @Test func normalGLMIsLeastSquares() throws {
        let table = try Self.reference("normal")
        let (model, history) = try Self.weakNetworkPlan(.normal).fit(table.train, kind: .table, validation: table.validation)
        let candidate = try #require(history.glmCandidate)
        #expect(candidate.kept && candidate.validationNLLGLM! < candidate.validationNLLNetwork!)
        #expect(model.layerSpecs.count == 1)
        let predictive = model.predictive(table.train.features)
        let (mean, sd) = (predictive.mean, predictive.standardDeviations.aleatoric)
        let worst = zip(mean, try #require(table.mean)).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-4, "largest difference from least squares' fitted values \(worst)")
        let sigma = try #require(table.sigma)
        #expect(sd.allSatisfy { abs($0 - sigma) < 1e-4 * sigma }, "σ \(sd[0]) against √(RSS/n) = \(sigma)")
    }

    /// Bernoulli: the kept GLM's probabilities on the training rows are logistic regression's
    /// (scipy's maximum-likelihood fit) to 10⁻⁴.
    @Test func bernoulliGLMIsLogisticRegression() throws {
        let table = try Self.reference("bernoulli")
        let (model, history) = try Self.weakNetworkPlan(.bernoulli).fit(table.train, kind: .table, validation: table.validation)
        #expect(try #require(history.glmCandidate).kept)
        let probability = model.predictive(table.train.features).classification.meanProbabilities
        let p1 = (0..<table.train.count).map { Double(probability[$0, 1]) }
        let worst = zip(p1, try #require(table.probability)).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-4, "largest difference from logistic regression's probabilities \(worst)")
    }

    /// The largest relative difference between `model`'s predictive means on `table`'s training
    /// rows and the reference GLM's fitted means.
    static func worstRelativeMean(_ model: ProbabilisticModel, _ table: Table) throws -> Double {
        let mean = model.predictive(table.train.features).mean
        return zip(mean, try #require(table.mean)).map { abs(Double($0) - $1) / $1 }.max() ?? .infinity
    }

    /// Poisson: the kept GLM's means on the training rows are statsmodels' Poisson GLM's
    /// (log link, IRLS) to 10⁻⁴ relative; the Fisher is the closed form λ.
    @Test func poissonGLMIsStatsmodels() throws {
        let table = try Self.reference("poisson")
        let (model, history) = try Self.weakNetworkPlan(.poisson).fit(table.train, kind: .table, validation: table.validation)
        #expect(try #require(history.glmCandidate).kept)
        let worst = try Self.worstRelativeMean(model, table)
        #expect(worst < 1e-4, "largest relative difference from statsmodels' fitted means \(worst)")
    }

    /// Negative binomial: the kept GLM (logit p linear, r constant: NB2 with a log link) gives
    /// statsmodels' maximum-likelihood means to 10⁻⁴ relative (float32's 1 − p near p = 1 costs
    /// about 2·10⁻⁵) and its dispersion α = 1/r, read from the predictive's variance μ + α μ², to
    /// 10⁻³ relative. The counts are about a hundred, as Bikeshare's: the former fit, 3000 Adam
    /// steps from 0, stopped 4.5% off in the means and 21% in α. The Fisher is Monte-Carlo
    /// (seeded), yet a second fit gives the same weights bit for bit.
    @Test func negativeBinomialGLMIsStatsmodels() throws {
        let table = try Self.reference("negbinomial")
        let plan = Self.weakNetworkPlan(.negativeBinomial)
        let (model, history) = try plan.fit(table.train, kind: .table, validation: table.validation)
        #expect(try #require(history.glmCandidate).kept)
        let worst = try Self.worstRelativeMean(model, table)
        #expect(worst < 1e-4, "largest relative difference from statsmodels' fitted means \(worst)")
        let predictive = model.predictive(table.train.features)
        let (mu, sd) = (Double(predictive.mean[0]), Double(predictive.standardDeviations.aleatoric[0]))
        let alpha = (sd * sd - mu) / (mu * mu), reference = try #require(table.alpha)
        #expect(abs(alpha - reference) < 1e-3 * reference, "α \(alpha) against statsmodels' \(reference)")
        let (again, _) = try plan.fit(table.train, kind: .table, validation: table.validation)
        #expect(again.parameters.map(\.tensor.scalars) == model.parameters.map(\.tensor.scalars))
    }

    /// Beyond `GLMNewton`'s 2000 free weights `fitAsGLM` falls back to the former 3000 Adam
    /// steps: a Poisson GLM of 2000 features (2001 weights) on 400 seeded rows with weight decay
    /// λ = 0.05 ends at the minimum, where ∇F = (1/N) X̃ᵀ(μ − y) + λθ (computed here from the
    /// model's means and weights, X̃ the prepared rows with a 1) is below 10⁻³ of its size at
    /// θ = 0 (3·10⁻⁴ of it). On 40 such rows the Adam steps end far from it (the largest entry 35).
    @Test func beyondNewtonsLimitTheAdamFallbackReachesTheMinimum() throws {
        let (n, d, lambda) = (400, 2000, 0.05)
        var random = RandomSource(key: StreamKey(seed: 31, purpose: .sampling))
        let x = (0..<(n * d)).map { _ in Float(random.normal(mean: 0, standardDeviation: 1)) }
        let y = (0..<n).map { Float(random.poisson(mean: Foundation.exp(0.5 + 0.5 * Double(x[$0 * d])))) }
        let data = Dataset(features: Tensor(shape: [n, d], scalars: x), targets: Tensor(y))
        var plan = FitPlan(family: .poisson)
        (plan.hidden, plan.dropout) = ([], 0)
        let model = try plan.makeModel(for: data, kind: .table)
        let prepared = Dataset(features: model.prepare(data.features), targets: model.prepareTargets(data.targets))
        #expect(model.fitAsGLM(prepared, weightDecay: Float(lambda)))
        let theta = model.parameters.flatMap { $0.tensor.scalars.map(Double.init) }  // kernel [d], then bias
        let rows = prepared.features.scalars
        func gradient(means: [Double], theta: [Double]) -> [Double] {
            (0...d).map { j in
                (0..<n).reduce(0.0) { $0 + (j < d ? Double(rows[$1 * d + j]) : 1) * (means[$1] - Double(y[$1])) } / Double(n)
                    + lambda * theta[j]
            }
        }
        let atStart = gradient(means: [Double](repeating: 1, count: n), theta: [Double](repeating: 0, count: d + 1))
        let atEnd = gradient(means: model.predictive(data.features).mean, theta: theta)
        let (start, end) = (atStart.map(abs).max() ?? 0, atEnd.map(abs).max() ?? .infinity)
        #expect(end < 1e-3 * start, "largest gradient entry \(end) at the fit, \(start) at θ = 0")
    }

    /// n rows of x ~ N(0, I₂) and y = f(x) + 0.3 ε, seeded.
    static func table(rows n: Int, seed: UInt64, _ f: (Double, Double) -> Double) -> Dataset {
        var random = RandomSource(key: StreamKey(seed: seed, purpose: .sampling))
        let x = (0..<(2 * n)).map { _ in random.normal(mean: 0, standardDeviation: 1) }
        let y = (0..<n).map { f(x[2 * $0], x[2 * $0 + 1]) + 0.3 * random.normal(mean: 0, standardDeviation: 1) }
        return Dataset(features: Tensor(shape: [n, 2], scalars: x.map(Float.init)), targets: Tensor(y.map(Float.init)))
    }

    /// At the defaults: on a linear model with constant noise (300 rows) the GLM is kept, and
    /// the fit is the one-layer model; on y = 2 sin(2x₁) + x₂² (600 rows) the network is kept,
    /// bit for bit the network of the same fit without the candidate.
    @Test func keptOnLinearDataNotOnNonlinear() throws {
        let linear = Self.table(rows: 300, seed: 12) { 1 + 2 * $0 - $1 }
        let (model, history) = try FitPlan(family: .normal).fit(linear, kind: .table)
        #expect(try #require(history.glmCandidate).kept)
        #expect(model.layerSpecs.count == 1)

        let wiggly = Self.table(rows: 600, seed: 13) { 2 * Foundation.sin(2 * $0) + $1 * $1 }
        let (network, weighed) = try FitPlan(family: .normal).fit(wiggly, kind: .table)
        let candidate = try #require(weighed.glmCandidate)
        #expect(!candidate.kept && candidate.validationNLLNetwork! < candidate.validationNLLGLM!)
        var off = FitPlan(family: .normal)
        off.glmCandidate = false
        let (alone, history2) = try off.fit(wiggly, kind: .table)
        #expect(history2.glmCandidate == nil)
        #expect(network.parameters.map(\.tensor.scalars) == alone.parameters.map(\.tensor.scalars))
    }

    /// Who weighs the GLM by default: a single mlp with hidden layers on a table; not an
    /// ensemble, images, the linear network itself, or a family without one GLM (mixture, beta).
    /// The linear columns by hand from the declarations.
    @Test func whoWeighsTheGLMByDefault() {
        func head(_ family: Family, classes: Int = 2) -> Head { Head(family, classCount: classes) }
        #expect(FitDefaults.weighsGLM(.mlp, .table, hidden: [50, 50], members: 1, head: head(.normal)))
        #expect(!FitDefaults.weighsGLM(.mlp, .table, hidden: [50, 50], members: 5, head: head(.normal)))
        #expect(!FitDefaults.weighsGLM(.mlp, .table, hidden: [], members: 1, head: head(.normal)))
        #expect(!FitDefaults.weighsGLM(.mlp, .arrays, hidden: [50, 50], members: 1, head: head(.normal)))
        #expect(!FitDefaults.weighsGLM(.seedCNN, .images, hidden: [50, 50], members: 1, head: head(.categorical)))
        #expect(!FitDefaults.weighsGLM(.mlp, .table, hidden: [50, 50], members: 1, head: head(.normalMixture)))
        func columns(_ family: Family, classes: Int = 2) -> Range<Int>? {
            ProbabilisticModel.glmLinearColumns(of: head(family, classes: classes))
        }
        // normal (loc, scale), studentt (loc, scale, df), lognormal (loc of ln y, scale): the location.
        #expect(columns(.normal) == 0..<1 && columns(.studentT) == 0..<1 && columns(.logNormal) == 0..<1)
        // gamma (concentration, rate): the rate; negbinomial (total_count, probs): p's logit.
        #expect(columns(.gamma) == 1..<2 && columns(.negativeBinomial) == 1..<2)
        #expect(columns(.poisson) == 0..<1 && columns(.zeroInflatedPoisson) == 0..<1)
        #expect(columns(.bernoulli) == 0..<1 && columns(.categorical, classes: 4) == 0..<4)
        #expect(columns(.beta) == nil && columns(.normalMixture) == nil)
    }
}
