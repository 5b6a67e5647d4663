/// The processes of one job and the collective operations between them: the only place
/// where Likely's core knows that it may run as several processes.
///
/// A job of `size` processes runs the same program; each process has a `rank` in
/// `0..<size`. Every method below is *collective*: every rank must call it, in the same
/// order, with compatible arguments, or the job hangs. Rank 0 is the root, which writes
/// files and prints.
///
/// Two implementations: `SingleProcessCommunicator` (size 1, every operation a no-op) and
/// `MPICommunicator` (Open MPI, under `mpirun`). `ProcessGroup.current()` picks one.
public protocol Communicator: Sendable {
    /// This process's index, `0..<size`.
    var rank: Int { get }

    /// The number of processes in the job, ≥ 1.
    var size: Int { get }

    /// Replaces `buffer` on every rank with the element-wise sum over all ranks:
    /// `buffer[i] ← Σ_r buffer_r[i]`. Every rank must pass the same count.
    /// This is the data-parallel gradient sum (one call per training step).
    func allreduceSum(_ buffer: inout [Float])

    /// Replaces `values` on every rank with the element-wise sum over all ranks, in double
    /// precision: for metric sums and counts. Every rank must pass the same count.
    func allreduceSum(_ values: inout [Double])

    /// Replaces `buffer` on every rank with the root's `buffer` (its length included; the
    /// other ranks' contents and lengths are ignored).
    func broadcast(_ buffer: inout [Float], from root: Int)

    /// Replaces `bytes` on every rank with the root's `bytes` (its length included).
    func broadcast(_ bytes: inout [UInt8], from root: Int)

    /// Collects every rank's `values` (lengths may differ) at `root`.
    /// - Returns: at `root`, `size` arrays, rank `r`'s at index `r`; `[]` on the other ranks.
    func gather(_ values: [Float], to root: Int) -> [[Float]]

    /// Returns once every rank has called it.
    func barrier()

    /// Ends every process of the job at once with exit status `code`, whatever the other
    /// ranks are doing (blocked in a collective included). For a failure that only this
    /// rank has seen; the caller prints its message first.
    func abort(code: Int32) -> Never
}

extension Communicator {
    /// Whether this is rank 0, the process that writes files and prints.
    public var isRoot: Bool { rank == 0 }

    /// Whether the job has more than one process.
    public var isDistributed: Bool { size > 1 }

    func checkRoot(_ root: Int) {
        precondition((0..<size).contains(root), "root must be a rank in 0..<\(size), got \(root)")
    }
}
