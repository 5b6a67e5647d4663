import Foundation

/// Data-parallel training over a communicator's N processes.
///
/// - every process applies the same seeded permutation and computes its shard of each global
///   batch's micro-batches (the batch size and the schedule do not depend on N);
/// - a step's gradients (and loss) are added with one allreduce in Double; each micro-batch's
///   loss is its sum divided by the global batch size, so the sum is the one-process gradient,
///   computed the same way;
/// - dropout and augmentation draw from the streams of each example (seed, epoch, example
///   index), so which process computes an example does not change its draws;
/// - BatchNorm running statistics are averaged across processes at the end of each epoch.
public struct DataParallelTraining: TrainingTopology {
    /// The processes that share every step.
    public let communicator: any Communicator
    public var sumsEveryStep: Bool { true }

    public init(over communicator: any Communicator) { self.communicator = communicator }

    public func microBatches(of all: Range<Int>) -> Range<Int> { communicator.shard(of: all) }

    public func sumGradients(_ buffer: inout [Double]) throws { communicator.allreduceSum(&buffer) }

    public func endEpoch(of network: ProbabilisticModel) throws {
        let state = network.network.state.map(\.tensor)
        guard !state.isEmpty else { return }
        for (t, mean) in zip(state, communicator.allreduceMean(state)) { t.scalars = mean.scalars }
    }
}

/// Member-parallel training of an ensemble of M ≥ N members over N processes: rank r trains
/// members r, r + N, r + 2N, … whole, each exactly as one process would (no data sharding, no
/// collective inside a member's fit), and at the end every rank receives every member's
/// weights and the whole history, so the saved model is the same bytes for any N.
public struct MemberParallelTraining: TrainingTopology {
    /// The processes that share the members.
    public let communicator: any Communicator
    public var sumsEveryStep: Bool { false }

    public init(over communicator: any Communicator) { self.communicator = communicator }

    public func trainedMembers(of count: Int) -> [Int] {
        Array(stride(from: communicator.rank, to: count, by: communicator.size))
    }

    public func gatherMembers(of model: ProbabilisticModel, histories: [History]) throws -> [History] {
        model.shareMembers(over: communicator, histories: histories)
    }
}

extension TrainingOptions {
    /// Configures training over `communicator`'s processes by choosing the topology: an
    /// ensemble of `members` M ≥ N = `communicator.size` is trained member-parallel
    /// (``MemberParallelTraining``); anything else data-parallel (``DataParallelTraining``),
    /// an ensemble of M < N members one member at a time. With one process nothing changes.
    public mutating func distribute(over communicator: any Communicator, members: Int = 1) {
        guard communicator.isDistributed else { return }
        topology = members >= communicator.size ? MemberParallelTraining(over: communicator)
            : DataParallelTraining(over: communicator)
    }
}
