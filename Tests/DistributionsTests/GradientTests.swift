import Distributions
import LikelyTensor
import LikelyTestSupport
import Testing

/// Finite-difference checks of ln p in every parameter of every family, and of the special
/// functions and links. Points are kept away from kinks and support edges.
@Suite struct GradientTests {
    static func expectPasses(_ name: String, at inputs: [Tensor], _ f: ([Tensor]) -> Tensor) {
        let result = checkGradients(at: inputs, f)
        #expect(result.passed, "\(name): \(result)")
    }

    @Test func continuousFamilies() {
        let x = Tensor([-1.3, 0.2, 0.9, 2.4])
        let positive = Tensor([0.15, 0.8, 1.7, 3.2])
        let unit = Tensor([0.05, 0.3, 0.62, 0.93])
        GradientTests.expectPasses("Normal(loc, scale)", at: [Tensor([0.1, -0.4, 1.2, 2.0]), Tensor([0.5, 1.3, 0.8, 2.2])]) {
            Normal(loc: $0[0], scale: $0[1]).logProb(x)
        }
        GradientTests.expectPasses("Normal(loc, logScale)", at: [Tensor([0.1, -0.4, 1.2, 2.0]), Tensor([-0.7, 0.3, -0.2, 0.8])]) {
            Normal(loc: $0[0], logScale: $0[1]).logProb(x)
        }
        GradientTests.expectPasses("LogNormal", at: [Tensor([0.1, -0.4, 0.5, 1.0]), Tensor([0.5, 1.3, 0.8, 2.2])]) {
            LogNormal(loc: $0[0], scale: $0[1]).logProb(positive)
        }
        GradientTests.expectPasses("StudentT", at: [Tensor([1.5, 3.0, 8.0, 30.0]), Tensor([0.1, -0.4, 1.2, 2.0]), Tensor([0.5, 1.3, 0.8, 2.2])]) {
            StudentT(df: $0[0], loc: $0[1], scale: $0[2]).logProb(x)
        }
        GradientTests.expectPasses("Laplace", at: [Tensor([0.1, -0.4, 1.2, 2.0]), Tensor([0.5, 1.3, 0.8, 2.2])]) {
            Laplace(loc: $0[0], scale: $0[1]).logProb(x)
        }
        GradientTests.expectPasses("Gamma", at: [Tensor([0.7, 1.5, 3.0, 9.0]), Tensor([0.5, 1.3, 0.8, 2.2])]) {
            Gamma(concentration: $0[0], rate: $0[1]).logProb(positive)
        }
        GradientTests.expectPasses("Beta", at: [Tensor([0.7, 1.5, 3.0, 9.0]), Tensor([0.5, 1.3, 2.8, 4.2])]) {
            Beta(alpha: $0[0], beta: $0[1]).logProb(unit)
        }
    }

    @Test func discreteFamilies() {
        let binary = Tensor([0, 1, 1, 0])
        let counts = Tensor([0, 1, 4, 11])
        GradientTests.expectPasses("Bernoulli(logits)", at: [Tensor([-2.0, -0.3, 0.8, 3.0])]) { Bernoulli(logits: $0[0]).logProb(binary) }
        GradientTests.expectPasses("Bernoulli(probs)", at: [Tensor([0.2, 0.35, 0.6, 0.9])]) { Bernoulli(probs: $0[0]).logProb(binary) }
        GradientTests.expectPasses("Categorical(logits)", at: [Tensor([[0.1, -1.0, 2.0], [0.5, 0.4, -0.3], [3.0, 0.0, 1.0]])]) {
            Categorical(logits: $0[0]).logProb(Tensor([2, 0, 1]))
        }
        GradientTests.expectPasses("Categorical(probs)", at: [Tensor([[0.2, 0.5, 0.3], [0.4, 0.4, 0.2], [0.3, 0.1, 0.6]])]) {
            Categorical(probs: $0[0]).logProb(Tensor([2, 0, 1]))
        }
        GradientTests.expectPasses("Poisson(rate)", at: [Tensor([0.5, 1.3, 3.5, 9.0])]) { Poisson(rate: $0[0]).logProb(counts) }
        GradientTests.expectPasses("Poisson(logRate)", at: [Tensor([-0.5, 0.3, 1.5, 2.2])]) { Poisson(logRate: $0[0]).logProb(counts) }
        GradientTests.expectPasses("NegativeBinomial", at: [Tensor([0.7, 2.0, 5.0, 12.0]), Tensor([0.2, 0.45, 0.6, 0.8])]) {
            NegativeBinomial(totalCount: $0[0], probs: $0[1]).logProb(counts)
        }
        GradientTests.expectPasses("ZeroInflatedPoisson", at: [Tensor([0.8, 1.3, 3.5, 9.0]), Tensor([0.1, 0.3, 0.5, 0.7])]) {
            ZeroInflatedPoisson(rate: $0[0], gate: $0[1]).logProb(Tensor([0, 0, 4, 11]))
        }
    }

