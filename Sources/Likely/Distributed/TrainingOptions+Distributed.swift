import Foundation

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
    /// An ensemble of `members` M ≥ N = `communicator.size` is trained member-parallel
    /// instead: rank r trains members r, r + N, r + 2N, … whole, each exactly as one process
    /// would (no data sharding, no collective inside a member's fit), and at the end every
    /// rank receives every member's weights and the whole history (`memberExchange`), so
    /// the saved model is the same bytes for any N. With M < N each member is trained in turn
    /// data-parallel, as above.
    ///
    /// With one process nothing changes.
    public mutating func distribute(over communicator: any Communicator, members: Int = 1) {
        guard communicator.isDistributed else { return }
        if members >= communicator.size {
            trainedMembers = { m in Array(stride(from: communicator.rank, to: m, by: communicator.size)) }
            memberExchange = { model, histories in model.shareMembers(over: communicator, histories: histories) }
            return
        }
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
    /// Gives every process rank 0's weights and state, of every member (one broadcast).
    public func broadcastWeights(over communicator: any Communicator) {
        guard communicator.isDistributed else { return }
        communicator.broadcastValues(of: namedTensors.map(\.tensor), from: 0)
    }

    /// After member-parallel training: member j's weights and state from rank j mod N, and
    /// each rank's member histories, to every rank.
    /// - Parameter histories: this rank's members' histories (members rank, rank + N, …).
    /// - Returns: every member's history, in member order.
    func shareMembers(over communicator: any Communicator, histories: [History]) -> [History] {
        let size = communicator.size
        for (j, member) in members.enumerated() {
            communicator.broadcastValues(of: member.namedTensors.map(\.tensor), from: j % size)
        }
        var all = [History](repeating: History(), count: memberCount)
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        for rank in 0..<size {
            let owned = Array(stride(from: rank, to: memberCount, by: size))
            var text = ""
            if rank == communicator.rank {
                // Our own types only: a history that cannot be encoded is a programmer error.
                guard let data = try? encoder.encode(histories) else {
                    preconditionFailure("the training history of members \(owned) cannot be encoded")
                }
                text = String(decoding: data, as: UTF8.self)
            }
            communicator.broadcast(&text, from: rank)
            guard let parts = try? decoder.decode([History].self, from: Data(text.utf8)), parts.count == owned.count else {
                preconditionFailure("rank \(rank) sent a training history that is not \(owned.count) members' (\(text.prefix(80)))")
            }
            for (j, part) in zip(owned, parts) { all[j] = part }
        }
        return all
    }
}
