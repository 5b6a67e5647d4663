extension ProbabilisticModel {
    /// The predictive of `features` computed by all processes together: each runs the network
    /// on its contiguous shard of the inputs (MC-dropout draws keyed by each input's global
    /// index), and rank 0 gathers the raw outputs and returns the whole predictive — the same,
    /// bit for bit, as one process computes. Other ranks return `nil`.
    /// - Parameters:
    ///   - features: every input, on every rank.
    ///   - mcSamples: T MC-dropout passes (0: deterministic).
    ///   - seed: the seed of the dropout streams.
    ///   - communicator: the processes sharing the work.
    public func predictive(_ features: Tensor, mcSamples: Int, seed: UInt64,
                           over communicator: any Communicator) -> Predictive? {
        predictive(features, method: UncertaintyMethods.defaultMethod(for: self, mcSamples: mcSamples), seed: seed, over: communicator)
    }

    /// The predictive of `features` by `method`, computed by all processes together (see
    /// `predictive(_:mcSamples:seed:over:)`); other ranks than 0 return `nil`.
    public func predictive(_ features: Tensor, method: any UncertaintyMethod, seed: UInt64,
                           over communicator: any Communicator) -> Predictive? {
        guard communicator.isDistributed else { return predictive(features, method: method, seed: seed) }
        let n = features.shape[0], width = head.rawOutputCount, passes = memberCount * method.draws
        let mine = communicator.shard(of: 0..<n)
        let local = method.rawOutputDraws(of: self, features: features.slice(alongAxis: 0, mine), seed: seed,
                                          firstIndex: mine.lowerBound, chunkSize: 1000)
        // One gather: rank r sends its passes (of every member) back to back, passes × [n_r · width].
        let gathered = communicator.gather(local.flatMap { $0 }, to: 0)
        guard communicator.isRoot else { return nil }
        var raw = [[Float]](repeating: [], count: passes)
        for (rank, buffer) in gathered.enumerated() {
            let rows = (0..<n).shard(rank: rank, of: communicator.size).count
            precondition(buffer.count == passes * rows * width, "rank \(rank) sent \(buffer.count) values, expected \(passes * rows * width)")
            for t in 0..<passes { raw[t] += buffer[(t * rows * width)..<((t + 1) * rows * width)] }
        }
        var result = predictive(fromRawOutputs: raw, count: n)
        (result.method, result.draws) = (method.name, method.draws)
        return result
    }
}
