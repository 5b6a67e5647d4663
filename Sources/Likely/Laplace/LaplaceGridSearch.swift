import Foundation

/// `--prior-precision gridsearch` (laplace-torch's `optimize_prior_precision(method='gridsearch',
/// val_loader=...)`): the δ of `grid` whose linearised predictive (`LaplaceMethod` with T = 0,
/// as `evaluate` uses it) has the lowest mean NLL on held-out validation rows.
///
/// One eigendecomposition serves every δ: with GGN = Qᵀ diag(λ) Q, validation row i's
/// output covariance at δ is Aᵢ diag(1 / (λ + δ)) Aᵢᵀ with Aᵢ = Jᵢ Qᵀ `[K, P]`, so each δ
/// costs K² P per row. Row i's draws at every δ come from the same normals (the stream the
/// predictive itself uses for input i), so the δ are compared on common random numbers and
/// the NLL at δ is the one `evaluate` gives the validation rows under a posterior with that δ.
public struct LaplaceGridSearch {
    /// 25 values of δ, log-spaced over 10⁻² … 10⁴ (four per decade).
    public static let grid: [Double] = (0...24).map { Foundation.pow(10, -2 + Double($0) / 4) }

    /// The mean validation NLL at each δ of `grid`, and the δ with the lowest (the first on ties).
    var nll: [Double]
    var best: Double {
        let finite = nll.indices.filter { nll[$0].isFinite }
        return finite.min { nll[$0] < nll[$1] }.map { Self.grid[$0] } ?? 1
    }
}

extension ProbabilisticModel {
    /// `LaplaceGridSearch` of member `walker`'s posterior with curvature `ggn` on `validation`
    /// (features in the data's units, targets in original units), its draws keyed by `memberSeed`.
    /// - Throws: `LaplaceError` when LAPACK fails or no δ gives a finite NLL (a target outside
    ///   the head's support).
    func gridSearch(_ ggn: SymmetricMatrix, walker: NetworkJacobian, validation: Dataset, memberSeed: UInt64,
                    chunkSize: Int) throws -> LaplaceGridSearch {
        let (values, vectors) = try SymmetricMatrix.withBLASThreads { try ggn.eigendecomposition() }
        let k = head.rawOutputCount, p = walker.parameterCount, grid = LaplaceGridSearch.grid
        let method = LaplaceMethod(draws: 0, head: head), t = method.draws
        var total = [Double](repeating: 0, count: grid.count)
        for start in stride(from: 0, to: validation.count, by: chunkSize) {
            let end = min(validation.count, start + chunkSize), m = end - start
            let (outputs, jacobian) = withoutGradients { walker.evaluate(prepare(validation.features.slice(alongAxis: 0, start..<end))) }
            let a = LaplacePosterior.product(jacobian, vectors, rows: m * k, inner: p, columns: p, transposed: true)
            let targets = validation.targets.slice(alongAxis: 0, start..<end)
            let width = targets.count / max(m, 1)
            let repeated = Tensor(shape: [m * t] + Array(targets.shape.dropFirst()),
                                  scalars: (0..<m).flatMap { i in (0..<t).flatMap { _ in targets.scalars[(i * width)..<((i + 1) * width)] } })
            for (g, delta) in grid.enumerated() {
                let weights = values.map { 1 / (max($0, 0) + delta) }
                var raw = [Float](repeating: 0, count: m * t * k)
                for i in 0..<m {
                    var covariance = [Double](repeating: 0, count: k * k)
                    for x in 0..<k {
                        for y in 0...x {
                            var s = 0.0
                            for c in 0..<p { s += a[(i * k + x) * p + c] * a[(i * k + y) * p + c] * weights[c] }
                            (covariance[x * k + y], covariance[y * k + x]) = (s, s)
                        }
                    }
                    let draws = method.rawDraws(mean: (0..<k).map { Double(outputs[i * k + $0]) }, covariance: covariance,
                                                memberSeed: memberSeed, example: start + i)
                    for (d, r) in draws.enumerated() { for x in 0..<k { raw[(i * t + d) * k + x] = Float(r[x]) } }
                }
                let logProbabilities = withoutGradients {
                    head.distribution(Tensor(shape: [m * t, k], scalars: raw), scaling: targetScaling).logProb(repeated).scalars
                }
                for i in 0..<m {
                    // ln of the mixture's density: ln (1/T) Σₜ exp ℓₜ, shifted by the largest ℓₜ.
                    let row = logProbabilities[(i * t)..<((i + 1) * t)].map(Double.init), top = row.max() ?? -.infinity
                    total[g] -= top.isFinite ? top + Foundation.log(row.reduce(0.0) { $0 + Foundation.exp($1 - top) } / Double(t)) : top
                }
            }
        }
        let search = LaplaceGridSearch(nll: total.map { $0 / Double(validation.count) })
        guard search.nll.contains(where: \.isFinite) else {
            throw LaplaceError("--prior-precision gridsearch: the validation NLL is not finite at any δ; every validation target must be in the \(head.family.name) head's support")
        }
        return search
    }
}
