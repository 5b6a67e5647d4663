import LikelyTensor

/// Standardization of compact tables (`TableEncoding.isCompact`): the statistics of the wide
/// one-hot rows, computed from category counts without those rows.
extension Standardizer {
    /// Fits μ and σ per input of the wide rows that compact `data` `[n, columns]` stands for:
    /// a numeric column as `init(fitting:)` does (two passes in Double); one-hot input i, 1 in
    /// c_i of the n rows, μ_i = c_i / n and σ_i² = (c_i (1 − μ_i)² + (n − c_i) μ_i²) / n, the
    /// same sums as over the wide rows. σ is 1 where it would be (nearly) 0, and for the
    /// one-hot inputs and numeric 0/1 columns (indicators), as there.
    /// - Parameters:
    ///   - data: compact rows, n ≥ 1.
    ///   - encoding: the encoding they were read with (`isCompact`).
    public init(fittingCompact data: Tensor, encoding: TableEncoding) {
        let columns = encoding.columns.count, width = encoding.width
        precondition(data.rank == 2 && data.shape[1] == columns && data.shape[0] >= 1,
                     "fitting compact rows of \(columns) columns needs [n ≥ 1, \(columns)], got shape \(data.shape)")
        let n = data.shape[0], offsets = encoding.inputOffsets, x = data.scalars
        var sum = [Double](repeating: 0, count: width), squares = [Double](repeating: 0, count: width)
        var indicator = [Bool](repeating: true, count: width)
        for (j, column) in encoding.columns.enumerated() {
            if column.categories == nil {
                let p = offsets[j]
                indicator[p] = (0..<n).allSatisfy { r in x[r * columns + j] == 0 || x[r * columns + j] == 1 }
                for r in 0..<n { sum[p] += Double(x[r * columns + j]) }
                sum[p] /= Double(n)
                for r in 0..<n { let e = Double(x[r * columns + j]) - sum[p]; squares[p] += e * e }
            } else {
                for r in 0..<n where x[r * columns + j] >= 0 { sum[offsets[j] + Int(x[r * columns + j])] += 1 }
                for i in offsets[j]..<(offsets[j] + column.width) {
                    let count = sum[i], mean = count / Double(n)
                    sum[i] = mean
                    squares[i] = count * (1 - mean) * (1 - mean) + (Double(n) - count) * mean * mean
                }
            }
        }
        self.init(mean: sum, squares: squares, count: n, featureShape: [width], indicator: indicator)
    }

    /// μ, and σ = √(squares / n), or 1 for an indicator feature and where σ is (nearly) 0:
    /// the last step of both fits (with the training range to clip to, which compact rows do
    /// not keep).
    init(mean: [Double], squares: [Double], count n: Int, featureShape: [Int], indicator: [Bool],
         range: (minimum: [Float], maximum: [Float])? = nil) {
        let sd = mean.indices.map { j -> Float in
            let s = (squares[j] / Double(n)).squareRoot()
            return indicator[j] || s <= 1e-6 * max(1, abs(mean[j])) || !s.isFinite ? 1 : Float(s)
        }
        self.init(mean: mean.map { Float($0) }, standardDeviation: sd, featureShape: featureShape, range: range)
    }

    /// Compact rows `[n, columns]` as the network's first layer takes them: numeric columns
    /// standardized, (x − μ) / σ in Float as `apply` computes it, category indices as they are
    /// (their standardization is `oneHotInput(encoding:)`'s on and off values).
    public func applyCompact(_ x: Tensor, encoding: TableEncoding) -> Tensor {
        let columns = encoding.columns.count
        precondition(x.rank == 2 && x.shape[1] == columns && featureShape == [encoding.width],
                     "compact rows of shape \(x.shape) for \(columns) columns, a standardizer of \(featureShape)")
        var values = x.scalars
        for (j, p) in encoding.inputOffsets.enumerated() where encoding.columns[j].categories == nil {
            for r in 0..<x.shape[0] { values[r * columns + j] = (values[r * columns + j] - mean[p]) / standardDeviation[p] }
        }
        return Tensor(shape: x.shape, scalars: values)
    }
}
