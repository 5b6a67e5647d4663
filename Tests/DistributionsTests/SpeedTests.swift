import Distributions
import Foundation
import LikelyTensor
import Testing

/// The speed case of issue 3: ln N(x | μ, σ) of a batch of 1,000,000 Normals, summed, and its
/// backward pass to μ and σ. Prints the time (the best of 5 runs); the bound is only a guard
/// against a pathological slowdown.
@Suite struct SpeedTests {
    @Test func normalLogProbOfAMillionWithBackward() {
        let n = 1_000_000
        var random = RandomSource(seed: 5)
        let x = Tensor.randomNormal([n], using: &random)
        let loc = Tensor(shape: [n], scalars: Tensor.randomNormal([n], using: &random).scalars, requiresGradient: true)
        let scale = Tensor(shape: [n], scalars: Tensor.randomUniform([n], lowerBound: 0.5, upperBound: 2, using: &random).scalars,
                           requiresGradient: true)
        var best = Double.infinity, forwardBest = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            let loss = Normal(loc: loc, scale: scale).logProb(x).sum()
            let middle = DispatchTime.now().uptimeNanoseconds
            let grads = loss.gradients()
            let end = DispatchTime.now().uptimeNanoseconds
            #expect(grads[loc]?.count == n && grads[scale]?.count == n)
            best = Swift.min(best, Double(end - start) / 1e6)
            forwardBest = Swift.min(forwardBest, Double(middle - start) / 1e6)
        }
        print("Normal logProb of 1,000,000 + backward: \(String(format: "%.1f", best)) ms (forward \(String(format: "%.1f", forwardBest)) ms)")
        #expect(best < 2000, "logProb + backward of 1M Normals took \(best) ms")
    }
}
