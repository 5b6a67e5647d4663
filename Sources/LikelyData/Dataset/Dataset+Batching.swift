import LikelyTensor

/// One mini-batch: the examples at `indices` of a dataset.
public struct Batch {
    /// The features of the batch, `[b, ...]`.
    public let features: Tensor
    /// The targets of the batch, `[b]` or `[b, k]`.
    public let targets: Tensor
    /// The dataset rows the batch holds, in batch order.
    public let indices: [Int]
}

/// The mini-batches of one epoch: consecutive runs of `size` rows of an ordering, the last
/// one holding the remainder (⌈n / size⌉ batches in all). Batches are built lazily, so only
/// one batch is in memory at a time.
public struct BatchSequence: Sequence {
    let dataset: Dataset
    let order: [Int]
    let size: Int

    /// The number of batches, ⌈order.count / size⌉.
    public var count: Int { (order.count + size - 1) / size }

    /// Walks the batches in order.
    public struct Iterator: IteratorProtocol {
        let sequence: BatchSequence
        var start = 0

        /// The next batch, or `nil` after the last.
        public mutating func next() -> Batch? {
            guard start < sequence.order.count else { return nil }
            let end = Swift.min(start + sequence.size, sequence.order.count)
            let indices = Array(sequence.order[start..<end])
            start = end
            return Batch(features: sequence.dataset.features.gatheringRows(indices),
                         targets: sequence.dataset.targets.gatheringRows(indices), indices: indices)
        }
    }

    /// An iterator over the batches, from the first.
    public func makeIterator() -> Iterator { Iterator(sequence: self) }
}

extension Dataset {
    /// A seeded random ordering of the rows for one epoch (Fisher–Yates through `random`);
    /// draw a new one each epoch from the same advancing source.
    public func shuffledOrder(using random: inout RandomSource) -> [Int] {
        random.permutation(count)
    }

    /// The mini-batches of `size` rows in `order` (default: row order), the last batch partial.
    /// - Parameters:
    ///   - size: rows per batch, ≥ 1.
    ///   - order: row indices, for example `shuffledOrder(using:)`.
    public func batches(size: Int, order: [Int]? = nil) -> BatchSequence {
        precondition(size >= 1, "batch size must be ≥ 1, got \(size)")
        return BatchSequence(dataset: self, order: order ?? Array(0..<count), size: size)
    }

    /// The mini-batches of one shuffled epoch: `batches(size:order: shuffledOrder(using:))`.
    public func shuffledBatches(size: Int, using random: inout RandomSource) -> BatchSequence {
        batches(size: size, order: shuffledOrder(using: &random))
    }
}
