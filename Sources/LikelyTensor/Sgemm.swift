import CGSL

/// The row count that `sgemm`'s row blocks, and a batch whose rows must come out the same
/// however it is cut, are multiples of.
public let rowAlignment = 48

/// C ← op(A)·op(B) + β·C on row-major buffers (op transposes when asked; op(A) is `[m, k]`,
/// op(B) `[k, n]`, C `[m, n]`), through OpenBLAS `cblas_sgemm`.
///
/// Large products are split across `Parallel.threadCount` threads by blocks of C's rows (or,
/// for op(A) = Aᵀ, of its columns when C is wider than tall), each block one single-threaded
/// `cblas_sgemm`.
///
/// Rows of C are examples when A is not transposed (a layer's forward pass and its input
/// gradient), and a row's bytes must not depend on how the batch was cut. OpenBLAS's kernels
/// do not promise that: its Haswell sgemm kernel (also its fallback on CPUs it does not know,
/// such as AMD Zen 5) computes row i of C in a block of 12 with a summation that depends on
/// i mod 6 and on the row count mod 12. So the row blocks start at multiples of
/// `rowAlignment` (48, a multiple of the 12 and of the AVX-512 kernels' 16) and columns are
/// not split for such products; a caller that pads its batch to multiples of 48, aligned by
/// its examples' global index (the predictive does), gets the same bytes for any chunk,
/// thread count and process count.
public func sgemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                  _ a: UnsafePointer<Float>?, lda: Int, _ b: UnsafePointer<Float>?, ldb: Int,
                  beta: Float = 0, _ c: UnsafeMutablePointer<Float>?, ldc: Int) {
    guard m > 0 && n > 0 && k > 0, let a, let b, let c else { return }
    let call = { (m: Int, n: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) in
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    // Below about 2^18 multiply-adds per thread, threading costs more than it saves: at most
    // `blocks` pieces.
    let blocks = Swift.min(Parallel.threadCount, (m * n * k) >> 18)
    guard blocks > 1 else { return call(m, n, a, b, c) }
    let unit = rowAlignment
    let units = { (count: Int) in (count + unit - 1) / unit }
    if m >= n || !transposeA {
        Parallel.forEachPiece(of: units(m), minimumPerThread: Swift.max(1, units(m) / blocks)) { piece in
            let rows = (piece.lowerBound * unit)..<Swift.min(m, piece.upperBound * unit)
            call(rows.count, n, transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda, b, c + rows.lowerBound * ldc)
        }
    } else {
        Parallel.forEachPiece(of: units(n), minimumPerThread: Swift.max(1, units(n) / blocks)) { piece in
            let columns = (piece.lowerBound * unit)..<Swift.min(n, piece.upperBound * unit)
            call(m, columns.count, a, transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound, c + columns.lowerBound)
        }
    }
}
