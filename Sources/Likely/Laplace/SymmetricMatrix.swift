import CGSL
import Foundation

/// A symmetric P × P matrix in Double, row-major (equal to its column-major self, so LAPACK's
/// Fortran routines read it as it is): the curvature of a Laplace posterior and its factors.
///
/// The factorisations are OpenBLAS's LAPACK: `dsyevd_`/`ssyevd_` (eigenvalues, divide and
/// conquer) and `dpotrf_` (Cholesky).
public struct SymmetricMatrix: Equatable, Sendable {
    /// P, the number of rows and columns.
    public let size: Int
    /// The P² entries, row-major.
    public var entries: [Double]

    /// The zero matrix of `size` rows.
    public init(zeros size: Int) {
        precondition(size >= 0, "a matrix size must be ≥ 0, got \(size)")
        self.size = size
        entries = [Double](repeating: 0, count: size * size)
    }

    /// A matrix from its P² entries (row-major; only the lower triangle is read by the factorisations).
    public init(size: Int, entries: [Double]) {
        precondition(entries.count == size * size, "a \(size) × \(size) matrix needs \(size * size) entries, got \(entries.count)")
        self.size = size
        self.entries = entries
    }

    /// The entry in row i, column j.
    public subscript(i: Int, j: Int) -> Double {
        get { entries[i * size + j] }
        set { entries[i * size + j] = newValue }
    }

