import CGSL
import Dispatch

/// Splitting large loops across the cores.
///
/// One pool of threads (Dispatch's) runs all parallel work: our own loops and the matrix
/// products, which `sgemm` splits into row or column blocks, each one single-threaded
/// OpenBLAS call. OpenBLAS's own threads are switched off the first time the count is read:
/// after each threaded call they spin (`sched_yield`) for a while, taking the core our next
/// loop wants (10–20 % of a seed-cnn training step). Work is cut into contiguous pieces;
/// each piece must touch memory no other piece writes, so results are the same for any
/// thread count.
public enum Parallel {
    /// The count the process starts with: OpenBLAS's (`OPENBLAS_NUM_THREADS`, else the cores),
    /// read once; OpenBLAS is then set to one thread.
    private static let initialCount: Int = {
        let count = Int(Swift.max(1, openblas_get_num_threads()))
        openblas_set_num_threads(1)
        return count
    }()

    nonisolated(unsafe) private static var chosenCount: Int?

    /// The number of threads for our loops and products, at least 1. It starts as
    /// `OPENBLAS_NUM_THREADS` or the number of cores; set it once, before the work starts
    /// (`likely bench --threads N` does).
    public static var threadCount: Int {
        get { chosenCount ?? initialCount }
        set { _ = initialCount; chosenCount = Swift.max(1, newValue) }
    }

    /// Calls `body` on contiguous pieces that together cover `0..<count`, concurrently when
    /// each thread would get at least `minimumPerThread` items, else once on the whole range.
    /// - Parameters:
    ///   - count: the number of items.
    ///   - minimumPerThread: the smallest piece worth a thread (below it, threading costs more than it saves).
    ///   - body: the work for one piece; pieces run at the same time and must not write shared memory.
    public static func forEachPiece(of count: Int, minimumPerThread: Int, _ body: (Range<Int>) -> Void) {
        let pieces = Swift.min(threadCount, count / Swift.max(minimumPerThread, 1))
        guard pieces > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        // concurrentPerform returns only after every piece ran, so `body` does not outlive
        // this call; the pieces write disjoint memory, which is what makes sharing it sound.
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                shared.value((piece * count / pieces)..<((piece + 1) * count / pieces))
            }
        }
    }
}

/// A value handed to the threads of one `concurrentPerform`, whose caller guarantees that
/// they use it without data races.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
