import Foundation

/// How a Laplace posterior stores its precision H = GGN + D (D the prior precision δ per
/// weight), one case per family of structures.
public enum LaplaceFactors: Sendable, Equatable {
    /// `full` and `last-layer`: the lower Cholesky factor L of H (H = L Lᵀ), `[P, P]` row-major.
    case cholesky([Double])
    /// `diagonal`: H's diagonal GGNᵢᵢ + δᵢ, `[P]` (every off-diagonal entry dropped).
    case diagonal([Double])
    /// `kfac`: one Kronecker-factored block per covered layer, H ≈ ⊕ₗ (Aₗ ⊗ Gₗ + δₗ I).
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
public struct KroneckerBlock: Sendable, Equatable {
    /// α, A's eigenvalues, `[a]`.
    public var inputEigenvalues: [Double]
    /// Q_A `[a, a]` row-major, row r the eigenvector of αᵣ.
    public var inputEigenvectors: [Double]
    /// γ, G's eigenvalues, `[g]`.
    public var outputEigenvalues: [Double]
    /// Q_G `[g, g]` row-major, row c the eigenvector of γ_c.
    public var outputEigenvectors: [Double]

    public init(inputEigenvalues: [Double], inputEigenvectors: [Double], outputEigenvalues: [Double], outputEigenvectors: [Double]) {
        precondition(inputEigenvectors.count == inputEigenvalues.count * inputEigenvalues.count
                     && outputEigenvectors.count == outputEigenvalues.count * outputEigenvalues.count,
                     "a Kronecker block needs square eigenvector matrices, got \(inputEigenvectors.count) for \(inputEigenvalues.count) and \(outputEigenvectors.count) for \(outputEigenvalues.count)")
        self.inputEigenvalues = inputEigenvalues
        self.inputEigenvectors = inputEigenvectors
        self.outputEigenvalues = outputEigenvalues
        self.outputEigenvectors = outputEigenvectors
    }

    /// a · g, the weights of the layer.
    public var parameterCount: Int { inputEigenvalues.count * outputEigenvalues.count }

    /// The eigenvalues αᵣ γ_c of A ⊗ G in θ's order (r-major), clamped at 0.
    public var eigenvalues: [Double] {
        inputEigenvalues.flatMap { a in outputEigenvalues.map { max(a * $0, 0) } }
    }

    /// The block as a dense `[P, P]` matrix A ⊗ G (for tests and inspection).
    public var kroneckerProduct: [Double] {
        let a = inputEigenvalues.count, g = outputEigenvalues.count, p = a * g
        let left = Self.reconstruct(inputEigenvalues, inputEigenvectors), right = Self.reconstruct(outputEigenvalues, outputEigenvectors)
        var out = [Double](repeating: 0, count: p * p)
        for r in 0..<a { for r2 in 0..<a { for c in 0..<g { for c2 in 0..<g {
            out[(r * g + c) * p + r2 * g + c2] = left[r * a + r2] * right[c * g + c2]
        } } } }
        return out
    }

    /// Qᵀ diag(λ) Q.
    static func reconstruct(_ values: [Double], _ vectors: [Double]) -> [Double] {
        let n = values.count
        var out = [Double](repeating: 0, count: n * n)
        for e in 0..<n { for i in 0..<n { for j in 0..<n { out[i * n + j] += values[e] * vectors[e * n + i] * vectors[e * n + j] } } }
        return out
    }
}
