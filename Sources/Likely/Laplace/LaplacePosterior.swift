import CGSL
import Foundation

/// A Laplace approximation of the posterior over one network's weights θ, around the trained
/// weights θ*: N(θ*, H⁻¹) with precision H = GGN + D, the generalised Gauss–Newton matrix
/// GGN = Σᵢ Jᵢᵀ Λᵢ Jᵢ (Jᵢ the Jacobian of example i's raw outputs in θ, Λᵢ the head's Fisher
/// in them; whole, its diagonal, or Kronecker-factored per layer, `LaplaceStructure`) plus the
/// prior precision D = diag(δ) (one δ, or one per layer).
public struct LaplacePosterior: Sendable, Equatable {
    /// δ: one value, or one per covered layer (`auto-per-layer`).
    public var priorPrecision: [Double]
    /// The Laplace evidence ln p(D) at δ, in the target's original units.
    public var logMarginalLikelihood: Double
    /// P, the weights covered.
    public var parameterCount: Int
    /// The prior precision of a weight the model holds at 0 rather than fits (a same-family
    /// GLM's constant columns, `ProbabilisticModel.glmHeldWeights`): a point mass for every
    /// practical purpose (its posterior variance is below 10⁻¹²), small enough that the factor
    /// (√10¹² = 10⁶) keeps its digits in the float32 of `laplace.safetensors`. δ and the
    /// evidence count only the free weights.
    public static let heldPrecision = 1e12
    /// H, stored as the structure keeps it.
    public var factors: LaplaceFactors

    public init(priorPrecision: [Double], logMarginalLikelihood: Double, parameterCount: Int, factors: LaplaceFactors) {
        switch factors {
        case .cholesky(let l):
            precondition(l.count == parameterCount * parameterCount,
                         "a Cholesky factor of \(parameterCount) weights needs \(parameterCount * parameterCount) entries, got \(l.count)")
        case .diagonal(let d):
            precondition(d.count == parameterCount, "a diagonal precision of \(parameterCount) weights needs \(parameterCount) entries, got \(d.count)")
        case .kronecker(let blocks):
            let total = blocks.reduce(0) { $0 + $1.parameterCount }
            precondition(total == parameterCount, "Kronecker blocks of \(total) weights for a posterior of \(parameterCount)")
            precondition(priorPrecision.count == 1 || priorPrecision.count == blocks.count,
                         "a KFAC posterior needs one prior precision or one per block, got \(priorPrecision.count) for \(blocks.count)")
        }
        self.priorPrecision = priorPrecision
        self.logMarginalLikelihood = logMarginalLikelihood
        self.parameterCount = parameterCount
        self.factors = factors
    }

    /// A `full` or `last-layer` posterior from the Cholesky factor of its precision.
    public init(priorPrecision: [Double], logMarginalLikelihood: Double, parameterCount: Int, precisionCholesky: [Double]) {
        self.init(priorPrecision: priorPrecision, logMarginalLikelihood: logMarginalLikelihood, parameterCount: parameterCount,
                  factors: .cholesky(precisionCholesky))
    }

    /// δ of covered layer `layer` (the one δ when there is one).
    public func priorPrecision(ofLayer layer: Int) -> Double {
        priorPrecision.count == 1 ? priorPrecision[0] : priorPrecision[layer]
    }

    /// The posterior covariance Σ = H⁻¹, `[P, P]` row-major (for inspection and tests; the
    /// predictive works from the factors).
    public var covariance: [Double] {
        let p = parameterCount
        var sigma = [Double](repeating: 0, count: p * p)
        switch factors {
        case .cholesky(let l):
            let inverse = LaplacePosterior.lowerInverse(l, size: p)
            // Σ = L⁻ᵀ L⁻¹: entry (a, b) = Σᵢ L⁻¹[i, a] L⁻¹[i, b].
            for i in 0..<p { for a in 0...i { for b in 0...i { sigma[a * p + b] += inverse[i * p + a] * inverse[i * p + b] } } }
        case .diagonal(let d):
            for i in 0..<p { sigma[i * p + i] = 1 / d[i] }
        case .kronecker(let blocks):
            var offset = 0
            for (l, block) in blocks.enumerated() {
                let delta = priorPrecision(ofLayer: l), n = block.parameterCount
                let inverse = block.inBasis(block.eigenvalues.map { 1 / ($0 + delta) })
                for r in 0..<n { for c in 0..<n { sigma[(offset + r) * p + offset + c] = inverse[r * n + c] } }
                offset += n
            }
        }
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
