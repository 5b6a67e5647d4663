import LikelyTensor

extension Communicator {
    /// The element-wise sum over all ranks of each tensor, moved in one allreduce:
    /// `result[i] = Σ_r tensors_r[i]`. The data-parallel gradient sum: when each rank's
    /// loss is its slice's share of the global batch's mean (the sum over its slice
    /// divided by the *global* batch size), the summed gradients are exactly the gradients
    /// of the whole batch's mean loss.
    /// - Parameter tensors: the same shapes, in the same order, on every rank.
    /// - Returns: new tensors of the same shapes (the inputs themselves with one process).
    public func allreduceSum(_ tensors: [Tensor]) -> [Tensor] {
        guard isDistributed else { return tensors }
        var packed = PackedTensors(tensors)
        allreduceSum(&packed.buffer)
        return packed.unpacked()
    }

    /// The element-wise mean over all ranks of each tensor, `(1/size) Σ_r tensors_r[i]`,
    /// moved in one allreduce: for BatchNorm running statistics at the end of an epoch.
    /// - Returns: new tensors of the same shapes (the inputs themselves with one process).
    public func allreduceMean(_ tensors: [Tensor]) -> [Tensor] {
        guard isDistributed else { return tensors }
        var packed = PackedTensors(tensors)
        allreduceSum(&packed.buffer)
        let scale = 1 / Float(size)
        packed.buffer.withUnsafeMutableBufferPointer { values in
            for i in values.indices { values[i] *= scale }
        }
        return packed.unpacked()
    }

    /// Overwrites every tensor's values with the root's, in one broadcast: the initial
    /// weights, so every rank starts from rank 0's initialisation.
    /// - Parameters:
    ///   - tensors: the same shapes, in the same order, on every rank; their `scalars` are
    ///     replaced in place on every rank but `root`.
    ///   - root: the rank whose values every rank takes.
    public func broadcastValues(of tensors: [Tensor], from root: Int) {
        guard isDistributed else { return }
        var packed = PackedTensors(tensors)
        broadcast(&packed.buffer, from: root)
        precondition(packed.buffer.count == packed.shapes.reduce(0) { $0 + $1.reduce(1, *) },
                     "broadcastValues: the root sent \(packed.buffer.count) floats for shapes \(packed.shapes)")
        var offset = 0
        for tensor in tensors {
            tensor.scalars = Array(packed.buffer[offset..<(offset + tensor.count)])
            offset += tensor.count
        }
    }
}
