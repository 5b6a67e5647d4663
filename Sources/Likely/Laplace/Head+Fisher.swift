import Foundation

extension Head {
    /// Draws per example of the Monte-Carlo Fisher (families without a closed form).
    public static let fisherDraws = 100

    /// Whether `fisher(_:seed:firstIndex:)` has a closed form for this head (else it is a
    /// seeded Monte-Carlo estimate).
    public var hasClosedFormFisher: Bool { closedFormFisher(rawRow: [Double](repeating: 0, count: rawOutputCount)) != nil }

    /// Λᵢ, the Fisher information of the head's likelihood in its raw outputs rᵢ, for each
    /// row of `raw` `[n, K]`: `[n · K · K]` row-major K × K blocks (training units: a change of
    /// the target's units shifts ln p by a constant and leaves Λ alone).
    ///
    ///     Λ = E_{y ~ p(·|r)} [∇ᵣ ln p(y|r) ∇ᵣ ln p(y|r)ᵀ]
    ///
    /// Closed forms (`closedFormFisher(rawRow:)`): Normal diag(1/σ², 2) with an exp scale
    /// (r₂ = ln σ), diag(1/σ², 2 s(r₂)²/σ²) with softplus (s the logistic sigmoid);
    /// Bernoulli p(1 − p)/T²; Categorical (diag p − p pᵀ)/T² (T the temperature); Poisson λ
    /// for its log-rate. Every other family: the mean of `fisherDraws` outer products of the
    /// score at y drawn from the row's distribution, the score read from the tape, the draws
    /// from the stream (seed, `.laplaceFisher`, 0, firstIndex); a draw whose score is not
    /// finite (a sample at the edge of the support in float32) is left out of its row's mean.
    /// - Parameters:
    ///   - raw: the raw outputs, `[n, rawOutputCount]`.
    ///   - seed: the seed of the Monte-Carlo draws.
    ///   - firstIndex: the global index of the first row, keying its draws.
    public func fisher(_ raw: Tensor, seed: UInt64 = 0, firstIndex: Int = 0) -> [Double] {
        let n = raw.shape[0], k = rawOutputCount
        precondition(raw.shape == [n, k], "\(family.name) head needs raw outputs [n, \(k)], got \(raw.shape)")
        let values = raw.scalars.map(Double.init)
        if hasClosedFormFisher {
            return (0..<n).flatMap { i in closedFormFisher(rawRow: Array(values[(i * k)..<((i + 1) * k)])) ?? [] }
        }
        return monteCarloFisher(raw, draws: Self.fisherDraws, seed: seed, firstIndex: firstIndex)
    }

    /// The K × K Fisher of one row where the family has a closed form, else nil.
    func closedFormFisher(rawRow r: [Double]) -> [Double]? {
        let t2 = Double(temperature) * Double(temperature)
        switch family {
        case .normal:
            let (sigma, dSigma) = scaleLink == .exp ? (Foundation.exp(r[1]), 1.0) : (softplus(r[1]) + 1e-6, logistic(r[1]))
            let scaleInformation = scaleLink == .exp ? 2 : 2 * dSigma * dSigma / (sigma * sigma)
            return [1 / (sigma * sigma), 0, 0, scaleInformation]
        case .bernoulli:
            let p = logistic(r[0] / Double(temperature))
            return [p * (1 - p) / t2]
        case .categorical:
            let z = r.map { $0 / Double(temperature) }, top = z.max() ?? 0
            let e = z.map { Foundation.exp($0 - top) }, total = e.reduce(0, +)
            let p = e.map { $0 / total }, k = r.count
            return (0..<(k * k)).map { ij in ((ij / k == ij % k) ? p[ij / k] : 0) - p[ij / k] * p[ij % k] }.map { $0 / t2 }
        case .poisson:
            return [Foundation.exp(r[0])]
        default:
            return nil
        }
    }

    /// The seeded Monte-Carlo Fisher of every row, `[n · K · K]`, whatever the family (see
    /// `fisher(_:seed:firstIndex:)`): the mean of `draws` outer products of the score, drawn
    /// from the stream (seed, `purpose`, 0, firstIndex).
    public func monteCarloFisher(_ raw: Tensor, draws: Int, seed: UInt64, firstIndex: Int,
                                 purpose: StreamKey.Purpose = .laplaceFisher) -> [Double] {
        let n = raw.shape[0], k = rawOutputCount
        var random = RandomSource(key: StreamKey(seed: seed, purpose: purpose, example: UInt64(firstIndex)))
        let samples = withoutGradients { distribution(raw).sample(count: draws, using: &random) }
        var fisher = [Double](repeating: 0, count: n * k * k), used = [Double](repeating: 0, count: n)
        for s in 0..<draws {
            let leaf = Tensor(shape: raw.shape, scalars: raw.scalars, requiresGradient: true)
            let y = samples.slice(alongAxis: 0, s..<(s + 1)).reshaped(to: [n])
            let score = GradientRecording.$isEnabled.withValue(true) { distribution(leaf).logProb(y).sum().gradients()[leaf] }
            guard let g = score?.scalars else { continue }
            for i in 0..<n {
                let row = g[(i * k)..<((i + 1) * k)].map(Double.init)
                guard row.allSatisfy(\.isFinite) else { continue }
                used[i] += 1
                for a in 0..<k { for b in 0..<k { fisher[(i * k + a) * k + b] += row[a] * row[b] } }
            }
        }
        for i in 0..<n where used[i] > 0 { for j in 0..<(k * k) { fisher[i * k * k + j] /= used[i] } }
        return fisher
    }

    private func logistic(_ x: Double) -> Double { x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x)) }

    /// ln(1 + eˣ) without overflow.
    private func softplus(_ x: Double) -> Double { max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x))) }
}
