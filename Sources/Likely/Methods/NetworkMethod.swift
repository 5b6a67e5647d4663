import Foundation

/// The deterministic network (dropout off): one draw per member, its raw outputs.
public struct NetworkMethod: UncertaintyMethod {
    public var name: String { "network" }
    public var draws: Int { 1 }

    public init() {}

    public func rawOutputDraws(of model: ProbabilisticModel, features: Tensor, seed: UInt64, firstIndex: Int,
                               chunkSize: Int) -> [[Float]] {
        model.predictiveRawOutputs(features, mcSamples: 0, seed: seed, firstIndex: firstIndex, chunkSize: chunkSize)
    }
}

/// MC dropout: T stochastic passes of each member (`predictiveRawOutputs`), the masks of
/// input i keyed (seed, `.monteCarloDropout`, 0, i).
public struct DropoutMethod: UncertaintyMethod {
    /// T ≥ 1, the passes.
    public let passes: Int
    public var name: String { "dropout" }
    public var draws: Int { passes }

    public init(passes: Int) {
        precondition(passes >= 1, "MC dropout needs at least one pass, got \(passes)")
        self.passes = passes
    }

    public func rawOutputDraws(of model: ProbabilisticModel, features: Tensor, seed: UInt64, firstIndex: Int,
                               chunkSize: Int) -> [[Float]] {
        model.predictiveRawOutputs(features, mcSamples: passes, seed: seed, firstIndex: firstIndex, chunkSize: chunkSize)
    }
}
