import Foundation
import Likely
import Testing

struct PredictiveTests {
    static func model(head: Head, dropout: Float) throws -> ProbabilisticModel {
        var random = RandomSource(seed: 8)
        return try ProbabilisticModel(architecture: .mlp, inputShape: [3], head: head, hidden: [16, 16], dropout: dropout, using: &random)
    }

    static func inputs(_ n: Int) -> Tensor {
        var random = RandomSource(seed: 9)
        return Tensor.randomNormal([n, 3], using: &random)
    }

    /// A table network with a Dropout inside a residual block and one after it:
    /// Dense 3→8, ReLU, Residual[Dense 8→8, ReLU, Dropout 0.3], Dropout 0.4, Dense 8→2.
    static func residualModel() throws -> ProbabilisticModel {
        var random = RandomSource(seed: 12)
        let block = try ResidualBlock(inputShape: [8], body: Sequential {
            Dense(inputSize: 8, outputSize: 8, using: &random); ReLU(); Dropout(rate: 0.3)
        }, using: &random)
        let network = Sequential(inputShape: [3]) {
            Dense(inputSize: 3, outputSize: 8, using: &random); ReLU(); block; Dropout(rate: 0.4)
            Dense(inputSize: 8, outputSize: 2, using: &random)
        }
        return ProbabilisticModel(network: network, head: Head(.normal), inputShape: [3])
    }

    /// The cached prefix + stochastic suffix gives the distribution of a naive loop that runs
    /// every layer itself (`Dropout` included) in the `monteCarlo` phase on each input alone,
    /// from the input's own stream (seed, monteCarloDropout, 0, i), pass after pass.
    @Test(arguments: [false, true])
    func mcDropoutMatchesANaiveLoop(residual: Bool) throws {
        let model = residual ? try Self.residualModel() : try Self.model(head: Head(.normal), dropout: 0.3)
        let x = Self.inputs(7), seed: UInt64 = 77, passes = 5
        let fast = model.predictive(x, mcSamples: passes, seed: seed)
        for i in 0..<7 {
            var streams = ExampleStreams([RandomSource(key: StreamKey(seed: seed, purpose: .monteCarloDropout, example: UInt64(i)))])
            var means: [Float] = []
            for _ in 0..<passes {
                var h = x.slice(alongAxis: 0, i..<(i + 1))
                for layer in model.network.layers { h = layer(h, phase: .monteCarlo, using: &streams) }
                means.append(model.head.distribution(h, scaling: model.targetScaling).mean.scalars[0])
            }
            for t in 0..<passes {
                let fastMean = fast.members[t].mean.scalars[i]
                #expect(Swift.abs(fastMean - means[t]) <= 1e-5 * max(1, Swift.abs(means[t])), "input \(i), pass \(t)")
            }
        }
        // the passes differ: dropout is active in both places
        #expect(fast.members[0].mean.scalars != fast.members[1].mean.scalars)
    }

    /// A residual network with dropout inside its block predicts the same bytes whatever the
    /// chunk (batch) size and wherever the shard starts.
    @Test func residualDropoutIsIndependentOfBatchSize() throws {
        let model = try Self.residualModel()
        let x = Self.inputs(23)
        let whole = model.predictiveRawOutputs(x, mcSamples: 4, seed: 5, chunkSize: 1000)
        for chunk in [1, 2, 7] {
            #expect(model.predictiveRawOutputs(x, mcSamples: 4, seed: 5, chunkSize: chunk) == whole, "chunk \(chunk)")
        }
        let shard = model.predictiveRawOutputs(x.slice(alongAxis: 0, 9..<23), mcSamples: 4, seed: 5, firstIndex: 9)
        #expect(shard == whole.map { Array($0[(9 * 2)...]) })
    }

