import Foundation

/// A trial's outcome in a `Tuner` search (`likely tune`): its validation NLL (the folds' mean
/// at the scored epoch; +∞ when it failed), the mean epochs run, the scored epoch, and each
/// fold's validation NLL at that epoch; or `none` before it ran.
public struct TrialScore: Equatable, Sendable {
    /// The folds' mean validation NLL at `bestEpoch` (+∞: the trial failed).
    public var nll: Double
    /// The mean epochs the folds ran.
    public var epochsRun: Double
    /// The scored epoch (1-based), the arg-min of the folds' mean validation curve.
    public var bestEpoch: Double
    /// v_k, fold k's validation NLL at `bestEpoch` (empty when the trial failed).
    public var folds: [Double]
    /// Whether the trial ran.
    public var done = true

    /// A trial that has not run.
    public static let none = TrialScore(nll: 0, epochsRun: 0, bestEpoch: 0, folds: [], done: false)

    /// A finished (or, with `done` false, pending) trial's score.
    public init(nll: Double, epochsRun: Double, bestEpoch: Double, folds: [Double], done: Bool = true) {
        (self.nll, self.epochsRun, self.bestEpoch, self.folds, self.done) = (nll, epochsRun, bestEpoch, folds, done)
    }

    /// The numbers of one trial in the sum over ranks: 4 + K.
    public static func width(folds: Int) -> Int { 4 + folds }

    /// nll, epochs run, scored epoch, done, then the K fold values (zeros when there are
    /// none). Each trial's are nonzero on one rank only, so their sum over the ranks is the
    /// trial's; +∞ survives the sum.
    public func values(folds k: Int) -> [Double] {
        [nll, epochsRun, bestEpoch, done ? 1 : 0] + (folds.count == k ? folds : [Double](repeating: 0, count: k))
    }

    /// The inverse of `values(folds:)`.
    public init(_ values: [Double]) {
        let finite = values[0].isFinite && values[3] > 0
        self.init(nll: values[0], epochsRun: values[1], bestEpoch: values[2],
                  folds: finite ? Array(values[4...]) : [], done: values[3] > 0)
    }

    /// How many standard errors the lowest trial must beat trial 0 by: about the largest of
    /// 20 standard-normal draws, the noise a 20-trial search selects for.
    public static let standardErrors = 2.0

    /// The trial a search refits, trial 0 being fit's own configuration. The lowest
    /// validation NLL wins, but it replaces trial 0 only when it is lower by more than
    /// `standardErrors` standard errors of the paired fold differences
    /// d_k = v_k − v₀_k: mean(d) < −2·sd(d)/√K (K > 1; with one validation part any lower NLL
    /// wins). The best of many noisy scores is optimistic; within that noise the search keeps
    /// fit's configuration, refitted as fit trains it.
    /// - Returns: `nil` when every trial failed; else the chosen trial, and when trial 0 was
    ///   kept over a lower one, that one (`within`) and the standard error.
    public static func choose(_ scores: [TrialScore]) -> (trial: Int, within: Int?, standardError: Double)? {
        let finished = scores.indices.filter { scores[$0].done && scores[$0].nll.isFinite }
        guard let lowest = finished.min(by: { scores[$0].nll < scores[$1].nll }) else { return nil }
        guard lowest != 0, finished.contains(0) else { return (lowest, nil, 0) }
        let d = zip(scores[lowest].folds, scores[0].folds).map { $0 - $1 }
        guard d.count > 1 else { return (lowest, nil, 0) }
        let k = Double(d.count), mean = d.reduce(0, +) / k
        let sd = (d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (k - 1)).squareRoot()
        let standardError = sd / k.squareRoot()
        return mean < -Self.standardErrors * standardError ? (lowest, nil, standardError) : (0, lowest, standardError)
    }
}
