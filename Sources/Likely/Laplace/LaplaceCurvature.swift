import CGSL
import Foundation

/// The sums over the training examples that a Laplace posterior of one network is built from,
/// in one flat Double buffer so that several processes add theirs with one allreduce.
///
/// Every structure starts from the same per-example pieces: ãᵢ, each covered layer's augmented
/// input, and Gᵢ, the gradients at its output of the seeds Lᵢ[:, t] (Λᵢ = Lᵢ Lᵢᵀ the head's
/// Fisher in the raw outputs), so that Bᵢ = Σₜ Gᵢₜ Gᵢₜᵀ is the curvature at the layer's output
/// and the GGN block of layer l is Σᵢ ãᵢ ãᵢᵀ ⊗ Bᵢ. What is summed:
///
/// - `full`: the GGN Σᵢ (Lᵢᵀ Jᵢ)ᵀ (Lᵢᵀ Jᵢ), `[P, P]` (lower triangle, `cblas_dsyrk`);
/// - `last-layer`: the one layer's Σᵢ vec(ãᵢ ãᵢᵀ) vec(Bᵢ)ᵀ over r ≤ r' (one `cblas_sgemm` per
///   chunk), the GGN rearranged: exact (up to single-precision rounding within a chunk) and far
///   cheaper than the Jacobian's Gram;
/// - `diagonal`: per layer Σᵢ ãᵢ² diag(Bᵢ)ᵀ `[a, g]`, the GGN's diagonal in θ's order;
/// - `kfac`: per layer Σᵢ cᵢ ãᵢ ãᵢᵀ `[a, a]`, Σᵢ cᵢ and G = Σᵢ Bᵢ `[g, g]`, with cᵢ = tr Bᵢ.
///   Then A = Σᵢ cᵢ ãᵢ ãᵢᵀ / Σᵢ cᵢ and A ⊗ G ≈ Σᵢ ãᵢ ãᵢᵀ ⊗ Bᵢ: the expectation of ã ãᵀ weighted
///   by each example's share of the curvature, exact whenever every Bᵢ is a multiple of one
///   matrix (a layer with one output, a constant Fisher), where the unweighted mean of
///   Martens & Grosse (2015) is exact only for a constant Bᵢ; the two coincide then. A Conv2D
///   counts each (example, position) as a row, ã the patch under the kernel and B the
///   curvature at that position (KFC, Grosse & Martens 2016: the positions' cross terms
///   dropped); the diagonal of a Conv2D is exact, Σₜ (Σₚ ãₚ ⊗ Gₚₜ)² per example.
/// - `ekfac` (a second pass, given KFAC's eigenbases `bases`): per layer the GGN's diagonal in
///   the basis Q_A ⊗ Q_G, λ_rc = Σᵢ Σₜ (Q_A Mᵢₜ Q_Gᵀ)²_rc `[a, g]` with Mᵢₜ = ãᵢ ⊗ Gᵢₜ the
///   example's block of seed t (Σₚ ãₚ ⊗ Gₚₜ for a convolution, its positions' cross terms kept):
///   for a Dense layer Σᵢ (Q_A ãᵢ)²ᵣ Σₜ (Q_G Gᵢₜ)²_c, one product per chunk (George et al. 2018).
///
/// Then the log-likelihood Σᵢ ln p(yᵢ | xᵢ) and the count n, the buffer's last two entries.
struct LaplaceCurvature {
    let structure: LaplaceStructure
    let walker: NetworkJacobian
    /// `ekfac`: each covered layer's KFAC eigenbasis (from a `kfac` pass); empty otherwise.
    let bases: [KroneckerBlock]
    /// The sums, then the log-likelihood and n.
    var buffer: [Double]

    init(structure: LaplaceStructure, walker: NetworkJacobian, bases: [KroneckerBlock] = []) {
        precondition((structure == .ekfac) == (bases.count == walker.denseLayers.count),
                     "an ekfac curvature needs one Kronecker basis per covered layer (\(walker.denseLayers.count)), got \(bases.count) for \(structure.rawValue)")
        self.structure = structure
        self.walker = walker
        self.bases = bases
        buffer = [Double](repeating: 0, count: Self.size(structure, walker) + 2)
    }

    /// The length of the sums for `structure`.
    static func size(_ structure: LaplaceStructure, _ walker: NetworkJacobian) -> Int {
        let shapes = walker.denseLayers.indices.map { walker.shape(ofLayer: $0) }
        switch structure {
        case .full: return walker.parameterCount * walker.parameterCount
        case .lastLayer:
            let (a, g) = walker.shape(ofLayer: 0)
            return a * (a + 1) / 2 * g * g
        case .diagonal, .ekfac: return walker.parameterCount
        case .kfac: return shapes.reduce(0) { $0 + $1.inputs * $1.inputs + 1 + $1.outputs * $1.outputs }
        }
    }

    var logLikelihood: Double {
        get { buffer[buffer.count - 2] }
        set { buffer[buffer.count - 2] = newValue }
    }

