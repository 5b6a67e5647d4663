extension Range where Bound == Int {
    /// Rank `rank`'s contiguous slice of this range when it is split among `size` ranks.
    ///
    /// With `n = count`, `q = n / size` and `m = n % size`, rank `r` gets
    /// `q + (r < m ? 1 : 0)` elements starting at `lowerBound + r·q + min(r, m)`: the slices
    /// are in rank order, tile the range exactly and differ in length by at most 1. A
    /// rank may get an empty slice when `count < size`.
    /// - Parameters:
    ///   - rank: the slice's owner, `0..<size`.
    ///   - size: the number of ranks, ≥ 1.
    public func shard(rank: Int, of size: Int) -> Range<Int> {
        precondition(size >= 1, "the number of ranks must be at least 1, got \(size)")
        precondition((0..<size).contains(rank), "rank must be in 0..<\(size), got \(rank)")
        let (quotient, remainder) = count.quotientAndRemainder(dividingBy: size)
        let start = lowerBound + rank * quotient + Swift.min(rank, remainder)
        return start..<(start + quotient + (rank < remainder ? 1 : 0))
    }
}

extension Communicator {
    /// This rank's contiguous slice of `range` (for example the positions of one global
    /// batch): see `Range.shard(rank:of:)`. Concatenating the slices of ranks `0..<size`
    /// gives `range` back, so results gathered in rank order are in input order.
    public func shard(of range: Range<Int>) -> Range<Int> {
        range.shard(rank: rank, of: size)
    }
}
