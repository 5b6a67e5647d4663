import Glibc

import CMPI
import Synchronization

/// The communicator of a job started by `mpirun`: MPI_COMM_WORLD of Open MPI.
///
/// Obtained from `ProcessGroup.current()`, which loads and initialises MPI once per process
/// (and finalises it at exit). Calls are serialised by a lock, matching the
/// `MPI_THREAD_SERIALIZED` level MPI is initialised with; as for every communicator, all
/// ranks must still make the same collective calls in the same order.
public final class MPICommunicator: Communicator {
    /// This process's rank in MPI_COMM_WORLD.
    public let rank: Int
    /// The number of processes in MPI_COMM_WORLD.
    public let size: Int
    private let lock = Mutex(())

    /// Wraps an initialised MPI (only `ProcessGroup` creates one).
    init() {
        rank = Int(likely_mpi_rank())
        size = Int(likely_mpi_size())
    }

    /// `MPI_Allreduce` in place with `MPI_SUM` over `MPI_FLOAT`.
    public func allreduceSum(_ buffer: inout [Float]) {
        lock.withLock { _ in
            let status = buffer.withUnsafeMutableBufferPointer {
                likely_mpi_allreduce_sum_float($0.baseAddress, $0.count)
            }
            check(status, "MPI_Allreduce of \(buffer.count) floats")
        }
    }

    /// `MPI_Allreduce` in place with `MPI_SUM` over `MPI_DOUBLE`.
    public func allreduceSum(_ values: inout [Double]) {
        lock.withLock { _ in
            let status = values.withUnsafeMutableBufferPointer {
                likely_mpi_allreduce_sum_double($0.baseAddress, $0.count)
            }
            check(status, "MPI_Allreduce of \(values.count) doubles")
        }
    }

    /// Two `MPI_Bcast`s: the root's element count, then its elements.
    public func broadcast(_ buffer: inout [Float], from root: Int) { broadcastElements(&buffer, from: root, unit: "floats") }

    /// Two `MPI_Bcast`s: the root's byte count, then its bytes.
    public func broadcast(_ bytes: inout [UInt8], from root: Int) { broadcastElements(&bytes, from: root, unit: "bytes") }

    /// The root's element count, then its elements as bytes; other ranks' buffers are resized first.
    private func broadcastElements<Element: Numeric>(_ buffer: inout [Element], from root: Int, unit: String) {
        checkRoot(root)
        lock.withLock { _ in
            let count = broadcastCount(buffer.count, from: root)
            if rank != root { buffer = [Element](repeating: 0, count: count) }
            let status = buffer.withUnsafeMutableBytes {
                likely_mpi_broadcast_bytes($0.baseAddress, $0.count, Int32(root))
            }
            check(status, "MPI_Bcast of \(count) \(unit)")
        }
    }

    /// `MPI_Gather` of the counts, then one `MPI_Gatherv` of the elements.
    public func gather(_ values: [Float], to root: Int) -> [[Float]] {
        checkRoot(root)
        return lock.withLock { _ in
            var counts = [Int64](repeating: 0, count: rank == root ? size : 0)
            // Only the root receives: elsewhere `counts` is empty and has no base address.
            let countStatus = counts.withUnsafeMutableBufferPointer { received in
                likely_mpi_gather_int64(CLongLong(values.count), rank == root ? received.baseAddress : nil, Int32(root))
            }
            check(countStatus, "MPI_Gather of the counts")
            let total = counts.reduce(0, +)
            precondition(values.count <= Int(Int32.max) && total <= Int64(Int32.max),
                         "gather moves at most \(Int32.max) floats per call, got \(values.count) here and \(total) in all")
            let counts32 = counts.map { Int32($0) }
            var displacements = [Int32](repeating: 0, count: counts32.count)
            for r in counts32.indices.dropFirst() { displacements[r] = displacements[r - 1] + counts32[r - 1] }
            var received = [Float](repeating: 0, count: Int(total))
            let status = values.withUnsafeBufferPointer { send in
                received.withUnsafeMutableBufferPointer { into in
                    likely_mpi_gatherv_float(send.baseAddress, Int32(values.count), into.baseAddress,
                                             counts32, displacements, Int32(root))
                }
            }
            check(status, "MPI_Gatherv of \(values.count) floats")
            guard rank == root else { return [] }
            return counts32.indices.map { r in
                let start = Int(displacements[r])
                return Array(received[start..<(start + Int(counts32[r]))])
            }
        }
    }

    /// `MPI_Barrier`.
    public func barrier() {
        lock.withLock { _ in check(likely_mpi_barrier(), "MPI_Barrier") }
    }

    /// `MPI_Abort` on MPI_COMM_WORLD: `mpirun` ends every rank and exits with `code`.
    /// Deliberately takes no lock: another thread may be blocked in a collective.
    public func abort(code: Int32) -> Never {
        fflush(nil)  // every C stream; Swift 6 forbids touching the `stdout` global
        likely_mpi_abort(code)
        fatalError("MPI_Abort returned")
    }

    /// The root's count, known to every rank after one broadcast. Called under the lock.
    private func broadcastCount(_ count: Int, from root: Int) -> Int {
        var value = Int64(count)
        let status = withUnsafeMutableBytes(of: &value) {
            likely_mpi_broadcast_bytes($0.baseAddress, $0.count, Int32(root))
        }
        check(status, "MPI_Bcast of a count")
        return Int(value)
    }

    /// MPI's default error handler ends the job on any error, so a non-zero status here
    /// means the handler was changed: still fatal, as the ranks are out of step.
    private func check(_ status: Int32, _ operation: @autoclosure () -> String) {
        precondition(status == 0, "\(operation()) failed with MPI error code \(status)")
    }
}