    var count: Int {
        get { Int(buffer[buffer.count - 1]) }
        set { buffer[buffer.count - 1] = Double(newValue) }
    }

    /// Adds a chunk: its trace, each layer's gradients of the seeds Lᵢ[:, t] (`[m · K, g]`,
    /// K seeds per example), its log-likelihood.
    mutating func add(_ trace: NetworkJacobian.Trace, gradients: [[Double]], logLikelihood: Double) {
        let m = trace.count, k = trace.outputCount
        self.logLikelihood += logLikelihood
        count += m
        switch structure {
        case .full:
            addGram(walker.jacobianRows(trace, gradients: gradients, perExample: k), rows: m * k, size: walker.parameterCount, at: 0)
        case .lastLayer:
            // Only r ≤ r' of vec(ã ãᵀ) (the rest is its mirror), and the chunk's product in single
            // precision (`cblas_sgemm`, a sum of at most chunkSize terms), added to the Double sums.
            let (a, g) = walker.shape(ofLayer: 0), x = walker.augmentedInputs(trace, layer: 0), grads = gradients[0]
            let pairs = a * (a + 1) / 2
            var outer = [Float](repeating: 0, count: m * pairs), curvature = [Float](repeating: 0, count: m * g * g)
            for i in 0..<m {
                var e = i * pairs
                for r in 0..<a { for r2 in r..<a { outer[e] = Float(x[i * a + r] * x[i * a + r2]); e += 1 } }
                for t in 0..<k {
                    let row = (i * k + t) * g
                    for c in 0..<g { for c2 in 0..<g { curvature[(i * g + c) * g + c2] += Float(grads[row + c] * grads[row + c2]) } }
                }
            }
            var product = [Float](repeating: 0, count: pairs * g * g)
            // One OpenBLAS thread: a chunk's product is too small for its threads to pay.
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(pairs), Int32(g * g), Int32(m), 1,
                        outer, Int32(pairs), curvature, Int32(g * g), 0, &product, Int32(g * g))
            for e in product.indices { buffer[e] += Double(product[e]) }
        case .diagonal:
            for j in walker.denseLayers.indices {
                let (a, g) = walker.shape(ofLayer: j), x = walker.augmentedInputs(trace, layer: j), grads = gradients[j]
                let offset = walker.denseLayers[j].offset
                guard walker.denseLayers[j].positions == 1 else {
                    // A convolution's block of J sums over positions: square each example's Σₚ ãₚ ⊗ Gₚ.
                    for i in 0..<m { for t in 0..<k {
                        let b = walker.block(inputs: x, gradients: grads, layer: j, example: i, seed: t, perExample: k)
                        for e in b.indices { buffer[offset + e] += b[e] * b[e] }
                    } }
                    continue
                }
                addProduct(x.map { $0 * $0 }, Self.seedSquares(grads, count: m, seeds: k, width: g), rows: m, left: a, right: g, at: offset)
            }
        case .ekfac:
            for j in walker.denseLayers.indices {
                let (a, g) = walker.shape(ofLayer: j), x = walker.augmentedInputs(trace, layer: j), grads = gradients[j]
                let offset = walker.denseLayers[j].offset, basis = bases[j]
                guard walker.denseLayers[j].positions == 1 else {
                    for i in 0..<m { for t in 0..<k {
                        let b = basis.rotated(walker.block(inputs: x, gradients: grads, layer: j, example: i, seed: t, perExample: k))
                        for e in b.indices { buffer[offset + e] += b[e] * b[e] }
                    } }
                    continue
                }
                // u = ã Q_Aᵀ, v = G Q_Gᵀ (rows of Q are the eigenvectors).
                let u = SymmetricMatrix.withBLASThreads {
                    LaplacePosterior.product(x, basis.inputEigenvectors, rows: m, inner: a, columns: a, transposed: true)
                }
                let v = LaplacePosterior.product(grads, basis.outputEigenvectors, rows: m * k, inner: g, columns: g, transposed: true)
                addProduct(u.map { $0 * $0 }, Self.seedSquares(v, count: m, seeds: k, width: g), rows: m, left: a, right: g, at: offset)
            }
        case .kfac:
            var offset = 0
            for j in walker.denseLayers.indices {
                let (a, g) = walker.shape(ofLayer: j), x = walker.augmentedInputs(trace, layer: j), grads = gradients[j]
                let positions = walker.denseLayers[j].positions
                var weighted = x, total = 0.0
                for i in 0..<m {
                    for position in 0..<positions {
                        var c = 0.0
                        for t in 0..<k {
                            let row = ((i * k + t) * positions + position) * g
                            for v in grads[row..<(row + g)] { c += v * v }
                        }
                        total += c
                        let root = c.squareRoot(), row = (i * positions + position) * a
                        for r in 0..<a { weighted[row + r] *= root }
                    }
                }
                addGram(weighted, rows: m * positions, size: a, at: offset)
                buffer[offset + a * a] += total
                addGram(grads, rows: m * k * positions, size: g, at: offset + a * a + 1)
                offset += a * a + 1 + g * g
            }
        }
    }

    /// Σₜ v²ᵢₜ_c `[m, width]` for the k seeds' rows v `[m · k, width]` of each example.
    private static func seedSquares(_ v: [Double], count m: Int, seeds k: Int, width g: Int) -> [Double] {
        var squares = [Double](repeating: 0, count: m * g)
        for i in 0..<m { for t in 0..<k { for c in 0..<g { squares[i * g + c] += v[(i * k + t) * g + c] * v[(i * k + t) * g + c] } } }
        return squares
    }

    /// buffer[at ..< at + left·right] += Xᵀ Y for X `[rows, left]`, Y `[rows, right]`.
    private mutating func addProduct(_ x: [Double], _ y: [Double], rows: Int, left: Int, right: Int, at offset: Int) {
        SymmetricMatrix.withBLASThreads {
            buffer.withUnsafeMutableBufferPointer { bp in
                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(left), Int32(right), Int32(rows), 1,
                            x, Int32(left), y, Int32(right), 1, bp.baseAddress.map { $0 + offset }, Int32(right))
            }
        }
    }

    /// The lower triangle of buffer[at ..< at + size²] += Xᵀ X for X `[rows, size]`.
    private mutating func addGram(_ x: [Double], rows: Int, size: Int, at offset: Int) {
        SymmetricMatrix.withBLASThreads {
            buffer.withUnsafeMutableBufferPointer { bp in
                cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, Int32(size), Int32(rows), 1, x, Int32(size), 1,
                            bp.baseAddress.map { $0 + offset }, Int32(size))
            }
        }
    }

    /// The sums of every process added up (the same on every rank afterwards).
    mutating func sum(over communicator: any Communicator) {
        guard communicator.isDistributed else { return }
        communicator.allreduceSum(&buffer)
    }

    /// The whole GGN (`full`, `last-layer`), symmetric. `full` hands over its buffer rather
    /// than copy P² numbers, so the sums are gone afterwards (read the log-likelihood and n first).
    mutating func takeGeneralisedGaussNewton() -> SymmetricMatrix {
        let p = walker.parameterCount
        if structure == .full {
            buffer.removeLast(2)
            var ggn = SymmetricMatrix(size: p, entries: buffer)
            buffer = []
            ggn.symmetrize()
            return ggn
        }
        // Σᵢ vec(ãã ᵀ) vec(B)ᵀ rearranged: GGN[(r c), (r' c')] = M[(r r'), (c c')] for r ≤ r', mirrored.
        let (a, g) = walker.shape(ofLayer: 0)
        var ggn = SymmetricMatrix(zeros: p), e = 0
        for r in 0..<a { for r2 in r..<a {
            for c in 0..<g { for c2 in 0..<g {
                let value = buffer[e * g * g + c * g + c2]
                ggn[r * g + c, r2 * g + c2] = value
                ggn[r2 * g + c2, r * g + c] = value
            } }
            e += 1
        } }
        return ggn
    }

    /// The GGN's diagonal (`diagonal`), in θ's order.
    func diagonal() -> [Double] { Array(buffer[0..<walker.parameterCount]) }

    /// Each layer's block: KFAC's factors' eigendecompositions (`kfac`), or the bases with the
    /// re-estimated eigenvalues λ_rc (`ekfac`).
    func kroneckerBlocks() throws -> [KroneckerBlock] {
        if structure == .ekfac {
            return bases.enumerated().map { j, basis in
                let offset = walker.denseLayers[j].offset
                var block = basis
                block.correctedEigenvalues = Array(buffer[offset..<(offset + basis.parameterCount)])
                return block
            }
        }
        return try kroneckerFactors().map { pair in
            let (a, g) = (try pair.input.eigendecomposition(), try pair.output.eigendecomposition())
            return KroneckerBlock(inputEigenvalues: a.values, inputEigenvectors: a.vectors, outputEigenvalues: g.values, outputEigenvectors: g.vectors)
        }
    }

    /// Each layer's A and G (`kfac`), symmetric; A is zero when no example has curvature.
    func kroneckerFactors() -> [(input: SymmetricMatrix, output: SymmetricMatrix)] {
        var offset = 0, out: [(SymmetricMatrix, SymmetricMatrix)] = []
        for j in walker.denseLayers.indices {
            let (a, g) = walker.shape(ofLayer: j), total = buffer[offset + a * a]
            var left = SymmetricMatrix(size: a, entries: buffer[offset..<(offset + a * a)].map { total > 0 ? $0 / total : 0 })
            var right = SymmetricMatrix(size: g, entries: Array(buffer[(offset + a * a + 1)..<(offset + a * a + 1 + g * g)]))
            left.symmetrize()
            right.symmetrize()
            out.append((left, right))
            offset += a * a + 1 + g * g
        }
        return out
    }
}
