extension ProbabilisticModel {
    /// One optimizer step on a global batch; returns the batch's mean loss.
    ///
    /// The batch is cut into micro-batches of `options.microBatchSize` rows, a partition that
    /// does not depend on the number of processes. Each micro-batch's gradient is computed on
    /// its own (its loss is its NLL sum divided by the global batch size) and added into one
    /// Double buffer, with the loss in its last slot; the topology adds the buffers of all
    /// processes (data-parallel training), and the optimizer gets the result rounded to Float
    /// once. Row r draws its dropout masks and augmentation from the streams of its example
    /// (see `fit`), so the sum is the same whichever process computed which micro-batch (bit
    /// for bit), and the same up to Float rounding of the per-micro-batch sums whatever the
    /// micro-batch size.
    func step(_ global: Batch, epoch: Int, batch: Int, options: TrainingOptions, optimizer: any Optimizer) throws -> Double {
        let count = global.indices.count, size = options.microBatchSize
        let micro = stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
        var sums = GradientBuffer(parameters.filter(\.isTrainable))
        for j in options.topology.microBatches(of: 0..<micro.count) {
            try accumulate(global, rows: micro[j], of: count, into: &sums, epoch: epoch, batch: batch, options: options)
        }
        try options.topology.sumGradients(&sums.values)
        var gradients = sums.gradients()
        try options.gradientHook?(&gradients, parameters)
        optimizer.update(parameters, with: gradients)
        return sums.loss
    }

    /// Adds the gradient of one micro-batch's loss, Σ NLL / `globalCount`, to `sums`.
    private func accumulate(_ global: Batch, rows: Range<Int>, of globalCount: Int, into sums: inout GradientBuffer,
                            epoch: Int, batch: Int, options: TrainingOptions) throws {
        let examples = global.indices[rows]
        var x = global.features.slice(alongAxis: 0, rows)
        let y = global.targets.slice(alongAxis: 0, rows)
        if let augmentation = options.augmentation {
            var streams = ExampleStreams(key: StreamKey(seed: options.seed, purpose: .augmentation, epoch: UInt64(epoch)),
                                         examples: examples)
            x = augmentation.apply(to: x, using: &streams)
        }
        // A network without dropout draws nothing: no streams to make.
        var streams = network.isStochastic
            ? ExampleStreams(key: StreamKey(seed: options.seed, purpose: .dropout, epoch: UInt64(epoch)), examples: examples)
            : ExampleStreams()
        // Raw outputs or parameters out of their domain end the fit as a non-finite loss does,
        // before a family's constructor would stop the process on them.
        let raw = rawOutputs(x, phase: .training, using: &streams)
        if let invalid = head.invalidOutput(raw, epoch: epoch, batch: batch) { throw invalid }
        let loss = head.negativeLogLikelihood(raw, targets: y, reduction: .sum) / Float(globalCount)
        let value = loss.scalar
        guard value.isFinite else { throw TrainingError(epoch: epoch, batch: batch, quantity: "loss", value: value) }
        try sums.add(loss.gradients(), loss: value) { name, bad in
            TrainingError(epoch: epoch, batch: batch, quantity: "gradient of \(name)", value: bad)
        }
    }
}

/// The gradients of a step's trainable parameters laid end to end in Double, in parameter
/// order, with the loss in the last slot: the buffer processes add with one allreduce.
struct GradientBuffer {
    let parameters: [NamedTensor]
    let offsets: [Int]
    var values: [Double]

    init(_ parameters: [NamedTensor]) {
        var offsets: [Int] = [], total = 0
        for p in parameters { offsets.append(total); total += p.tensor.count }
        self.parameters = parameters
        self.offsets = offsets
        values = [Double](repeating: 0, count: total + 1)
    }

    /// The summed loss.
    var loss: Double { values[values.count - 1] }

    /// Adds one loss's gradients and value; throws `failure(name, value)` at the first
    /// non-finite gradient element.
    mutating func add(_ gradients: Gradients, loss: Float, failure: (String, Float) -> Error) throws {
        for (p, offset) in zip(parameters, offsets) {
            guard let g = gradients[p.tensor] else { continue }
            try g.scalars.withUnsafeBufferPointer { pg in
                try values.withUnsafeMutableBufferPointer { sums in
                    for i in 0..<pg.count {
                        guard pg[i].isFinite else { throw failure(p.name, pg[i]) }
                        sums[offset + i] += Double(pg[i])
                    }
                }
            }
        }
        values[values.count - 1] += Double(loss)
    }

    /// The summed gradients rounded to Float once, keyed by parameter.
    func gradients() -> Gradients {
        var gradients = Gradients()
        for (p, offset) in zip(parameters, offsets) {
            gradients.set(Tensor(shape: p.tensor.shape, scalars: values[offset..<(offset + p.tensor.count)].map { Float($0) }),
                          for: p.tensor)
        }
        return gradients
    }
}