    /// A ← A + Bᵀ B for `rows` × P row-major B (`cblas_dsyrk` on the lower triangle; call
    /// `symmetrize()` before reading the upper one).
    public mutating func addGram(of b: [Double], rows: Int) {
        precondition(b.count == rows * size, "a Gram update needs \(rows) × \(size) entries, got \(b.count)")
        guard rows > 0, size > 0 else { return }
        let p = Int32(size)
        Self.withBLASThreads {
            b.withUnsafeBufferPointer { bp in
                entries.withUnsafeMutableBufferPointer { ap in
                    cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, p, Int32(rows), 1, bp.baseAddress, p, 1, ap.baseAddress, p)
                }
            }
        }
    }

    /// The principal submatrix without the rows and columns `removed` (ascending indices).
    public func removing(_ removed: [Int]) -> SymmetricMatrix {
        let kept = Array(Set(0..<size).subtracting(removed)).sorted()
        return SymmetricMatrix(size: kept.count, entries: kept.flatMap { i in kept.map { self[i, $0] } })
    }

    /// Copies the lower triangle onto the upper one.
    public mutating func symmetrize() {
        for i in 0..<size { for j in 0..<i { entries[j * size + i] = entries[i * size + j] } }
    }

    /// The eigenvalues, ascending (`dsyevd_` without vectors; `ssyevd_` in single precision
    /// when `singlePrecision`, which halves the memory traffic of the tridiagonal reduction
    /// that dominates its time, at an absolute error of about 10⁻⁷ of the largest eigenvalue).
    /// The workspace is LAPACK's optimal one (a query first): with the minimal 2P + 1 the
    /// reduction runs unblocked, all of it rank-2 updates, several times slower at P in the
    /// thousands.
    /// - Throws: `LaplaceError` when LAPACK does not converge.
    public func eigenvalues(singlePrecision: Bool = false) throws -> [Double] {
        guard size > 0 else { return [] }
        var n = Int32(size), lda = Int32(size), info: Int32 = 0, query: Int32 = -1, liwork: Int32 = 1
        var iwork = [Int32](repeating: 0, count: 1)
        var values: [Double]
        if singlePrecision {
            var a = entries.map(Float.init), w = [Float](repeating: 0, count: size), optimal: Float = 0
            ssyevd_("N", "L", &n, &a, &lda, &w, &optimal, &query, &iwork, &query, &info)
            var lwork = max(Int32(optimal), Int32(2 * size + 1)), work = [Float](repeating: 0, count: Int(lwork))
            Self.withBLASThreads { ssyevd_("N", "L", &n, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info) }
            values = w.map(Double.init)
        } else {
            var a = entries, w = [Double](repeating: 0, count: size), optimal = 0.0
            dsyevd_("N", "L", &n, &a, &lda, &w, &optimal, &query, &iwork, &query, &info)
            var lwork = max(Int32(optimal), Int32(2 * size + 1)), work = [Double](repeating: 0, count: Int(lwork))
            Self.withBLASThreads { dsyevd_("N", "L", &n, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info) }
            values = w
        }
        guard info == 0 else { throw LaplaceError("the eigendecomposition of the \(size) × \(size) curvature failed (LAPACK syevd info \(info))") }
        return values
    }

    /// The eigendecomposition A = Qᵀ diag(λ) Q: λ ascending
    /// and Q `[P, P]` row-major whose row i is the unit eigenvector of λᵢ (`dsyevd_` with vectors).
    /// - Throws: `LaplaceError` when LAPACK does not converge.
    public func eigendecomposition() throws -> (values: [Double], vectors: [Double]) {
        guard size > 0 else { return ([], []) }
        var n = Int32(size), lda = Int32(size), info: Int32 = 0
        var lwork = Int32(1 + 6 * size + 2 * size * size), liwork = Int32(3 + 5 * size)
        var a = entries, w = [Double](repeating: 0, count: size)
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        // Column-major eigenvectors read row-major: row i is eigenvector i.
        Self.withBLASThreads { dsyevd_("V", "L", &n, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info) }
        guard info == 0 else { throw LaplaceError("the eigendecomposition of a \(size) × \(size) Kronecker factor failed (LAPACK dsyevd info \(info))") }
        return (w, a)
    }

    /// The lower Cholesky factor L of this positive-definite matrix, A = L Lᵀ, row-major with
    /// zeros above the diagonal (`dpotrf_`), factorised in the matrix's own storage (a matrix
    /// used afterwards is copied first).
    /// - Throws: `LaplaceError` when the matrix is not positive definite.
    public consuming func cholesky() throws -> [Double] {
        guard size > 0 else { return [] }
        // Row-major lower L is column-major upper Lᵀ: ask LAPACK for "U".
        var a = entries, n = Int32(size), lda = Int32(size), info: Int32 = 0
        entries = []
        Self.withBLASThreads { dpotrf_("U", &n, &a, &lda, &info) }
        guard info == 0 else { throw LaplaceError("the posterior precision is not positive definite (LAPACK dpotrf info \(info)); use a larger --prior-precision") }
        for i in 0..<size { for j in (i + 1)..<size { a[i * size + j] = 0 } }
        return a
    }

    /// Runs `body` with OpenBLAS's own threads on (`Parallel.threadCount` of them), then sets
    /// them back to one: the factorisations are single large calls, which OpenBLAS threads
    /// itself, while the rest of Likely splits its products over Dispatch's threads (`Parallel`).
    static func withBLASThreads<T>(_ body: () throws -> T) rethrows -> T {
        openblas_set_num_threads(Int32(Parallel.threadCount))
        defer { openblas_set_num_threads(1) }
        return try body()
    }

    /// ln det A = 2 Σ ln Lᵢᵢ from a Cholesky factor.
    public static func logDeterminant(cholesky l: [Double], size: Int) -> Double {
        (0..<size).reduce(0.0) { $0 + 2 * Foundation.log(l[$1 * size + $1]) }
    }

    /// A factor L (k × k, row-major, lower) with A = L Lᵀ of a small positive semi-definite A:
    /// Cholesky that leaves a column zero where the pivot is below `relativeTolerance` of the
    /// largest diagonal entry (A singular, as a categorical Fisher always is).
    static func semidefiniteFactor(_ a: [Double], size k: Int, relativeTolerance: Double = 1e-12) -> [Double] {
        var l = [Double](repeating: 0, count: k * k)
        let scale = (0..<k).map { a[$0 * k + $0] }.max() ?? 0
        guard scale > 0, scale.isFinite else { return l }
        for j in 0..<k {
            var d = a[j * k + j]
            for m in 0..<j { d -= l[j * k + m] * l[j * k + m] }
            guard d > relativeTolerance * scale else { continue }
            let root = d.squareRoot()
            l[j * k + j] = root
            for i in (j + 1)..<k {
                var s = a[i * k + j]
                for m in 0..<j { s -= l[i * k + m] * l[j * k + m] }
                l[i * k + j] = s / root
            }
        }
        return l
    }
}

/// A Laplace posterior that cannot be fitted or used: a network it does not support, a size
/// above the limit, a factorisation that failed, a model without a posterior. The message
/// names what and what to do instead.
public struct LaplaceError: Error, CustomStringConvertible, Equatable {
    /// The whole message.
    public var description: String
    /// A failure with its message.
    public init(_ description: String) { self.description = description }
}
