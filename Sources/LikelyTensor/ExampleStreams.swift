/// One random stream per row of a batch, each keyed by that row's example: what a forward
/// pass draws from.
///
/// A layer that draws (Dropout) draws row r's values from `self[r]` only, in layer order, so
/// an example's draws depend on its key and the network, never on the other rows of its
/// batch, the batch size or the process computing it. Training keys row r by
/// (seed, `.dropout`, epoch, example index); the MC-dropout predictive by
/// (seed, `.monteCarloDropout`, 0, the input's global index), its T passes continuing the
/// same streams.
///
/// A deterministic pass (`inference`) draws nothing and may pass `ExampleStreams()`.
public struct ExampleStreams {
    /// The streams, row by row.
    public var rows: [RandomSource]

    /// No streams: for passes that draw nothing.
    public init() { rows = [] }

    /// Streams given row by row.
    public init(_ rows: [RandomSource]) { self.rows = rows }

    /// The streams of `key` for each example of `examples`, row by row.
    public init(key: StreamKey, examples: some Sequence<Int>) {
        rows = examples.map { RandomSource(key: key.forExample($0)) }
    }

    /// The number of rows.
    public var count: Int { rows.count }

    /// Row r's stream.
    public subscript(row: Int) -> RandomSource {
        get { rows[row] }
        _modify { yield &rows[row] }
    }

    /// Checks that there is one stream for each of `batchRows` rows, naming `drawer` otherwise.
    public func requireRows(_ batchRows: Int, for drawer: String) {
        precondition(rows.count == batchRows,
                     "\(drawer) draws one random stream per row: got \(rows.count) streams for a batch of \(batchRows) rows")
    }
}