    /// An input's MC draws depend on its index and the seed only, not on the batching.
    @Test func mcDropoutIsIndependentOfChunkSize() throws {
        let model = try Self.model(head: Head(.categorical, classCount: 4), dropout: 0.5)
        let x = Self.inputs(25)
        let a = model.predictive(x, mcSamples: 6, seed: 3, chunkSize: 1000).memberProbabilities
        let b = model.predictive(x, mcSamples: 6, seed: 3, chunkSize: 4).memberProbabilities
        #expect(a.scalars == b.scalars)
        // and a shard starting at index 10 reproduces rows 10..<25
        let shard = model.predictive(x.slice(alongAxis: 0, 10..<25), mcSamples: 6, seed: 3, firstIndex: 10).memberProbabilities
        #expect(shard.scalars == a.slice(alongAxis: 1, 10..<25).scalars)
        // a different seed changes the draws
        let c = model.predictive(x, mcSamples: 6, seed: 4).memberProbabilities
        #expect(a.scalars != c.scalars)
    }

    /// Law of total variance: total = aleatoric + epistemic, and a deterministic network has
    /// no epistemic part.
    @Test func varianceDecomposition() throws {
        let model = try Self.model(head: Head(.normal), dropout: 0.3)
        let x = Self.inputs(10)
        let p = model.predictive(x, mcSamples: 20, seed: 1)
        let mixtureVariance = p.mixture.variance.scalars
        for i in 0..<10 {
            #expect(Swift.abs(p.totalVariance[i] - Double(mixtureVariance[i])) <= 1e-4 * Double(mixtureVariance[i]))
            #expect(p.epistemicVariance[i] > 0)
        }
        let deterministic = model.predictive(x, mcSamples: 0)
        #expect(deterministic.epistemicVariance.allSatisfy { $0 == 0 })
        let (lower, upper) = p.interval(level: 0.9)
        for i in 0..<10 { #expect(Double(lower[i]) < p.mean[i] && p.mean[i] < Double(upper[i])) }
    }

    /// σ = 10²¹ has a variance of 10⁴² beyond Float's range: the standard deviations are
    /// squared in Double. Members N(10²⁵, 10²¹²) and N(3·10²⁵, 10²¹²), by hand: aleatoric
    /// sd 10²¹, epistemic sd 10²⁵ (the means are 2·10²⁵ ± 10²⁵), total √(10⁴² + 10⁵⁰).
    @Test func standardDeviationsBeyondFloatVariance() {
        let p = Predictive(head: Head(.normal), members: [Normal(loc: Tensor([1e25]), scale: Tensor([1e21])),
                                                          Normal(loc: Tensor([3e25]), scale: Tensor([1e21]))])
        let sd = p.standardDeviations
        let loc1 = Double(Float(1e25)), loc2 = Double(Float(3e25)), scale = Double(Float(1e21))
        let epistemic = Swift.abs(loc2 - loc1) / 2
        #expect(Swift.abs(sd.aleatoric[0] - scale) <= 1e-12 * scale, "\(sd.aleatoric)")
        #expect(Swift.abs(sd.epistemic[0] - epistemic) <= 1e-12 * epistemic, "\(sd.epistemic)")
        let total = (scale * scale + epistemic * epistemic).squareRoot()
        #expect(Swift.abs(sd.total[0] - total) <= 1e-12 * total, "\(sd.total)")
        #expect(p.uncertaintyScores[0].values[0].isFinite)
        // A Student's t with df ≤ 2 has no finite variance: its sd stays +∞.
        let heavy = Predictive(head: Head(.studentT), members: [StudentT(df: Tensor([1.5]), loc: Tensor([0]), scale: Tensor([1]))])
        #expect(heavy.standardDeviations.total[0] == .infinity)
    }

    /// Classification: mutual information = predictive entropy − expected entropy ≥ 0.
    @Test func classificationUncertainty() throws {
        let model = try Self.model(head: Head(.categorical, classCount: 3), dropout: 0.5)
        let u = model.predictive(Self.inputs(12), mcSamples: 30, seed: 2).classification
        for i in 0..<12 {
            #expect(Swift.abs(u.mutualInformation[i] - (u.predictiveEntropy[i] - u.expectedEntropy[i])) < 1e-6)
            #expect(u.mutualInformation[i] >= -1e-9)
        }
        let rows = u.meanProbabilities.sum(alongAxis: 1).scalars
        #expect(rows.allSatisfy { Swift.abs($0 - 1) < 1e-5 })
    }

    /// Huge but finite spreads: σ² of each member overflows Float (beyond 3.4·10³⁸) while σ
    /// does not, so the predictive sd is a number, by hand: Laplace b = 10²⁰ → √2·10²⁰;
    /// Gamma(1, 10⁻²⁰) → 10²⁰; Student's t(3, 0, 10²⁰) → √3·10²⁰; LogNormal(44, 1) →
    /// e^44.5 √(e − 1) = 2.7536·10¹⁹ (its variance 7.6·10³⁸ overflows Float).
    @Test func hugeSpreadsHaveFiniteStandardDeviations() {
        let cases: [(Head, any UnivariateDistribution, Double)] = [
            (Head(.laplace), Laplace(loc: Tensor([0]), scale: Tensor([1e20])), 2.0.squareRoot() * 1e20),
            (Head(.gamma), Gamma(concentration: Tensor([1]), rate: Tensor([1e-20])), 1e20),
            (Head(.studentT), StudentT(df: Tensor([3]), loc: Tensor([0]), scale: Tensor([1e20])), 3.0.squareRoot() * 1e20),
            (Head(.logNormal), LogNormal(loc: Tensor([44]), scale: Tensor([1])), exp(44.5) * (exp(1.0) - 1).squareRoot()),
        ]
        for (head, member, expected) in cases {
            let sd = Predictive(head: head, members: [member]).standardDeviations.total[0]
            #expect(abs(sd - expected) <= 1e-6 * expected, "\(head.family.name): sd \(sd), expected \(expected)")
        }
    }

    /// Means, sds and quantiles beyond Float's range (3.4·10³⁸) but within Double's are numbers
    /// (they were +∞, printed as empty cells): LogNormal(0, 15) has mean e^112.5 = 7.4·10⁴⁸,
    /// sd e^112.5 √(e^225 − 1) = 6.9·10⁹⁷ and q95 = e^(15 · 1.6449) = 1.93·10¹⁰ by hand; an
    /// equal mixture of it with LogNormal(100, 1) has mean (e^112.5 + e^100.5)/2 and, since the
    /// first member holds only 3.3·10⁻¹² of its mass above e^103, q95 ≈ e^(100 + Φ⁻¹(0.9)) = e^101.28 (scipy: e^101.2815515656).
    @Test func meansSDsAndQuantilesBeyondFloat() {
        let wide = LogNormal(loc: Tensor([0]), scale: Tensor([15]))
        let one = Predictive(head: Head(.logNormal), members: [wide])
        #expect(abs(one.mean[0] - exp(112.5)) <= 1e-9 * exp(112.5), "\(one.mean)")
        let sd = exp(112.5) * (exp(225.0) - 1).squareRoot()
        #expect(abs(one.standardDeviations.total[0] - sd) <= 1e-9 * sd, "\(one.standardDeviations.total)")
        let q95 = exp(15 * 1.6448536269514722)
        #expect(abs(one.quantile(0.95)[0] - q95) <= 1e-9 * q95, "\(one.quantile(0.95))")
        let mixture = Predictive(head: Head(.logNormal), members: [wide, LogNormal(loc: Tensor([100]), scale: Tensor([1]))])
        let mean = (exp(112.5) + exp(100.5)) / 2
        #expect(abs(mixture.mean[0] - mean) <= 1e-9 * mean, "\(mixture.mean)")
        let upper = exp(100 + 1.2815515655446004)
        #expect(abs(mixture.quantile(0.95)[0] - upper) <= 1e-6 * upper, "\(mixture.quantile(0.95))")
        #expect(mixture.standardDeviations.total[0].isFinite)
    }
}
