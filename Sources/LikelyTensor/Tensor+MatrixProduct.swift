import CGSL

/// The value of op(A)·op(B) through `sgemm`.
func matmulKernel(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
    precondition(a.rank == 2 && b.rank == 2, "matmul needs two matrices, got shapes \(a.shape) and \(b.shape)")
    let m = transposeA ? a.shape[1] : a.shape[0]
    let k = transposeA ? a.shape[0] : a.shape[1]
    let kb = transposeB ? b.shape[1] : b.shape[0]
    let n = transposeB ? b.shape[0] : b.shape[1]
    precondition(k == kb, "matmul shapes \(a.shape)\(transposeA ? "ᵀ" : "") and \(b.shape)\(transposeB ? "ᵀ" : "") do not agree (\(k) vs \(kb))")
    // With β = 0 sgemm writes every element of C, so the output needs no zero fill first.
    guard m > 0 && n > 0 && k > 0 else { return Tensor(shape: [m, n], scalars: [Float](repeating: 0, count: m * n)) }
    let out = [Float](count: m * n) { pc in
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                      pa.baseAddress, lda: a.shape[1], pb.baseAddress, ldb: b.shape[1], pc.baseAddress, ldc: n)
            }
        }
    }
    return Tensor(shape: [m, n], scalars: out)
}

/// The matrix product op(a)·op(b), where op transposes when asked; one `sgemm`.
///
/// Shapes: op(a) is `[m, k]`, op(b) is `[k, n]`, the result `[m, n]`. With G = ∂L/∂C:
/// ∂L/∂op(a) = G·op(b)ᵀ and ∂L/∂op(b) = op(a)ᵀ·G, each mapped back through its transpose,
/// so the pullback is two more products and no explicit transposes.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    let value = matmulKernel(a, b, transposeA: transposeA, transposeB: transposeB)
    return Tensor.record(value, parents: [a, b]) { g in
        let da: Tensor? = !a.requiresGradient ? nil : transposeA
            ? matmulKernel(b, g, transposeA: transposeB, transposeB: true)
            : matmulKernel(g, b, transposeA: false, transposeB: !transposeB)
        let db: Tensor? = !b.requiresGradient ? nil : transposeB
            ? matmulKernel(g, a, transposeA: true, transposeB: transposeA)
            : matmulKernel(a, g, transposeA: !transposeA, transposeB: false)
        return [da, db]
    }
}
