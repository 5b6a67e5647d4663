import CGSL

/// C ← op(A)·op(B) + β·C on row-major buffers (op transposes when asked; op(A) is `[m, k]`,
/// op(B) `[k, n]`, C `[m, n]`), through OpenBLAS `cblas_sgemm`.
///
/// Large products are split across `Parallel.threadCount` threads by blocks of C's rows (or
/// of its columns when C is wider than tall), each block one single-threaded `cblas_sgemm`:
/// every element is still one dot product over k summed in OpenBLAS's order, so the result
/// does not depend on the thread count.
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
    // Blocks of 16 rows or columns, the width of OpenBLAS's AVX-512 micro-kernel.
    let units = { (count: Int) in (count + 15) / 16 }
    if m >= n {
        Parallel.forEachPiece(of: units(m), minimumPerThread: Swift.max(1, units(m) / blocks)) { piece in
            let rows = (piece.lowerBound * 16)..<Swift.min(m, piece.upperBound * 16)
            call(rows.count, n, transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda, b, c + rows.lowerBound * ldc)
        }
    } else {
        Parallel.forEachPiece(of: units(n), minimumPerThread: Swift.max(1, units(n) / blocks)) { piece in
            let columns = (piece.lowerBound * 16)..<Swift.min(n, piece.upperBound * 16)
            call(m, columns.count, a, transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound, c + columns.lowerBound)
        }
    }
}
