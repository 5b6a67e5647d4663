import CGSL
import Dispatch

/// Splitting large loops across the cores.
///
/// The worker count follows OpenBLAS's thread count, so one setting (`openblas_set_num_threads`,
/// which `likely bench --threads N` calls) governs both the matrix products and our own loops.
/// Work is cut into contiguous pieces; each piece must touch memory no other piece writes,
/// so results are the same for any thread count.
public enum Parallel {
    /// The number of threads our own loops use: OpenBLAS's thread count, at least 1.
    public static var threadCount: Int { Int(Swift.max(1, openblas_get_num_threads())) }

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
