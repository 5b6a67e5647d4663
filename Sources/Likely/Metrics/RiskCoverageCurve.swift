/// Selective prediction: the risk–coverage curve of a predictor that abstains on its most
/// uncertain inputs, and the area under it (AURC, Geifman & El-Yaniv 2017).
///
/// Sort the N inputs by uncertainty uᵢ, most certain first. Keeping the k most certain
/// (coverage k/N), the selective risk is the mean loss of those k,
///
///     r(k) = (1/k) Σ_{j ≤ k} ℓ₍ⱼ₎,        AURC = (1/N) Σ_{k=1..N} r(k).
///
/// Lower is better: an uncertainty that ranks the wrong answers last gives the smallest area
/// the losses allow, a random ranking gives about the full-coverage risk r(N). Inputs of
/// equal uncertainty cannot be told apart, so within a tie group the curve takes the risk
/// expected under a random order of the group: the first m members of a group of size g with
/// loss sum S add m·S/g. The curve therefore never depends on how ties happen to be sorted.
public struct RiskCoverageCurve: Equatable, Sendable {
    /// Coverages k/N for k = 1…N.
    public let coverages: [Double]
    /// Selective risk r(k) at each coverage.
    public let risks: [Double]
    /// AURC, the mean of the risks; `nil` when there are no inputs.
    public let area: Double?

    /// The curve of per-input `losses` (0–1 error, squared error, …) ranked by `uncertainties`
    /// (higher: less certain; NaN ranks as the most uncertain).
    public init(losses: [Double], uncertainties: [Double]) {
        Metrics.requireSameCount(losses.count, uncertainties.count, "losses and uncertainties")
        let n = losses.count
        let key = uncertainties.map { $0.isNaN ? Double.infinity : $0 }
        let order = key.indices.sorted { key[$0] < key[$1] }
        var coverages: [Double] = [], risks: [Double] = []
        coverages.reserveCapacity(n)
        risks.reserveCapacity(n)
        var kept = 0.0, start = 0
        while start < n {
            var end = start
            var groupSum = 0.0
            while end < n && key[order[end]] == key[order[start]] { groupSum += losses[order[end]]; end += 1 }
            let size = Double(end - start)
            for m in 1...(end - start) {
                let k = Double(start + m)
                coverages.append(k / Double(n))
                risks.append((kept + Double(m) * groupSum / size) / k)
            }
            kept += groupSum
            start = end
        }
        self.coverages = coverages
        self.risks = risks
        self.area = n > 0 ? risks.reduce(0, +) / Double(n) : nil
    }
}
