import Foundation
import Likely
import Testing

/// Laplace posteriors with known answers: exact Bayesian linear regression, the Jacobian
/// against finite differences, each family's Fisher against Monte Carlo, last-layer against
/// full, the evidence's argmax, and every family end to end.
@Suite struct LaplaceTests {
    /// A network Dense(d → k) whose weights are `weights` (W[input, output] row-major, then b).
    static func linear(inputs d: Int, outputs k: Int, weights: [Double]) -> Sequential {
        var random = RandomSource(seed: 1)
        let dense = Dense(inputSize: d, outputSize: k, using: &random)
        dense.weight.scalars = weights[0..<(d * k)].map(Float.init)
        dense.bias?.scalars = weights[(d * k)...].map(Float.init)
        return Sequential(inputShape: [d], layers: [dense])
    }

    static func mlp(inputs d: Int, head: Head, hidden: [Int] = [6, 5], seed: UInt64 = 3) throws -> ProbabilisticModel {
        var random = RandomSource(seed: seed)
        return try ProbabilisticModel(architecture: .mlp, inputShape: [d], head: head, hidden: hidden, dropout: 0, using: &random)
    }

    /// With a Normal head whose scale output is held at ln σ by zero weights (the normal GLM,
    /// `fitAsGLM`'s form), on unstandardised data with δ fixed and θ* the exact MAP, the
    /// posterior covariance and the evidence equal exact Bayesian linear regression's (plus the
    /// scale bias's own Laplace terms), the held weights' variance 0, and `weight-norm` counts
    /// only the free weights: `Fixtures/laplace/generate_laplace_blr.py`. A scale weight that is
    /// not 0 is not held.
    @Test func exactBayesianLinearRegression() throws {
        let fixture = try MetricsFixture.load(file: "laplace/laplace_blr.json")
        let x = fixture.numbers("x"), y = fixture.numbers("y"), n = y.count
        let model = ProbabilisticModel(network: Self.linear(inputs: 2, outputs: 2, weights: fixture.numbers("theta")),
                                       head: Head(.normal), inputShape: [2])
        let data = Dataset(features: Tensor(shape: [n, 2], scalars: x.map(Float.init)), targets: Tensor(shape: [n], scalars: y.map(Float.init)))
        let laplace = try model.fitLaplace(on: data, structure: .full, prior: .fixed(fixture.number("delta")))
        let posterior = laplace.members[0]
        let expected = fixture.numbers("covariance"), covariance = posterior.covariance
        #expect(posterior.parameterCount == 6)
        for (a, b) in zip(covariance, expected) { #expect(abs(a - b) <= 1e-4 * max(abs(b), 1e-3)) }
        #expect(abs(posterior.logMarginalLikelihood - fixture.number("evidence")) < 2e-3)
        #expect(posterior.priorPrecision == [fixture.number("delta")])
        // weight-norm counts the four free weights: δ = 4 / ‖θ*‖² (θ* held in float32).
        let theta = fixture.numbers("theta"), typical = 4 / theta.reduce(0) { $0 + $1 * $1 }
        let weightNorm = try model.fitLaplace(on: data, structure: .full, prior: .weightNorm).members[0].priorPrecision
        #expect(weightNorm.count == 1 && abs(weightNorm[0] - typical) <= 1e-6 * typical, "δ \(weightNorm), expected \(typical)")

        var unheld = fixture.numbers("theta")
        unheld[1] = 1e-3
        let network = ProbabilisticModel(network: Self.linear(inputs: 2, outputs: 2, weights: unheld), head: Head(.normal), inputShape: [2])
        let free = try network.fitLaplace(on: data, structure: .full, prior: .fixed(fixture.number("delta"))).members[0].covariance
        #expect(free[1 * 6 + 1] > 1e-4 && free[3 * 6 + 3] > 1e-4, "scale weights of variance \(free[1 * 6 + 1]), \(free[3 * 6 + 3])")
    }

    /// J of a tanh/sigmoid MLP against central finite differences of its raw outputs.
    @Test func jacobianMatchesFiniteDifferences() throws {
        var random = RandomSource(seed: 5)
        let network = Sequential(inputShape: [3]) {
            Dense(inputSize: 3, outputSize: 4, using: &random); Tanh()
            Dense(inputSize: 4, outputSize: 3, using: &random); Sigmoid(); Dropout(rate: 0.2)
            Dense(inputSize: 3, outputSize: 2, using: &random)
        }
        let x = Tensor.randomNormal([5, 3], using: &random)
        let model = ProbabilisticModel(network: network, head: Head(.normal), inputShape: [3])
        let (outputs, jacobian) = try model.laplaceJacobian(x, structure: .full)
        // The same inside a no-gradient scope, where the predictive computes it.
        #expect(try withoutGradients { try model.laplaceJacobian(x, structure: .full) }.jacobian == jacobian)
        let p = jacobian.count / (5 * 2), k = 2
        #expect(p == 3 * 4 + 4 + 4 * 3 + 3 + 3 * 2 + 2)
        #expect(outputs == network(x).scalars)
        let numeric = Self.finiteDifferenceJacobian(network, x)
        #expect(numeric.count == jacobian.count)
        for row in 0..<(5 * k) {
            for column in 0..<p {
                #expect(abs(jacobian[row * p + column] - numeric[row * p + column]) < 2e-3, "∂f[\(row)]/∂θ[\(column)]")
            }
        }
    }

    /// ∂f/∂θ of every raw output (rows, row-major over examples and outputs) in every weight
    /// (columns, in the order of `network.parameters`) by central differences with step h:
    /// (f(θ + h) − f(θ − h)) / 2h, `[N·K, P]` row-major.
    static func finiteDifferenceJacobian(_ network: Sequential, _ x: Tensor, h: Float = 1e-2) -> [Double] {
        let parameters = network.parameters.map(\.tensor)
        let rows = network(x).count, p = parameters.reduce(0) { $0 + $1.count }
        var jacobian = [Double](repeating: 0, count: rows * p), column = 0
        for parameter in parameters {
            for e in 0..<parameter.count {
                let saved = parameter.scalars[e]
                parameter.scalars[e] = saved + h
                let up = network(x).scalars
                parameter.scalars[e] = saved - h
                let down = network(x).scalars
                parameter.scalars[e] = saved
                for row in 0..<rows { jacobian[row * p + column] = Double(up[row] - down[row]) / Double(2 * h) }
                column += 1
            }
        }
        return jacobian
    }

    /// Heads for every family, with K = 3 classes or components.
    static var heads: [Head] { Family.allCases.map { Head($0, classCount: 3, components: 2) } }

    /// Seeded raw outputs of moderate size for `head`, `[n, K]`.
    static func raw(_ head: Head, rows n: Int, seed: UInt64) -> Tensor {
        var random = RandomSource(seed: seed)
        return Tensor(shape: [n, head.rawOutputCount], scalars: (0..<(n * head.rawOutputCount)).map { _ in Float(random.normal(mean: 0, standardDeviation: 0.5)) })
    }

    /// Each closed-form Fisher equals a 40,000-draw Monte-Carlo estimate E[s sᵀ] of the score
    /// s = ∇ᵣ ln p(y | r) (within 5 % of the largest diagonal entry). For the other families the
    /// posterior uses the seeded `fisherDraws`-draw estimate itself, and the estimator agrees
    /// at 10,000 draws with an independent 40,000-draw run (within 20 %). All symmetric, finite.
    @Test(arguments: heads)
    func fisherMatchesMonteCarlo(head: Head) throws {
        let raw = Self.raw(head, rows: 3, seed: 11), k = head.rawOutputCount
        let reference = head.monteCarloFisher(raw, draws: 40_000, seed: 12345, firstIndex: 0)
        var used = head.fisher(raw, seed: 7)
        if !head.hasClosedFormFisher {
            #expect(used == head.monteCarloFisher(raw, draws: Head.fisherDraws, seed: 7, firstIndex: 0))
            used = head.monteCarloFisher(raw, draws: 10_000, seed: 7, firstIndex: 0)
        }
        #expect(used.allSatisfy { $0.isFinite })
        let tolerance = head.hasClosedFormFisher ? 0.05 : 0.2
        for i in 0..<3 {
            let block = Array(used[(i * k * k)..<((i + 1) * k * k)]), ref = Array(reference[(i * k * k)..<((i + 1) * k * k)])
            let scale = (0..<k).map { ref[$0 * k + $0] }.max() ?? 1
            for a in 0..<k {
                for b in 0..<k {
                    #expect(abs(block[a * k + b] - block[b * k + a]) <= 1e-9 * max(scale, 1))
                    #expect(abs(block[a * k + b] - ref[a * k + b]) <= tolerance * scale, "\(head.family.name) row \(i) Λ[\(a),\(b)] \(block[a * k + b]) vs MC \(ref[a * k + b])")
                }
            }
        }
    }

    /// On a network of one Dense layer the last layer is the whole network: both structures
    /// give the same posterior and evidence (last-layer's Kronecker sum against full's Jacobian Gram).
    @Test func lastLayerEqualsFullOnOneLayer() throws {
        var random = RandomSource(seed: 21)
        let weights = (0..<(3 * 2 + 2)).map { _ in random.normal(mean: 0, standardDeviation: 0.3) }
        let data = Self.regressionData(n: 40, inputs: 3, seed: 22)
        let full = ProbabilisticModel(network: Self.linear(inputs: 3, outputs: 2, weights: weights), head: Head(.normal), inputShape: [3])
        let last = ProbabilisticModel(network: Self.linear(inputs: 3, outputs: 2, weights: weights), head: Head(.normal), inputShape: [3])
        let a = try full.fitLaplace(on: data, structure: .full).members[0]
        let b = try last.fitLaplace(on: data, structure: .lastLayer).members[0]
        #expect(a.parameterCount == b.parameterCount)
        // last-layer sums each chunk's curvature in single precision: equal up to its rounding.
        #expect(abs(a.priorPrecision[0] - b.priorPrecision[0]) <= 1e-6 * a.priorPrecision[0])
        #expect(abs(a.logMarginalLikelihood - b.logMarginalLikelihood) <= 1e-6 * abs(a.logMarginalLikelihood))
        for (x, y) in zip(a.covariance, b.covariance) { #expect(abs(x - y) <= 1e-5 * max(abs(x), 1e-3)) }
    }

    static func regressionData(n: Int, inputs d: Int, seed: UInt64) -> Dataset {
        var random = RandomSource(seed: seed)
        let x = Tensor.randomNormal([n, d], using: &random)
        let y = (0..<n).map { i in Float(sin(Double(x.scalars[i * d])) + random.normal(mean: 0, standardDeviation: 0.2)) }
        return Dataset(features: x, targets: Tensor(shape: [n], scalars: y))
    }

    /// `auto` picks a δ whose evidence (the stored one) is at least that of every δ of a grid,
    /// each computed by a posterior fitted with that δ fixed, and lies beside the grid's best.
    @Test func autoPicksTheArgmaxOfTheEvidence() throws {
        let data = Self.regressionData(n: 60, inputs: 2, seed: 31)
        let model = try Self.mlp(inputs: 2, head: Head(.normal))
        let chosen = try model.fitLaplace(on: data, structure: .full, prior: .auto).members[0]
        let grid = (0...24).map { pow(10.0, -3 + Double($0) / 4) }
        let evidences = try grid.map { try model.fitLaplace(on: data, structure: .full, prior: .fixed($0)).members[0].logMarginalLikelihood }
        let best = try #require(evidences.indices.max { evidences[$0] < evidences[$1] })
        #expect(chosen.logMarginalLikelihood >= evidences[best] - 1e-6 * abs(evidences[best]))
        #expect(chosen.priorPrecision[0] >= grid[max(best - 1, 0)] && chosen.priorPrecision[0] <= grid[min(best + 1, grid.count - 1)])
        let perLayer = try model.fitLaplace(on: data, structure: .full, prior: .autoPerLayer).members[0]
        #expect(perLayer.priorPrecision.count == 3)
        #expect(perLayer.logMarginalLikelihood >= chosen.logMarginalLikelihood - 1e-3 * abs(chosen.logMarginalLikelihood))
    }

    /// `weight-norm` gives each covered Dense layer δₗ = Pₗ / ‖θₗ‖² of its own trained weights
    /// (kernel and bias, read from the layers here), for every structure (`last-layer`: the last
    /// layer's alone), and a saved model loads it back.
    @Test(arguments: LaplaceStructure.allCases)
    func weightNormIsEachLayersTypicalPrecision(structure: LaplaceStructure) throws {
        let model = try Self.mlp(inputs: 2, head: Head(.normal), hidden: [6, 5])
        let data = Self.regressionData(n: 50, inputs: 2, seed: 71)
        let laplace = try model.fitLaplace(on: data, structure: structure, prior: .weightNorm)
        var expected = model.members[0].layers.compactMap { $0 as? Dense }.map { layer -> Double in
            let w = (layer.weight.scalars + (layer.bias?.scalars ?? [])).map(Double.init)
            return Double(w.count) / w.reduce(0) { $0 + $1 * $1 }
        }
        if structure == .lastLayer { expected = [expected[expected.count - 1]] }
        let delta = laplace.members[0].priorPrecision
        #expect(delta.count == expected.count)
        for (a, b) in zip(delta, expected) { #expect(abs(a - b) <= 1e-9 * b, "\(structure): δ \(delta), expected \(expected)") }
        #expect(laplace.members[0].logMarginalLikelihood.isFinite)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("laplace-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try ModelDirectory.save(model, to: directory)
        let back = try #require(try ModelDirectory.load(directory).laplace)
        #expect(back.prior == .weightNorm && back.members[0].priorPrecision == delta)
        #expect(PriorPrecision("weight-norm") == .weightNorm && PriorPrecision.weightNorm.description == "weight-norm")
    }

    /// Targets drawn from each head's own distribution at seeded raw outputs.
    static func targets(for head: Head, raw: Tensor, seed: UInt64) -> Tensor {
        var random = RandomSource(seed: seed)
        let y = withoutGradients { head.distribution(raw).sample(count: 1, using: &random) }
        return y.reshaped(to: [raw.shape[0]])
    }

    /// Every family: a full and a last-layer posterior of a small MLP fit with `auto`, and the
    /// Laplace predictive (draws and, for classes, the probit form) gives finite numbers.
    @Test(arguments: heads)
    func everyFamilyFitsAndPredicts(head: Head) throws {
        let model = try Self.mlp(inputs: 2, head: head, hidden: [5])
        var random = RandomSource(seed: 41)
        let x = Tensor.randomNormal([30, 2], using: &random)
        let data = Dataset(features: x, targets: Self.targets(for: head, raw: model.network(x), seed: 42))
        for structure in [LaplaceStructure.full, .lastLayer] {
            let laplace = try model.fitLaplace(on: data, structure: structure, seed: 3)
            #expect(laplace.members[0].logMarginalLikelihood.isFinite)
            #expect(laplace.members[0].priorPrecision.allSatisfy { $0 > 0 && $0.isFinite })
            for t in [0, 8] {
                let predictive = model.predictive(x, method: LaplaceMethod(draws: t, head: head), seed: 5)
                #expect(predictive.method == "laplace")
                #expect(predictive.logLikelihood(data.targets).allSatisfy { $0.isFinite }, "\(head.family.name) \(structure) T=\(t)")
                if head.family.support.isClassification {
                    #expect(predictive.classification.meanProbabilities.scalars.allSatisfy { $0.isFinite })
                    #expect(predictive.draws == (t == 0 ? 1 : t))
                } else {
                    #expect(predictive.mean.allSatisfy { $0.isFinite } || head.family == .studentT)
                    #expect(predictive.draws == (t == 0 ? LaplaceMethod.defaultDraws : t))
                }
            }
        }
    }

    /// The T draws are balanced for every head: for each input their mean is exactly the
    /// network's raw outputs f and their covariance (1/T) Σ (d − f)(d − f)ᵀ exactly J Σ Jᵀ (with
    /// T odd and T ≥ 2K), antithetic pairs around f with T < 2K: a categorical head (its logits)
    /// and a heteroscedastic normal one (μ and ln σ).
    @Test(arguments: [21, 30, 7], [Head(.categorical, classCount: 4), Head(.normal)])
    func drawsMatchTheGaussiansMoments(draws t: Int, head: Head) throws {
        let model = try Self.mlp(inputs: 2, head: head, hidden: [5])
        var random = RandomSource(seed: 71)
        let x = Tensor.randomNormal([12, 2], using: &random)
        let data = Dataset(features: x, targets: Self.targets(for: head, raw: model.network(x), seed: 72))
        try model.fitLaplace(on: data, structure: .full, prior: .fixed(0.5))
        let method = LaplaceMethod(draws: t, head: head)
        let draws = method.rawOutputDraws(of: model, features: x, seed: 4, firstIndex: 0, chunkSize: 5)
        let covariances = try model.laplaceOutputCovariances(x), raw = withoutGradients { model.network(x) }.scalars
        let k = head.rawOutputCount
        for i in 0..<12 {
            let d = draws.map { draw in (0..<k).map { Double(draw[i * k + $0]) } }, f = (0..<k).map { Double(raw[i * k + $0]) }
            for a in 0..<k {
                let mean = d.reduce(0.0) { $0 + $1[a] } / Double(t)
                let scale = max(abs(f[a]), covariances[(i * k + a) * k + a].squareRoot(), 1)
                #expect(abs(mean - f[a]) <= 1e-5 * scale, "input \(i) output \(a): draws' mean \(mean), f \(f[a])")
                guard t >= 2 * k else { continue }
                for b in 0...a {
                    let c = d.reduce(0.0) { $0 + ($1[a] - f[a]) * ($1[b] - f[b]) } / Double(t), expected = covariances[(i * k + a) * k + b]
                    #expect(abs(c - expected) <= 1e-4 * max(abs(expected), covariances[(i * k + a) * k + a]), "input \(i) (\(a), \(b)): \(c) against \(expected)")
                }
            }
        }
    }

    /// The Laplace predictive widens where the data are not: on a 1-D regression with a gap,
    /// its epistemic sd in the gap exceeds the one on the data, and the draws are keyed by
    /// input (the same inputs in another batch give the same predictive).
    @Test func widensInTheGapAndIsBatchIndependent() throws {
        var random = RandomSource(seed: 51)
        let xs = (0..<200).map { i -> Float in i < 100 ? Float(random.uniform() * 2 - 3) : Float(random.uniform() * 2 + 1) }
        let ys = xs.map { Float(sin(Double($0))) + Float(random.normal(mean: 0, standardDeviation: 0.1)) }
        let data = Dataset(features: Tensor(shape: [200, 1], scalars: xs), targets: Tensor(shape: [200], scalars: ys))
        let model = try Self.mlp(inputs: 1, head: Head(.normal), hidden: [16, 16])
        var options = TrainingOptions()
        (options.epochs, options.optimizer, options.seed) = (150, Adam(learningRate: 0.01), 1)
        try model.fit(data, options: options)
        try model.fitLaplace(on: data)
        let probe = Tensor(shape: [4, 1], scalars: [-2, 0, 0.1, 2])
        let predictive = model.predictive(probe, mcSamples: 200, seed: 9)
        #expect(predictive.method == "laplace")
        let epistemic = predictive.standardDeviations.epistemic
        #expect(epistemic[1] > 2 * max(epistemic[0], epistemic[3]))
        let alone = model.predictive(probe.slice(alongAxis: 0, 1..<2), method: LaplaceMethod(draws: 200, head: model.head), seed: 9, firstIndex: 1)
        #expect(alone.mean == [predictive.mean[1]])
    }

    /// A saved posterior loads back the same; a changed factor file or weights file is refused
    /// naming the file; a model without one still writes format version 1.
    @Test func savesLoadsAndVerifiesChecksums() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("laplace-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = try Self.mlp(inputs: 2, head: Head(.poisson), hidden: [4])
        var random = RandomSource(seed: 61)
        let x = Tensor.randomNormal([25, 2], using: &random)
        let data = Dataset(features: x, targets: Self.targets(for: model.head, raw: model.network(x), seed: 62))
        try ModelDirectory.save(model, to: directory)
        #expect(try String(contentsOfFile: directory + "/model.json", encoding: .utf8).contains("\"format_version\" : 1"))
        let laplace = try model.fitLaplace(on: data, structure: .full, prior: .autoPerLayer)
        try ModelDirectory.save(model, to: directory)
        let loaded = try ModelDirectory.load(directory)
        let back = try #require(loaded.laplace)
        #expect(back.structure == .full && back.prior == .autoPerLayer && back.count == 25)
        #expect(back.members[0].priorPrecision == laplace.members[0].priorPrecision)
        for (a, b) in zip(back.members[0].covariance, laplace.members[0].covariance) { #expect(abs(a - b) <= 1e-4 * max(abs(b), 1)) }
        #expect(try String(contentsOfFile: directory + "/model.json", encoding: .utf8).contains("\"format_version\" : 2"))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/laplace.safetensors"))
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: directory + "/laplace.safetensors"))
        #expect { try ModelDirectory.load(directory) } throws: { "\($0)".contains("laplace.safetensors") && "\($0)".contains("checksum") }
        // A refit without a posterior removes the stale file.
        loaded.laplace = nil
        try ModelDirectory.save(loaded, to: directory)
        #expect(!FileManager.default.fileExists(atPath: directory + "/laplace.safetensors"))
        #expect(try ModelDirectory.load(directory).laplace == nil)
    }

    /// Structures and sizes the posterior refuses, with messages naming the way out.
    @Test func refusals() throws {
        let big = try Self.mlp(inputs: 2, head: Head(.normal), hidden: [100, 100])
        let data = Self.regressionData(n: 5, inputs: 2, seed: 71)
        #expect(throws: UncertaintyMethodError.self) { try UncertaintyMethods.named("laplace", for: big, mcSamples: 0) }
        #expect { try big.fitLaplace(on: data, structure: .full) } throws: { "\($0)".contains("at most 10000") && "\($0)".contains("kfac") }
        #expect(try big.fitLaplace(on: data, structure: .lastLayer).members[0].parameterCount == 101 * 2)
        #expect(try big.fitLaplace(on: data, structure: .kfac).members[0].parameterCount == 3 * 100 + 101 * 100 + 101 * 2)
        #expect(try big.fitLaplace(on: data, structure: .diagonal).members[0].parameterCount == 3 * 100 + 101 * 100 + 101 * 2)
        #expect(throws: UncertaintyMethodError.self) { try UncertaintyMethods.named("dropout", for: big, mcSamples: 0) }
        #expect(throws: UncertaintyMethodError.self) { try UncertaintyMethods.named("network", for: big, mcSamples: 3) }
        // A last layer of (5001 + 1) · 2 weights, and a Kronecker factor of 10,001 rows, are refused before any allocation.
        let wide = try Self.mlp(inputs: 2, head: Head(.normal), hidden: [5001])
        #expect { try wide.fitLaplace(on: data, structure: .lastLayer) } throws: { "\($0)".contains("10004 weights") && "\($0)".contains("at most 10000") }
        let wider = try Self.mlp(inputs: 2, head: Head(.normal), hidden: [10_001])
        for structure in [LaplaceStructure.kfac, .ekfac] {
            #expect { try wider.fitLaplace(on: data, structure: structure) } throws: { "\($0)".contains("10001 × 10001") && "\($0)".contains("diagonal") }
        }
        #expect(try wider.fitLaplace(on: data, structure: .diagonal).members[0].parameterCount == 3 * 10_001 + 10_002 * 2)
    }
}
