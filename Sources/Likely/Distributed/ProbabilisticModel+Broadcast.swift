import Foundation

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
