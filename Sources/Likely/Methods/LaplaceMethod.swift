import Foundation

/// The linearised (GLM) predictive of a Laplace posterior: around the trained weights θ*,
/// f(x, θ) ≈ f(x, θ*) + J(x)(θ − θ*), so with θ ~ N(θ*, Σ) input x's raw outputs are Gaussian,
/// N(f(x, θ*), J Σ Jᵀ), J Σ Jᵀ from the posterior's factors (`LaplacePosterior.outputCovariances`),
/// f(x, θ*) and J from one pass of each chunk.
///
/// T > 0 draws T raw-output vectors per input and member (input i's from the stream
/// (member seed, `.laplacePredictive`, 0, i)) and pushes them through the head, a mixture like
/// MC dropout's. The T draws are balanced (`balancedNormals`): antithetic pairs f ± L z whose z
/// are rescaled so that the T draws have exactly the mean f and covariance J Σ Jᵀ. The mixture
/// of T draws is an average of densities (softmax probabilities, Normal densities), and ln p̄ of a
/// noisy average is biased low (Jensen); fixing the first two moments of each input's draws
/// removes the noise they would add, and the mixture's mean is the linearised network's own
/// (a GLM's exactly). T = 0 uses the probit
/// approximation for Bernoulli and Categorical heads, one draw of logits fₖ / √(1 + π vₖₖ / 8)
/// (MacKay 1992; vₖₖ the variance of logit k), and 100 balanced draws for every other family.
public struct LaplaceMethod: UncertaintyMethod {
    /// The draws made when T = 0 and the family has no closed form.
    public static let defaultDraws = 100
    /// T as asked (`--mc-samples`).
    public let requestedDraws: Int
    /// Whether T = 0 takes the probit closed form (classification heads).
    public let probit: Bool
    /// The registered name.
    public static let name = "laplace"
    public var name: String { Self.name }
    public var draws: Int { probit ? 1 : (requestedDraws == 0 ? Self.defaultDraws : requestedDraws) }

    /// - Parameters:
    ///   - draws: T ≥ 0.
    ///   - head: the model's head (its family decides the closed form at T = 0).
    public init(draws: Int, head: Head) {
        precondition(draws >= 0, "Laplace draws must be ≥ 0, got \(draws)")
        requestedDraws = draws
        probit = draws == 0 && head.family.support.isClassification
    }

    public func rawOutputDraws(of model: ProbabilisticModel, features: Tensor, seed: UInt64, firstIndex: Int,
                               chunkSize: Int) -> [[Float]] {
        guard let laplace = model.laplace else { preconditionFailure("the Laplace predictive needs a model with a posterior (model.laplace)") }
        let n = features.shape[0], k = model.head.rawOutputCount, t = draws
        var out = [[Float]](repeating: [Float](repeating: 0, count: n * k), count: model.memberCount * t)
        for (j, member) in model.members.enumerated() {
            guard let walker = try? NetworkJacobian(network: member, structure: laplace.structure),
                  walker.parameterCount == laplace.members[j].parameterCount else {
                preconditionFailure("member \(j)'s posterior does not match its network (ModelDirectory.load checks this)")
            }
            let memberSeed = ProbabilisticModel.memberSeed(seed, member: j)
            for start in stride(from: 0, to: n, by: chunkSize) {
                let end = min(n, start + chunkSize), m = end - start
                // One pass gives the linearisation point f(x, θ*) and what J needs.
                let trace = withoutGradients { walker.forward(model.prepare(features.slice(alongAxis: 0, start..<end))) }
                let covariances = laplace.members[j].outputCovariances(trace, walker: walker)
                for i in 0..<m {
                    let global = start + i
                    let draws = rawDraws(mean: (0..<k).map { Double(trace.outputs[i * k + $0]) },
                                         covariance: Array(covariances[(i * k * k)..<((i + 1) * k * k)]),
                                         memberSeed: memberSeed, example: firstIndex + global)
                    for (draw, r) in draws.enumerated() { for a in 0..<k { out[j * t + draw][global * k + a] = Float(r[a]) } }
                }
            }
        }
        return out
    }

    /// The `draws` raw-output vectors of one input whose linearised raw outputs are
    /// N(`mean`, `covariance`) (K, K × K row-major): the probit-scaled mean alone, or
    /// mean + L z for T balanced normal vectors z from the stream
    /// (`memberSeed`, `.laplacePredictive`, 0, `example`), L the factor of the covariance.
    func rawDraws(mean: [Double], covariance: [Double], memberSeed: UInt64, example: Int) -> [[Double]] {
        let k = mean.count, t = draws
        if probit { return [(0..<k).map { mean[$0] / (1 + Double.pi / 8 * covariance[$0 * k + $0]).squareRoot() }] }
        let root = SymmetricMatrix.semidefiniteFactor(covariance, size: k)
        var random = RandomSource(key: StreamKey(seed: memberSeed, purpose: .laplacePredictive, example: UInt64(example)))
        return Self.balancedNormals(count: t, dimension: k, using: &random).map { z in (0..<k).map { a in (0...a).reduce(mean[a]) { $0 + root[a * k + $1] * z[$1] } } }
    }

    /// T vectors of dimension K whose mean is exactly 0 and whose covariance (1/T) Σ z zᵀ is
    /// exactly I: h = ⌊T/2⌋ standard normal rows Z `[h, K]`, whitened when h ≥ K to
    /// Z L⁻ᵀ √(T/2) (ZᵀZ = L Lᵀ, so the rows' Gram becomes (T/2) I), each row used as +z and −z,
    /// and the zero vector when T is odd. With h < K the rows stay as drawn (the pairs still fix
    /// the mean). Each vector is marginally close to N(0, I) and the set is a randomised
    /// quadrature of the Gaussian, correct to second order for every draw of Z.
    static func balancedNormals(count t: Int, dimension k: Int, using random: inout RandomSource) -> [[Double]] {
        let h = t / 2
        var rows = (0..<h).map { _ in (0..<k).map { _ in random.normal() } }
        if h >= k {
            var gram = [Double](repeating: 0, count: k * k)
            for z in rows { for a in 0..<k { for b in 0...a { gram[a * k + b] += z[a] * z[b] } } }
            for a in 0..<k { for b in 0..<a { gram[b * k + a] = gram[a * k + b] } }
            let l = SymmetricMatrix.semidefiniteFactor(gram, size: k), scale = (Double(t) / 2).squareRoot()
            if (0..<k).allSatisfy({ l[$0 * k + $0] > 0 }) {
                // Row z becomes (L⁻¹ z)ᵀ √(T/2): forward substitution.
                rows = rows.map { z in
                    var y = [Double](repeating: 0, count: k)
                    for a in 0..<k {
                        var s = z[a]
                        for b in 0..<a { s -= l[a * k + b] * y[b] }
                        y[a] = s / l[a * k + a]
                    }
                    return y.map { $0 * scale }
                }
            }
        }
        return rows.flatMap { [$0, $0.map { -$0 }] } + (t % 2 == 1 ? [[Double](repeating: 0, count: k)] : [])
    }
}
