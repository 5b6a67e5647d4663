import CGSL
import Foundation

/// A Laplace approximation of the posterior over one network's weights θ, around the trained
/// weights θ*: N(θ*, H⁻¹) with precision H = GGN + D, the generalised Gauss–Newton matrix
/// GGN = Σᵢ Jᵢᵀ Λᵢ Jᵢ (Jᵢ the Jacobian of example i's raw outputs in θ, Λᵢ the head's Fisher
/// in them) plus the prior precision D = diag(δ) (one δ, or one per layer).
public struct LaplacePosterior: Sendable, Equatable {
    /// δ: one value, or one per covered Dense layer (`auto-per-layer`).
    public var priorPrecision: [Double]
    /// The Laplace evidence ln p(D) at δ, in the target's original units.
    public var logMarginalLikelihood: Double
    /// P, the weights covered.
    public var parameterCount: Int
    /// The lower Cholesky factor L of H (H = L Lᵀ), `[P, P]` row-major.
    public var precisionCholesky: [Double]

    public init(priorPrecision: [Double], logMarginalLikelihood: Double, parameterCount: Int, precisionCholesky: [Double]) {
        precondition(precisionCholesky.count == parameterCount * parameterCount,
                     "a Cholesky factor of \(parameterCount) weights needs \(parameterCount * parameterCount) entries, got \(precisionCholesky.count)")
        self.priorPrecision = priorPrecision
        self.logMarginalLikelihood = logMarginalLikelihood
        self.parameterCount = parameterCount
        self.precisionCholesky = precisionCholesky
    }

    /// The posterior covariance Σ = H⁻¹, `[P, P]` row-major (for inspection and tests; the
    /// predictive works from the factor).
    public var covariance: [Double] {
        let p = parameterCount
        let inverse = LaplacePosterior.lowerInverse(precisionCholesky, size: p)
        var sigma = [Double](repeating: 0, count: p * p)
        // Σ = L⁻ᵀ L⁻¹: entry (a, b) = Σᵢ L⁻¹[i, a] L⁻¹[i, b].
        for i in 0..<p { for a in 0...i { for b in 0...i { sigma[a * p + b] += inverse[i * p + a] * inverse[i * p + b] } } }
        return sigma
    }

    /// L⁻¹ of a lower-triangular `[size, size]` L: L X = I solved by `cblas_dtrsm`.
    static func lowerInverse(_ l: [Double], size p: Int) -> [Double] {
        var x = [Double](repeating: 0, count: p * p)
        for i in 0..<p { x[i * p + i] = 1 }
        guard p > 0 else { return x }
        l.withUnsafeBufferPointer { lp in
            x.withUnsafeMutableBufferPointer { xp in
                cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, Int32(p), Int32(p), 1,
                            lp.baseAddress, Int32(p), xp.baseAddress, Int32(p))
            }
        }
        return x
    }
}

/// The Laplace posteriors of a model (one per ensemble member) and how they were fitted:
/// what `likely laplace` and `fit --laplace` store (`model.json`'s `laplace` entry and
/// `laplace.safetensors`).
public struct LaplaceApproximation: Sendable, Equatable {
    /// Which weights are covered.
    public var structure: LaplaceStructure
    /// How δ was chosen.
    public var prior: PriorPrecision
    /// n, the examples the curvature was summed over.
    public var count: Int
    /// One posterior per member.
    public var members: [LaplacePosterior]

    public init(structure: LaplaceStructure, prior: PriorPrecision, count: Int, members: [LaplacePosterior]) {
        self.structure = structure
        self.prior = prior
        self.count = count
        self.members = members
    }
}
