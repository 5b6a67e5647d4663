import CGSL
import Foundation

/// The sampled-network ("nn") predictive of a `full` or `last-layer` Laplace posterior,
/// laplace-torch's `pred_type='nn'`: T weight vectors θₜ ~ N(θ*, H⁻¹) per member, and the
/// network itself run with each, so the predictive is the mixture over t of the head's
/// distribution at f(x, θₜ) — like MC dropout's mixture over masks, whose mean is an average
/// over networks rather than the trained network's output (the linearised predictive,
/// `LaplaceMethod`, keeps f(x, θ*) as its mean).
///
/// Draws: with H = L Lᵀ (the stored Cholesky factor), vₛ = L⁻ᵀ zₛ for ⌈T/2⌉ standard normal
/// vectors zₛ `[P]` (one `cblas_dtrsm` of Z `[⌈T/2⌉, P]`: V L = Z), so Cov(vₛ) = H⁻¹; the
/// draws are the antithetic pairs θ* + vₛ, θ* − vₛ (the first T of them). Member j's zₛ come
/// from the stream (member seed, `.laplaceWeights`); every input sees the same T networks, so
/// input i's draws depend on the seed alone, never on the batch. T = 0 makes
/// `LaplaceMethod.defaultDraws` draws.
///
/// Where the network is linear in θ (one Dense layer) this predictive and the linearised one
/// coincide in distribution: f(x, θₜ) ~ N(f(x, θ*), J Σ Jᵀ).
public struct LaplaceNNMethod: UncertaintyMethod {
    /// The registered name (`--predictive laplace-nn`).
    public static let name = "laplace-nn"
    public var name: String { Self.name }
    /// T as asked (`--mc-samples`).
    public let requestedDraws: Int
    public var draws: Int { requestedDraws == 0 ? LaplaceMethod.defaultDraws : requestedDraws }

    /// - Parameter draws: T ≥ 0 (0: `LaplaceMethod.defaultDraws`).
    public init(draws: Int) {
        precondition(draws >= 0, "Laplace draws must be ≥ 0, got \(draws)")
        requestedDraws = draws
    }

    /// Refuses a model without a posterior, or with one whose precision is not a Cholesky
    /// factor (`kfac`, `diagonal`).
    static func check(_ model: ProbabilisticModel) throws {
        guard let laplace = model.laplace else {
            throw UncertaintyMethodError("--predictive \(name) needs a Laplace posterior in the model: run likely laplace MODEL_DIR DATA --structure full, or fit with --laplace full")
        }
        guard laplace.structure == .full || laplace.structure == .lastLayer else {
            throw UncertaintyMethodError("--predictive \(name) samples networks from a full or last-layer posterior; this model's is \(laplace.structure.rawValue): use --predictive laplace (the linearised predictive)")
        }
    }

    /// Member j's T weight vectors θₜ `[P]` (float32, Jacobian order).
    func weightDraws(_ posterior: LaplacePosterior, around theta: [Double], seed: UInt64) -> [[Float]] {
        guard case .cholesky(let factor) = posterior.factors else {
            preconditionFailure("the sampled-network predictive needs a Cholesky-factored posterior (LaplaceNNMethod.check)")
        }
        let p = posterior.parameterCount, t = draws, h = (t + 1) / 2
        var random = RandomSource(key: StreamKey(seed: seed, purpose: .laplaceWeights))
        var v = (0..<(h * p)).map { _ in random.normal() }
        SymmetricMatrix.withBLASThreads {
            factor.withUnsafeBufferPointer { lp in
                v.withUnsafeMutableBufferPointer { vp in
                    cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasNoTrans, CblasNonUnit, Int32(h), Int32(p), 1,
                                lp.baseAddress, Int32(p), vp.baseAddress, Int32(p))
                }
            }
        }
        return (0..<t).map { draw in
            let s = draw / 2, sign = draw % 2 == 0 ? 1.0 : -1.0
            return (0..<p).map { Float(theta[$0] + sign * v[s * p + $0]) }
        }
    }

    public func rawOutputDraws(of model: ProbabilisticModel, features: Tensor, seed: UInt64, firstIndex: Int,
                               chunkSize: Int) -> [[Float]] {
        guard let laplace = model.laplace else { preconditionFailure("the Laplace predictive needs a model with a posterior (model.laplace)") }
        let n = features.shape[0], k = model.head.rawOutputCount, t = draws
        var out = [[Float]](repeating: [], count: model.memberCount * t)
        for (j, member) in model.members.enumerated() {
            guard let walker = try? NetworkJacobian(network: member, structure: laplace.structure),
                  walker.parameterCount == laplace.members[j].parameterCount else {
                preconditionFailure("member \(j)'s posterior does not match its network (ModelDirectory.load checks this)")
            }
            let thetas = weightDraws(laplace.members[j], around: walker.weights, seed: ProbabilisticModel.memberSeed(seed, member: j))
            for start in stride(from: 0, to: n, by: chunkSize) {
                let x = model.prepare(features.slice(alongAxis: 0, start..<min(n, start + chunkSize)))
                withoutGradients {
                    for (draw, theta) in thetas.enumerated() { out[j * t + draw] += walker.outputs(x, weights: theta).scalars }
                }
            }
            for draw in 0..<t { precondition(out[j * t + draw].count == n * k, "a sampled network gave \(out[j * t + draw].count) raw outputs for \(n) inputs") }
        }
        return out
    }
}
