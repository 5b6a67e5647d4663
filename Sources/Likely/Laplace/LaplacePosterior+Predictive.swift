import CGSL
import Foundation

extension LaplacePosterior {
    /// J Σ Jᵀ for each example of a forward pass, `[m · K · K]` row-major K × K blocks: the
    /// covariance of the linearised network's raw outputs f(x, θ*) + J (θ − θ*).
    ///
    /// - Cholesky (full, last-layer): X = J L⁻ᵀ (X Lᵀ = J, `cblas_dtrsm`), J Σ Jᵀ = X Xᵀ.
    /// - Diagonal: with row k of layer l's block of J being ã ⊗ gₖ,
    ///   (J Σ Jᵀ)ₖₖ' = Σₗ Σ_c gₖ_c gₖ'_c w_c, w_c = Σᵣ ãᵣ² / Hᵣ_c.
    /// - KFAC: with u = Q_A ã and vₖ = Q_G gₖ, (J Σ Jᵀ)ₖₖ' = Σₗ Σ_c vₖ_c vₖ'_c w_c,
    ///   w_c = Σᵣ uᵣ² / (λ_rc + δₗ), λ_rc = αᵣ γ_c (EKFAC: its re-estimated λ_rc).
    /// - A convolution's block of row k is Mₖ = Σₚ ãₚ ⊗ Gₚₖ over its positions, no longer an
    ///   outer product: Σ_{rc} Mₖ Mₖ' / H for diagonal, and (Q_A Mₖ Q_Gᵀ) ⊙ (Q_A Mₖ' Q_Gᵀ) / (αᵣ γ_c + δ) for KFAC.
    func outputCovariances(_ trace: NetworkJacobian.Trace, walker: NetworkJacobian) -> [Double] {
        let m = trace.count, k = trace.outputCount, p = parameterCount
        let gradients = walker.backward(trace, seeds: NetworkJacobian.unitSeeds(count: m, outputs: k), perExample: k)
        var covariance = [Double](repeating: 0, count: m * k * k)
        switch factors {
        case .cholesky(let factor):
            var x = walker.jacobianRows(trace, gradients: gradients, perExample: k)
            SymmetricMatrix.withBLASThreads {
                factor.withUnsafeBufferPointer { lp in
                    x.withUnsafeMutableBufferPointer { xp in
                        cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, Int32(m * k), Int32(p), 1,
                                    lp.baseAddress, Int32(p), xp.baseAddress, Int32(p))
                    }
                }
            }
            for i in 0..<m {
                for a in 0..<k {
                    for b in 0...a {
                        var s = 0.0
                        for c in 0..<p { s += x[(i * k + a) * p + c] * x[(i * k + b) * p + c] }
                        (covariance[(i * k + a) * k + b], covariance[(i * k + b) * k + a]) = (s, s)
                    }
                }
            }
        case .diagonal(let precision):
            for j in walker.denseLayers.indices {
                let (width, g) = walker.shape(ofLayer: j), offset = walker.denseLayers[j].offset
                let inverse = precision[offset..<(offset + width * g)].map { 1 / $0 }
                let inputs = walker.augmentedInputs(trace, layer: j)
                guard walker.denseLayers[j].positions == 1 else {
                    Self.addBlockProducts(&covariance, walker: walker, inputs: inputs, gradients: gradients[j], layer: j, count: m, outputs: k,
                                          weights: inverse) { $0 }
                    continue
                }
                Self.addWeightedGrams(&covariance, gradients: gradients[j], weights: Self.product(inputs.map { $0 * $0 }, inverse, rows: m, inner: width, columns: g),
                                      count: m, outputs: k, width: g)
            }
        case .kronecker(let blocks):
            for (j, block) in blocks.enumerated() {
                let (width, g) = walker.shape(ofLayer: j), delta = priorPrecision(ofLayer: j)
                let inverse = block.eigenvalues.map { 1 / ($0 + delta) }
                let inputs = walker.augmentedInputs(trace, layer: j)
                guard walker.denseLayers[j].positions == 1 else {
                    // Q_A M Q_Gᵀ, M = Σₚ ãₚ ⊗ Gₚ: the block of J in the eigenbasis.
                    Self.addBlockProducts(&covariance, walker: walker, inputs: inputs, gradients: gradients[j], layer: j, count: m, outputs: k,
                                          weights: inverse, transform: block.rotated)
                    continue
                }
                // u = ã Q_Aᵀ, v = G Q_Gᵀ (rows of Q are the eigenvectors).
                let u = Self.product(inputs, block.inputEigenvectors, rows: m, inner: width, columns: width, transposed: true)
                let v = Self.product(gradients[j], block.outputEigenvectors, rows: m * k, inner: g, columns: g, transposed: true)
                Self.addWeightedGrams(&covariance, gradients: v, weights: Self.product(u.map { $0 * $0 }, inverse, rows: m, inner: width, columns: g),
                                      count: m, outputs: k, width: g)
            }
        }
        return covariance
    }

    /// covariance[i]ₖₖ' += Σ Pₖ ⊙ Pₖ' ⊙ w for a layer with several positions (a convolution):
    /// Pₖ = `transform`(Mₖ), Mₖ = Σₚ ãₚ ⊗ Gₚₖ the layer's block of row k of J for example i.
    static func addBlockProducts(_ covariance: inout [Double], walker: NetworkJacobian, inputs: [Double], gradients: [Double], layer j: Int,
                                 count m: Int, outputs k: Int, weights w: [Double], transform: ([Double]) -> [Double]) {
        for i in 0..<m {
            let p = (0..<k).map { transform(walker.block(inputs: inputs, gradients: gradients, layer: j, example: i, seed: $0, perExample: k)) }
            for a in 0..<k {
                for b in 0...a {
                    var s = 0.0
                    for e in w.indices { s += p[a][e] * p[b][e] * w[e] }
                    covariance[(i * k + a) * k + b] += s
                    if a != b { covariance[(i * k + b) * k + a] += s }
                }
            }
        }
    }

    /// X Y `[rows, columns]` for X `[rows, inner]` and Y `[inner, columns]` (Yᵀ given as
    /// `[columns, inner]` when `transposed`).
    static func product(_ x: [Double], _ y: [Double], rows: Int, inner: Int, columns: Int, transposed: Bool = false) -> [Double] {
        var out = [Double](repeating: 0, count: rows * columns)
        guard rows > 0, columns > 0, inner > 0 else { return out }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, transposed ? CblasTrans : CblasNoTrans, Int32(rows), Int32(columns), Int32(inner), 1,
                    x, Int32(inner), y, Int32(transposed ? inner : columns), 0, &out, Int32(columns))
        return out
    }

    /// covariance[i] += Σ_c vᵢₖ_c vᵢₖ'_c wᵢ_c for each example i: v `[m · K, width]`, w `[m, width]`.
    static func addWeightedGrams(_ covariance: inout [Double], gradients v: [Double], weights w: [Double], count m: Int, outputs k: Int, width: Int) {
        for i in 0..<m {
            for a in 0..<k {
                for b in 0...a {
                    var s = 0.0
                    for c in 0..<width { s += v[(i * k + a) * width + c] * v[(i * k + b) * width + c] * w[i * width + c] }
                    covariance[(i * k + a) * k + b] += s
                    if a != b { covariance[(i * k + b) * k + a] += s }
                }
            }
        }
    }
}
