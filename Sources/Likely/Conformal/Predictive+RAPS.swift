import Foundation

extension Predictive {
    /// The λ values RAPS chooses from, as in Angelopoulos et al. 2021 (`pick_lamda_size`).
    public static let rapsPenaltyGrid = [0.001, 0.01, 0.1, 0.2, 0.5]

    /// The RAPS score for level L with k_reg and λ chosen as Angelopoulos, Bates, Malik &
    /// Jordan 2021 choose them (their `pick_kreg` and `pick_lamda_size`), on the inputs `rows`
    /// (the tuning part of a calibration set) with class-index `targets` `[N]`:
    /// - k_reg = the L-quantile (the higher order statistic, numpy's `interpolation='higher'`)
    ///   of the rank of the true class among the m tuning inputs (rank 1 is the most probable):
    ///   the ⌈(m − 1)L⌉-th of the ascending ranks counted from 0;
    /// - λ = the value of `rapsPenaltyGrid` whose sets, calibrated on the tuning inputs and
    ///   measured on them, are smallest on average (the first of equals).
    /// - Parameter seed: keys the uniforms of the randomised score.
    public func rapsScore(targets: Tensor, level: Double, rows: [Int], seed: UInt64) -> ConformalScore {
        precondition(!rows.isEmpty && rows.allSatisfy { (0..<count).contains($0) }, "RAPS tuning needs rows among the \(count) inputs")
        let labels = targets.scalars.map { Int($0) }
        let ranks = withClassRows { i, _, ranked in Double((ranked.firstIndex(of: labels[i]) ?? 0) + 1) }
        let tuningRanks = rows.map { ranks[$0] }.sorted()
        let freeRanks = Int(tuningRanks[Int((Double(tuningRanks.count - 1) * level).rounded(.up))])
        var best: (penalty: Double, size: Double)?
        for penalty in Self.rapsPenaltyGrid {
            let score = ConformalScore(.raps, level: level, penalty: penalty, freeRanks: freeRanks)
            let scores = conformityScores(targets: targets, score: score, seed: seed)
            let q = ConformalCalibration.threshold(sortedScores: rows.map { scores[$0] }.sorted(), level: level)
            guard case .sets(let sets) = conformalRegion(threshold: q, score: score, seed: seed) else { continue }
            let size = Double(rows.reduce(0) { $0 + sets[$1].count }) / Double(rows.count)
            if best == nil || size < best!.size { best = (penalty, size) }
        }
        return ConformalScore(.raps, level: level, penalty: best?.penalty ?? Self.rapsPenaltyGrid[0], freeRanks: freeRanks)
    }
}
