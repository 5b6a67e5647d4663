import Distributions
import Foundation
import LikelyTensor
import Testing

/// Seeded sampling tests for every family: with n = 20,000 draws, the sample mean lies within
/// 5 standard errors √(σ²/n) of the mean, the sample variance within 5 standard errors
/// √((m₄ − s⁴)/n) of the variance (m₄ the sample's fourth central moment), and the
/// Kolmogorov–Smirnov distance to the family's cdf is below 1.95/√n (α = 0.001; conservative
/// for the discrete families, whose KS distance is taken at the support points).
@Suite struct SamplingTests {
    static let n = 20_000

    /// A family's batch of n identical members (its draws are n independent samples).
    static let families: [(String, @Sendable (Int) -> any UnivariateDistribution)] = [
        ("Normal", { Normal(loc: .full(1.5, shape: [$0]), scale: .full(2.0, shape: [$0])) }),
        ("Normal(logScale)", { Normal(loc: .full(-3, shape: [$0]), logScale: .full(-1, shape: [$0])) }),
        ("LogNormal", { LogNormal(loc: .full(0.2, shape: [$0]), scale: .full(0.5, shape: [$0])) }),
        ("StudentT", { StudentT(df: .full(7, shape: [$0]), loc: .full(1, shape: [$0]), scale: .full(0.5, shape: [$0])) }),
        ("Laplace", { Laplace(loc: .full(-1, shape: [$0]), scale: .full(3, shape: [$0])) }),
        ("Gamma", { Gamma(concentration: .full(2.5, shape: [$0]), rate: .full(0.5, shape: [$0])) }),
        ("Gamma(small α)", { Gamma(concentration: .full(0.4, shape: [$0]), rate: .full(3, shape: [$0])) }),
        ("Beta", { Beta(alpha: .full(2, shape: [$0]), beta: .full(5, shape: [$0])) }),
        ("Bernoulli", { Bernoulli(logits: .full(-0.7, shape: [$0])) }),
        ("Categorical", { Categorical(logits: Tensor([0.3, -1, 1.2, 0]).broadcast(to: [$0, 4])) }),
        ("Poisson", { Poisson(rate: .full(4.2, shape: [$0])) }),
        ("Poisson(logRate)", { Poisson(logRate: .full(3, shape: [$0])) }),
        ("NegativeBinomial", { NegativeBinomial(totalCount: .full(3.5, shape: [$0]), probs: .full(0.6, shape: [$0])) }),
        ("ZeroInflatedPoisson", { ZeroInflatedPoisson(rate: .full(6, shape: [$0]), gate: .full(0.3, shape: [$0])) }),
        // Means beyond GSL's 32-bit counts (its sampler never returns at λ = 10¹²).
        ("Poisson(λ = 1e10)", { Poisson(rate: .full(1e10, shape: [$0])) }),
        ("NegativeBinomial(mean 1.7e9)", { NegativeBinomial(totalCount: .full(100, shape: [$0]), probs: .full(1 - 0x1p-24, shape: [$0])) }),
        ("ZeroInflatedPoisson(λ = 1e10)", { ZeroInflatedPoisson(rate: .full(1e10, shape: [$0]), gate: .full(0.3, shape: [$0])) }),
        ("Mixture of Normals", { n in
            Mixture(components: [Normal(loc: .full(-2, shape: [n]), scale: .full(0.5, shape: [n])),
                                 Normal(loc: .full(3, shape: [n]), scale: .full(1, shape: [n]))],
                    weights: Tensor([0.3, 0.7]))
        }),
        ("Mixture of Poissons", { n in Mixture(equallyWeighted: [Poisson(rate: .full(2, shape: [n])), Poisson(rate: .full(9, shape: [n]))]) }),
    ]

    @Test(arguments: families.indices)
    func momentsAndKolmogorovSmirnov(_ index: Int) {
        let (name, make) = SamplingTests.families[index]
        let n = SamplingTests.n
        let d = make(n)
        var random = RandomSource(seed: 2024 + UInt64(index))
        let draws = d.sample(using: &random).scalars.map(Double.init)
        #expect(draws.count == n)
        let mean = Double(d.mean.scalars[0]), variance = Double(d.variance.scalars[0])
        let sampleMean = draws.reduce(0, +) / Double(n)
        let centred = draws.map { $0 - sampleMean }
        let sampleVariance = centred.reduce(0) { $0 + $1 * $1 } / Double(n - 1)
        let fourth = centred.reduce(0) { $0 + $1 * $1 * $1 * $1 } / Double(n)
        let meanError = (variance / Double(n)).squareRoot()
        let varianceError = (Swift.max(fourth - sampleVariance * sampleVariance, 0) / Double(n)).squareRoot()
        #expect(Swift.abs(sampleMean - mean) <= 5 * meanError, "\(name): sample mean \(sampleMean), mean \(mean) ± \(meanError)")
        #expect(Swift.abs(sampleVariance - variance) <= 5 * varianceError,
                "\(name): sample variance \(sampleVariance), variance \(variance) ± \(varianceError)")

        // KS distance: sup |F_n(x) − F(x)|, checked just below and at every distinct draw.
        let sorted = draws.sorted()
        let distinct = Array(Set(sorted)).sorted()
        let model = make(distinct.count).cdf(Tensor(distinct.map(Float.init))).scalars
        var distance = 0.0, below = 0
        for (value, f) in zip(distinct, model) {
            let before = Double(below) / Double(n)
            while below < n && sorted[below] <= value { below += 1 }
            let after = Double(below) / Double(n)
            distance = Swift.max(distance, Swift.abs(after - Double(f)))
            if !type(of: d).isDiscrete { distance = Swift.max(distance, Swift.abs(before - Double(f))) }
        }
        let critical = 1.95 / Double(n).squareRoot()
        #expect(distance < critical, "\(name): KS distance \(distance) ≥ critical value \(critical)")
    }

    @Test func sameSeedSameDraws() {
        var a = RandomSource(seed: 7), b = RandomSource(seed: 7)
        let d = Gamma(concentration: Tensor([0.5, 2, 9]), rate: Tensor([1, 1, 3]))
        #expect(d.sample(count: 5, using: &a).scalars == d.sample(count: 5, using: &b).scalars)
        let shape = d.sample(count: 5, using: &a).shape
        #expect(shape == [5, 3], "sample(count:) shape \(shape)")
    }

    @Test func reparameterizedSamplesCarryGradients() {
        let loc = Tensor([0.5, -1], requiresGradient: true), scale = Tensor([2, 0.5], requiresGradient: true)
        var random = RandomSource(seed: 11)
        let draw = Normal(loc: loc, scale: scale).reparameterizedSample(using: &random)
        var replay = RandomSource(seed: 11)
        let noise = Tensor.randomNormal([2], using: &replay)
        let grads = draw.sum().gradients()
        #expect(grads[loc]!.scalars == [1, 1], "∂(μ + σε)/∂μ = 1")
        #expect(grads[scale]!.scalars == noise.scalars, "∂(μ + σε)/∂σ = ε")
        var r2 = RandomSource(seed: 3)
        for d in [Laplace(loc: loc, scale: scale) as any ReparameterizedDistribution,
                  StudentT(df: Tensor([5, 5]), loc: loc, scale: scale), LogNormal(loc: loc, scale: scale)] {
            let g = d.reparameterizedSample(using: &r2).sum().gradients()
            #expect(g[loc] != nil && g[scale] != nil, "\(type(of: d)) reparameterised sample has gradients")
        }
    }
}
