import CGSL
import Dispatch
import Foundation

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

    /// The count of a scope (`withThreadCount`), read before the process-wide one.
    @TaskLocal private static var scopedCount: Int?

    /// The number of threads for our loops and products, at least 1. It starts as
    /// `OPENBLAS_NUM_THREADS` or the number of cores; set it once, before the work starts
    /// (`likely bench --threads N` does). Inside `withThreadCount` (and inside the workers of
    /// `interleave`, where it is 1) the scope's count is read instead.
    public static var threadCount: Int {
        get { scopedCount ?? chosenCount ?? initialCount }
        set { _ = initialCount; chosenCount = Swift.max(1, newValue) }
    }

    /// Runs `body` with `threadCount` reading `count` (at least 1) on this thread or task,
    /// leaving the process-wide count alone.
    public static func withThreadCount<Result>(_ count: Int, _ body: () throws -> Result) rethrows -> Result {
        _ = initialCount
        return try $scopedCount.withValue(Swift.max(1, count)) { try body() }
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

extension Parallel {
    /// Runs `count` independent jobs, each a sequence of steps, at the same time on
    /// min(`threadCount`, `count`) workers, one core each: every step runs with `threadCount`
    /// 1, so its products and loops stay on its worker's thread. `advance(j)` runs job j's
    /// next step and says whether another follows. A job's steps run in order and never two
    /// at once (each on whichever worker is free, after the previous one has returned); a free
    /// worker takes the job that has waited longest, so M jobs of equal steps finish in about
    /// M/W times one job's time on W workers, also when W does not divide M. With one worker
    /// the jobs run one after another, each to its end.
    ///
    /// Whether gradients are recorded (`GradientRecording`) is the caller's in every worker.
    /// The jobs must share no state that a step writes. An error ends the run as running the
    /// jobs in turn would: the error thrown is that of the lowest-numbered job that throws
    /// (jobs numbered below it run to their end, jobs above it are dropped).
    /// - Parameters:
    ///   - count: the number of jobs.
    ///   - advance: runs job j's next step; returns `false` after its last.
    public static func interleave<Failure: Error>(jobs count: Int, _ advance: (Int) throws(Failure) -> Bool) throws(Failure) {
        let workers = Swift.min(threadCount, count)
        guard workers > 1 else {
            for j in 0..<count { while try advance(j) {} }
            return
        }
        let queue = JobQueue<Failure>(count: count), recording = GradientRecording.isEnabled
        // concurrentPerform returns only after every worker has, so `advance` does not outlive
        // this call; a job is in one worker's hands at a time, handed over under the queue's lock.
        withoutActuallyEscaping(advance) { advance in
            let shared = UncheckedSendable(advance)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                GradientRecording.$isEnabled.withValue(recording) {
                    withThreadCount(1) {
                        var job = queue.next(after: nil)
                        while let j = job {
                            do throws(Failure) {
                                job = queue.next(after: (j, try shared.value(j)))
                            } catch {
                                job = queue.fail(j, error)
                            }
                        }
                    }
                }
            }
        }
        if let error = queue.error { throw error }
    }
}

/// The jobs of one `Parallel.interleave`: those waiting for a worker, in the order they
/// started waiting, and the first failure.
private final class JobQueue<Failure: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private var waiting: [Int]
    private var head = 0
    /// The lowest-numbered job that failed, and its error.
    private var failed: (job: Int, error: Failure)?

    init(count: Int) { waiting = Array(0..<count) }

    /// The error to throw: that of the lowest-numbered job that failed.
    var error: Failure? { lock.withLock { failed?.error } }

    /// Puts back the job a worker has just advanced (`more`: whether it has steps left), and
    /// gives the worker the job that has waited longest; nil when none waits.
    func next(after done: (job: Int, more: Bool)?) -> Int? {
        lock.withLock {
            if let done, done.more { waiting.append(done.job) }
            while head < waiting.count {
                let job = waiting[head]
                head += 1
                if head > 1024 && head * 2 > waiting.count { waiting.removeFirst(head); head = 0 }
                if job < (failed?.job ?? Int.max) { return job }
            }
            return nil
        }
    }

    /// Records job j's error (kept if no lower-numbered job failed) and gives the worker another job.
    func fail(_ job: Int, _ error: Failure) -> Int? {
        lock.withLock {
            if job < (failed?.job ?? Int.max) { failed = (job, error) }
        }
        return next(after: nil)
    }
}

/// A value handed to the threads of one `concurrentPerform`, whose caller guarantees that
/// they use it without data races.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
