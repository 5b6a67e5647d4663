import LikelyTensor
import Foundation

extension Metrics {
    /// Mean Poisson deviance: (1/N) Σᵢ 2 [yᵢ log(yᵢ / μᵢ) − (yᵢ − μᵢ)], with 0 · log 0 = 0.
    ///
    /// Twice the NLL gap between the model and a saturated model that predicts every count
    /// exactly; 0 is perfect, and a model that predicts the overall mean gives the null
    /// deviance to compare with (scikit-learn's `mean_poisson_deviance`).
    /// - Parameters:
    ///   - rates: predicted means μᵢ > 0.
    ///   - counts: observed counts yᵢ ≥ 0.
    public static func poissonDeviance(rates: [Double], counts: [Double]) -> Double {
        requireSameCount(rates.count, counts.count, "rates and counts")
        guard !counts.isEmpty else { return 0 }
        var sum = 0.0
        for i in counts.indices {
            let mu = rates[i], y = counts[i]
            precondition(mu > 0, "Poisson deviance needs rates > 0, got \(mu) at index \(i)")
            precondition(y >= 0, "Poisson deviance needs counts ≥ 0, got \(y) at index \(i)")
            let term = y > 0 ? y * log(y / mu) : 0
            sum += 2 * (term - (y - mu))
        }
        return sum / Double(counts.count)
    }
}
