import Foundation
import Likely
import Testing

/// `--prior-precision gridsearch`: δ by the validation NLL of the linearised predictive.
@Suite struct LaplaceGridSearchTests {
    /// The δ gridsearch picks is the grid's argmin of the validation NLL computed the long way:
    /// for every δ of the grid a posterior fitted with that δ fixed (its own Cholesky factor)
    /// and the validation rows scored by the Laplace predictive `evaluate` uses, with the same
    /// seed (so the same draws). The stored δ is that argmin, and a δ off by one grid step
    /// would show (the NLL curve is checked to separate its neighbours).
    @Test func picksTheArgminOfTheValidationNLL() throws {
        let data = LaplaceTests.regressionData(n: 60, inputs: 2, seed: 31), validation = LaplaceTests.regressionData(n: 25, inputs: 2, seed: 32)
        let model = try LaplaceTests.mlp(inputs: 2, head: Head(.normal), hidden: [6, 5])
        var options = TrainingOptions()
        (options.epochs, options.optimizer, options.seed) = (40, Adam(learningRate: 0.01), 1)
        try model.fit(data, options: options)
        let seed: UInt64 = 7
        let nll = try LaplaceGridSearch.grid.map { delta -> Double in
            try model.fitLaplace(on: data, structure: .full, prior: .fixed(delta), seed: seed)
            let predictive = model.predictive(validation.features, method: LaplaceMethod(draws: 0, head: model.head), seed: seed)
            return -predictive.logLikelihood(validation.targets).reduce(0, +) / Double(validation.count)
        }
        let best = try #require(nll.indices.min { nll[$0] < nll[$1] })
        let chosen = try model.fitLaplace(on: data, structure: .full, prior: .gridsearch, validation: validation, seed: seed)
        #expect(chosen.prior == .gridsearch)
        #expect(chosen.members[0].priorPrecision == [LaplaceGridSearch.grid[best]], "NLL by δ: \(nll)")
        #expect(Set(nll.map { ($0 * 1e4).rounded() }).count > 5, "the validation NLL hardly depends on δ: \(nll)")
    }

    /// Without validation rows, or for a KFAC or diagonal posterior, gridsearch is refused
    /// naming what it needs; the name parses and prints back.
    @Test func refusesWithoutValidationRows() throws {
        let data = LaplaceTests.regressionData(n: 20, inputs: 2, seed: 33)
        let model = try LaplaceTests.mlp(inputs: 2, head: Head(.normal), hidden: [4])
        #expect(PriorPrecision("gridsearch") == .gridsearch && PriorPrecision.gridsearch.description == "gridsearch")
        for (structure, validation) in [(LaplaceStructure.full, nil), (.kfac, data), (.diagonal, data)] as [(LaplaceStructure, Dataset?)] {
            do {
                try model.fitLaplace(on: data, structure: structure, prior: .gridsearch, validation: validation)
                Issue.record("gridsearch accepted \(structure) with \(validation == nil ? "no" : "") validation rows")
            } catch let error as LaplaceError {
                #expect(error.description.contains(validation == nil ? "validation" : structure.rawValue), "\(error)")
            }
        }
    }
}
