import Foundation

/// How a Laplace posterior stores its precision H = GGN + D (D the prior precision δ per
/// weight), one case per family of structures.
public enum LaplaceFactors: Sendable, Equatable {
    /// `full` and `last-layer`: the lower Cholesky factor L of H (H = L Lᵀ), `[P, P]` row-major.
    case cholesky([Double])
    /// `diagonal`: H's diagonal GGNᵢᵢ + δᵢ, `[P]` (every off-diagonal entry dropped).
    case diagonal([Double])
    /// `kfac` and `ekfac`: one block per covered layer in its Kronecker eigenbasis,
    /// H ≈ ⊕ₗ ((Q_A ⊗ Q_G)ᵀ diag(λₗ) (Q_A ⊗ Q_G) + δₗ I), λ = α ⊗ γ for KFAC, re-estimated for EKFAC.
    case kronecker([KroneckerBlock])
}

/// One layer's block of a KFAC posterior precision, Aₗ ⊗ Gₗ + δ I, kept as the two factors'
/// eigendecompositions A = Q_Aᵀ diag(α) Q_A and G = Q_Gᵀ diag(γ) Q_G, so that
///
///     (A ⊗ G + δ I)⁻¹ = (Q_A ⊗ Q_G)ᵀ diag(1 / (αᵣ γ_c + δ)) (Q_A ⊗ Q_G)
///
/// and ln det = Σᵣ Σ_c ln(αᵣ γ_c + δ). The layer's weights are θ = vec(W̃) row-major, W̃ the
/// `[inputs (+1 for the bias), outputs]` matrix of the kernel with the bias as its last row,
/// so A is over the layer's (augmented) inputs and G over its outputs.
///
/// EKFAC (George et al. 2018) keeps the eigenbasis Q_A ⊗ Q_G and replaces the products αᵣ γ_c
/// by `correctedEigenvalues` λ_rc, the GGN's own diagonal in that basis (the per-example second
/// moments of the gradients projected on it): the same formulas with λ_rc for αᵣ γ_c.
public struct KroneckerBlock: Sendable, Equatable {
    /// α, A's eigenvalues, `[a]`.
    public var inputEigenvalues: [Double]
    /// Q_A `[a, a]` row-major, row r the eigenvector of αᵣ.
    public var inputEigenvectors: [Double]
    /// γ, G's eigenvalues, `[g]`.
    public var outputEigenvalues: [Double]
    /// Q_G `[g, g]` row-major, row c the eigenvector of γ_c.
    public var outputEigenvectors: [Double]
    /// EKFAC's λ_rc `[a · g]` (r-major), the GGN's diagonal in the basis Q_A ⊗ Q_G; nil for KFAC.
    public var correctedEigenvalues: [Double]?

    public init(inputEigenvalues: [Double], inputEigenvectors: [Double], outputEigenvalues: [Double], outputEigenvectors: [Double],
                correctedEigenvalues: [Double]? = nil) {
        precondition(inputEigenvectors.count == inputEigenvalues.count * inputEigenvalues.count
                     && outputEigenvectors.count == outputEigenvalues.count * outputEigenvalues.count,
                     "a Kronecker block needs square eigenvector matrices, got \(inputEigenvectors.count) for \(inputEigenvalues.count) and \(outputEigenvectors.count) for \(outputEigenvalues.count)")
        precondition(correctedEigenvalues.map { $0.count == inputEigenvalues.count * outputEigenvalues.count } ?? true,
                     "EKFAC eigenvalues of a \(inputEigenvalues.count) × \(outputEigenvalues.count) block need \(inputEigenvalues.count * outputEigenvalues.count) entries, got \(correctedEigenvalues?.count ?? 0)")
        self.inputEigenvalues = inputEigenvalues
        self.inputEigenvectors = inputEigenvectors
        self.outputEigenvalues = outputEigenvalues
        self.outputEigenvectors = outputEigenvectors
        self.correctedEigenvalues = correctedEigenvalues
    }

    /// a · g, the weights of the layer.
    public var parameterCount: Int { inputEigenvalues.count * outputEigenvalues.count }

    /// The block's curvature eigenvalues in θ's order (r-major), clamped at 0: EKFAC's λ_rc, or
    /// KFAC's αᵣ γ_c.
    public var eigenvalues: [Double] {
        if let correctedEigenvalues { return correctedEigenvalues.map { max($0, 0) } }
        return inputEigenvalues.flatMap { a in outputEigenvalues.map { max(a * $0, 0) } }
    }

    /// Q_A M Q_Gᵀ `[a, g]`: a layer's block M `[a, g]` of the Jacobian (or of a gradient) in the
    /// Kronecker eigenbasis, entry (r, c) its coordinate along Q_A[r] ⊗ Q_G[c].
    func rotated(_ m: [Double]) -> [Double] {
        let a = inputEigenvalues.count, g = outputEigenvalues.count
        return LaplacePosterior.product(LaplacePosterior.product(inputEigenvectors, m, rows: a, inner: a, columns: g),
                                        outputEigenvectors, rows: a, inner: g, columns: g, transposed: true)
    }

    /// The block's curvature as a dense `[P, P]` matrix, (Q_A ⊗ Q_G)ᵀ diag(λ) (Q_A ⊗ Q_G): A ⊗ G
    /// for KFAC (for tests and inspection).
    public var kroneckerProduct: [Double] { inBasis(eigenvalues) }

    /// (Q_A ⊗ Q_G)ᵀ diag(w) (Q_A ⊗ Q_G) `[P, P]` row-major for w `[a · g]` (r-major): entry
    /// ((r c), (r' c')) = Σ_{e f} w_ef Q_A[e, r] Q_G[f, c] Q_A[e, r'] Q_G[f, c'].
    public func inBasis(_ w: [Double]) -> [Double] {
        let a = inputEigenvalues.count, g = outputEigenvalues.count, p = a * g
        let qa = inputEigenvectors, qg = outputEigenvectors
        var out = [Double](repeating: 0, count: p * p)
        for e in 0..<a { for f in 0..<g {
            for r in 0..<a { for c in 0..<g {
                let left = qa[e * a + r] * qg[f * g + c] * w[e * g + f]
                for r2 in 0..<a { for c2 in 0..<g { out[(r * g + c) * p + r2 * g + c2] += left * qa[e * a + r2] * qg[f * g + c2] } }
            } }
        } }
        return out
    }
}