    @Test func mixture() {
        let x = Tensor([-1.0, 0.4, 2.5])
        GradientTests.expectPasses("Mixture of Normals", at: [Tensor([0.0, 0.5, 1.0]), Tensor([1.0, 0.7, 1.5]),
                                                                Tensor([2.0, 1.8, 2.2]), Tensor([0.6, 0.9, 0.5]),
                                                                Tensor([[0.3, -0.2], [1.0, 0.0], [-0.5, 0.5]])]) {
            let members = [Normal(loc: $0[0], scale: $0[1]), Normal(loc: $0[2], scale: $0[3])]
            return Mixture(components: members, logits: $0[4]).logProb(x)
        }
    }

    @Test func specialFunctions() {
        let positive = Tensor([0.3, 1.2, 4.5, 20.0])
        GradientTests.expectPasses("logGamma", at: [positive]) { logGamma($0[0]) }
        GradientTests.expectPasses("digamma", at: [positive]) { digamma($0[0]) }
        GradientTests.expectPasses("trigamma", at: [Tensor([0.8, 1.2, 4.5, 20.0])]) { trigamma($0[0]) }
        GradientTests.expectPasses("logBeta", at: [positive, Tensor([2.0, 0.7, 1.1, 6.0])]) { logBeta($0[0], $0[1]) }
        GradientTests.expectPasses("erf", at: [Tensor([-1.5, -0.2, 0.4, 1.1])]) { erf($0[0]) }
        GradientTests.expectPasses("erfc", at: [Tensor([-1.5, -0.2, 0.4, 1.1])]) { erfc($0[0]) }
        GradientTests.expectPasses("logNormalCDF", at: [Tensor([-30.0, -6.0, -0.5, 2.0])]) { logNormalCDF($0[0]) }
    }

    @Test func linksAndTheirInverses() {
        let raw = Tensor([-2.0, -0.3, 0.5, 3.0])
        for link in [Link.identity, .exp, .softplus, .softplus(floor: 0.1), .sigmoid] {
            let roundTrip = link.inverse(link.forward(raw))
            #expect(isApproximatelyEqual(roundTrip, raw, absolute: 1e-4, relative: 1e-4), "\(link): inverse(forward(x)) = \(roundTrip)")
            GradientTests.expectPasses("\(link).forward", at: [raw]) { link.forward($0[0]) }
        }
        #expect(Link.softplus.forward(Tensor([-200])).scalars[0] == Link.defaultSoftplusFloor, "softplus floor")
        let logits = Tensor([[0.2, -1.0, 3.0]])
        let back = Link.softmax.forward(Link.softmax.inverse(Link.softmax.forward(logits)))
        #expect(isApproximatelyEqual(back, Link.softmax.forward(logits)), "softmax(inverse(softmax(x))) = softmax(x)")
    }

    @Test func extremeLogitsGiveFiniteLossAndGradient() {
        let logits = Tensor([-1e4, 1e4, -1e4, 1e4], requiresGradient: true)
        let lp = Bernoulli(logits: logits).logProb(Tensor([0, 1, 1, 0]))
        #expect(lp.scalars == [0, 0, -1e4, -1e4], "Bernoulli log-mass at ±1e4: \(lp.scalars)")
        let g = lp.sum().gradients()[logits]!
        #expect(g.scalars == [0, 0, 1, -1], "gradient \(g.scalars)")

        let rows = Tensor([[1e4, -1e4, 0], [0, 0, 0]], requiresGradient: true)
        let categorical = Categorical(logits: rows)
        let clp = categorical.logProb(Tensor([1, 2]))
        let finiteLogMass = clp.scalars.allSatisfy { $0.isFinite }
        #expect(finiteLogMass, "Categorical log-mass at ±1e4: \(clp.scalars)")
        let cg = clp.sum().gradients()[rows]!
        let finiteGradient = cg.scalars.allSatisfy { $0.isFinite }
        #expect(finiteGradient, "gradient \(cg.scalars)")
        let entropy = categorical.entropy.scalars
        let finiteEntropy = entropy.allSatisfy { $0.isFinite }
        #expect(finiteEntropy, "entropy \(entropy)")
    }

    @Test func outOfSupportIsMinusInfinityWithZeroGradient() {
        let scale = Tensor([1.0, 1.0], requiresGradient: true)
        let rate = Tensor([2.0, 2.0], requiresGradient: true)
        let gamma = Gamma(concentration: scale, rate: rate).logProb(Tensor([-1, 0]))
        let expected: [Float] = [-.infinity, 0.6931472]  // ln β at x = 0 for α = 1
        #expect(gamma.scalars == expected, "\(gamma.scalars)")
        let poisson = Poisson(rate: rate).logProb(Tensor([2.5, -1]))
        #expect(poisson.scalars == [Float](repeating: -.infinity, count: 2))
        let grads = (poisson.sum() + gamma.slice(alongAxis: 0, 1..<2).sum()).gradients()
        let rateGradient = grads[rate]?.scalars ?? []
        let noNaN = rateGradient.allSatisfy { !$0.isNaN }
        #expect(noNaN && rateGradient.count == 2, "\(rateGradient)")
        let beta = Beta(alpha: Tensor([2]), beta: Tensor([3])).logProb(Tensor([-0.1, 1.5, 0, 1]))
        let minusInfinity = [Float](repeating: -.infinity, count: 4)
        #expect(beta.scalars == minusInfinity, "\(beta.scalars)")
        let c = Categorical(logits: Tensor([0.0, 1.0])).logProb(Tensor([2, -1, 0.5]))
        #expect(c.scalars == [Float](repeating: -.infinity, count: 3))
    }
}
