import Distributions
import Foundation
import LikelyTensor
import Testing

/// ln N(x | μ, σ) of a batch of 1,000,000 Normals, summed, and its backward pass to μ and σ:
/// the values and gradients at every element against the closed forms evaluated in Double,
/// ∂/∂μ = z/σ and ∂/∂σ = (z² − 1)/σ with z = (x − μ)/σ. (Its speed is `likely bench`'s business.)
@Suite struct LargeBatchTests {
    @Test func normalLogProbOfAMillionWithBackward() {
        let n = 1_000_000
        var random = RandomSource(seed: 5)
        let x = Tensor.randomNormal([n], using: &random)
        let loc = Tensor(shape: [n], scalars: Tensor.randomNormal([n], using: &random).scalars, requiresGradient: true)
        let scale = Tensor(shape: [n], scalars: Tensor.randomUniform([n], lowerBound: 0.5, upperBound: 2, using: &random).scalars,
                           requiresGradient: true)
        let loss = Normal(loc: loc, scale: scale).logProb(x).sum()
        let grads = loss.gradients()
        let dLoc = grads[loc]?.scalars ?? [], dScale = grads[scale]?.scalars ?? []
        #expect(dLoc.count == n && dScale.count == n)
        guard dLoc.count == n && dScale.count == n else { return }
        var total = 0.0, worstLoc = 0.0, worstScale = 0.0
        let xs = x.scalars, mus = loc.scalars, sigmas = scale.scalars
        for i in 0..<n {
            let sigma = Double(sigmas[i]), z = (Double(xs[i]) - Double(mus[i])) / sigma
            total += -0.5 * z * z - log(sigma) - 0.5 * log(2 * Double.pi)
            worstLoc = max(worstLoc, abs(Double(dLoc[i]) - z / sigma) / (1 + abs(z / sigma)))
            worstScale = max(worstScale, abs(Double(dScale[i]) - (z * z - 1) / sigma) / (1 + abs((z * z - 1) / sigma)))
        }
        #expect(abs(Double(loss.scalars[0]) - total) <= 1e-4 * abs(total), "sum \(loss.scalars[0]) vs \(total)")
        #expect(worstLoc < 1e-5, "worst relative error of ∂/∂μ: \(worstLoc)")
        #expect(worstScale < 1e-5, "worst relative error of ∂/∂σ: \(worstScale)")
    }
}
