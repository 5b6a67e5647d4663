extension TrainingOptions {
    /// Configures data-parallel training over `communicator`'s processes, through the
    /// training step's seams only:
    ///
    /// - every process applies the same seeded permutation and computes its `shard` of each
    ///   global batch's micro-batches (the batch size and the schedule do not depend on the
    ///   process count);
    /// - `gradientSum` adds all gradients of a step (and the loss) with one allreduce in
    ///   Double; each micro-batch's loss is its sum divided by the global batch size, so the
    ///   sum is the one-process gradient, computed the same way;
    /// - dropout and augmentation draw from the streams of each example (seed, epoch,
    ///   example index), so which process computes an example does not change its draws;
    /// - BatchNorm running statistics are averaged across processes at the end of each epoch.
    ///
    /// With one process nothing changes.
    public mutating func distribute(over communicator: any Communicator) {
        guard communicator.isDistributed else { return }
        shard = { communicator.shard(of: $0) }
        gradientSum = { buffer in communicator.allreduceSum(&buffer) }
        let userEpochEnd = epochEndHook
        epochEndHook = { model in
            let state = model.network.state.map(\.tensor)
            if !state.isEmpty {
                for (t, mean) in zip(state, communicator.allreduceMean(state)) { t.scalars = mean.scalars }
            }
            try userEpochEnd?(model)
        }
    }
}

extension ProbabilisticModel {
    /// Gives every process rank 0's weights and state (one broadcast).
    public func broadcastWeights(over communicator: any Communicator) {
        guard communicator.isDistributed else { return }
        communicator.broadcastValues(of: (network.parameters + network.state).map(\.tensor), from: 0)
    }
}
