import LikelyTensor

/// Several tensors laid end to end in one flat buffer, so that one collective call moves
/// them all (one allreduce per training step instead of one per parameter).
///
/// Tensor `i` occupies `buffer[offsets[i] ..< offsets[i] + counts[i]]` in row-major order,
/// with `offsets[i] = Σ_{j<i} counts[j]` and `counts[i] = shapes[i].reduce(1, *)`.
public struct PackedTensors: Sendable, Equatable {
    /// The elements of every tensor, one after the other.
    public var buffer: [Float]
    /// The shape of each packed tensor, in packing order.
    public let shapes: [[Int]]

    /// Packs `tensors` (their current values; the tape is not involved).
    public init(_ tensors: [Tensor]) {
        var buffer = [Float]()
        buffer.reserveCapacity(tensors.reduce(0) { $0 + $1.count })
        for tensor in tensors { buffer.append(contentsOf: tensor.scalars) }
        self.buffer = buffer
        self.shapes = tensors.map(\.shape)
    }

    /// Wraps a flat buffer holding tensors of the given shapes.
    /// - Precondition: `buffer.count == Σ shapes[i].reduce(1, *)`.
    public init(buffer: [Float], shapes: [[Int]]) {
        let needed = shapes.reduce(0) { $0 + $1.reduce(1, *) }
        precondition(buffer.count == needed,
                     "shapes \(shapes) need \(needed) floats, got a buffer of \(buffer.count)")
        self.buffer = buffer
        self.shapes = shapes
    }

    /// The tensors again, as new tensors (no gradient recording), in packing order.
    public func unpacked() -> [Tensor] {
        var offset = 0
        return shapes.map { shape in
            let count = shape.reduce(1, *)
            defer { offset += count }
            return Tensor(shape: shape, scalars: Array(buffer[offset..<(offset + count)]))
        }
    }
}
