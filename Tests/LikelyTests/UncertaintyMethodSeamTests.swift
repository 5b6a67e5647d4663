import Foundation
import Likely
import Testing

/// A method defined here alone — every raw output of the network shifted by a constant, in
/// `shift` draws — goes through the seam: registered by name, it makes the predictive, and
/// evaluation, conformal calibration, OOD scores and the report's JSON take it as any other.
struct ShiftedNetworkMethod: UncertaintyMethod {
    var shift: Float
    var name: String { "shifted" }
    var draws: Int { 2 }

    func rawOutputDraws(of model: ProbabilisticModel, features: Tensor, seed: UInt64, firstIndex: Int,
                        chunkSize: Int) -> [[Float]] {
        let base = NetworkMethod().rawOutputDraws(of: model, features: features, seed: seed, firstIndex: firstIndex, chunkSize: chunkSize)
        return base.flatMap { raw in [raw.map { $0 - shift }, raw.map { $0 + shift }] }
    }
}

@Suite struct UncertaintyMethodSeamTests {
    @Test func aToyMethodIsAcceptedEverywhere() throws {
        UncertaintyMethods.register("shifted") { _, _ in ShiftedNetworkMethod(shift: 0.5) }
        #expect(UncertaintyMethods.names.contains("shifted"))
        var random = RandomSource(seed: 3)
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [2], head: Head(.normal), hidden: [4], dropout: 0, using: &random)
        let x = Tensor.randomNormal([12, 2], using: &random), y = Tensor.randomNormal([12], using: &random)
        let method = try UncertaintyMethods.named("shifted", for: model, mcSamples: 0)
        let predictive = model.predictive(x, method: method, seed: 1)
        #expect(predictive.method == "shifted" && predictive.passes == 2)
        // The two members' means sit ±0.5 around the network's: epistemic sd 0.5.
        let network = model.predictive(x, method: NetworkMethod())
        for (a, b) in zip(predictive.mean, network.mean) { #expect(abs(a - b) < 1e-5) }
        for e in predictive.standardDeviations.epistemic { #expect(abs(e - 0.5) < 1e-5) }
        let report = model.evaluate(predictive, targets: y, mcSamples: 0)
        #expect(report.predictive == "shifted" && report.draws == 2)
        #expect(report.json.contains("\"predictive\":\"shifted\""))
        let calibration = model.conformalize(predictive, targets: y, mcSamples: 0, seed: 1)
        #expect(calibration.predictive == "shifted")
        let ood = OutOfDistributionReport(inDistribution: predictive, outOfDistribution: model.predictive(x * 10, method: method))
        #expect(ood.scores["epistemic_sd"] != nil)
    }
}
