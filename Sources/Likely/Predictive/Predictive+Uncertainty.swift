import Foundation

extension Predictive {
    /// The per-input uncertainty scores of out-of-distribution detection
    /// (`UncertaintyScore.scores(classification:)`), each higher for "less certain", in the
    /// order `evaluate --ood` reports them:
    /// - classification: entropy H[p̄], mutual information H[p̄] − Eₜ H[pₜ] (the members'
    ///   disagreement), 1 − maxₖ p̄ₖ;
    /// - regression and counts: √(total variance), √(variance of the members' means).
    public var uncertaintyScores: [(score: UncertaintyScore, values: [Double])] {
        let classification = head.family.support.isClassification
        let u = classification ? self.classification : nil
        let sd = classification ? nil : standardDeviations
        return UncertaintyScore.scores(classification: classification).map { score in
            switch score {
            case .entropy: (score, u?.predictiveEntropy ?? [])
            case .mutualInformation: (score, u?.mutualInformation ?? [])
            case .maxProbability: (score, u.map { maximumProbabilities($0.meanProbabilities).map { 1 - $0 } } ?? [])
            case .sd: (score, sd?.total ?? [])
            case .epistemicSD: (score, sd?.epistemic ?? [])
            }
        }
    }

    /// The risk–coverage curve of abstaining on the most uncertain inputs. Classification:
    /// 0–1 error of the arg-max class, ranked by 1 − max p̄; regression and counts: squared
    /// error of the predictive mean, ranked by the predictive standard deviation.
    /// - Parameter targets: `[N]` class indices or observations in original units.
    public func riskCoverage(targets: Tensor) -> RiskCoverageCurve {
        precondition(targets.count == count, "riskCoverage needs \(count) targets, got \(targets.count)")
        let y = targets.scalars
        if head.family.support.isClassification {
            let p = classification.meanProbabilities
            let k = p.shape[1]
            var losses = [Double](repeating: 0, count: count), uncertainty = losses
            p.scalars.withUnsafeBufferPointer { q in
                for i in 0..<count {
                    var best = 0
                    for c in 1..<k where q[i * k + c] > q[i * k + best] { best = c }
                    losses[i] = best == Int(y[i]) ? 0 : 1
                    uncertainty[i] = 1 - Double(q[i * k + best])
                }
            }
            return RiskCoverageCurve(losses: losses, uncertainties: uncertainty)
        }
        let losses = zip(mean, y).map { (m: Double, t: Float) -> Double in
            let e = m - Double(t)
            return e * e
        }
        return RiskCoverageCurve(losses: losses, uncertainties: standardDeviations.total)
    }

    /// maxₖ p̄ₖ of each row of `[N, K]` probabilities.
    private func maximumProbabilities(_ p: Tensor) -> [Double] {
        let k = p.shape[1]
        return (0..<count).map { i in Double(p.scalars[(i * k)..<((i + 1) * k)].max() ?? 0) }
    }
}
