import Foundation
import LikelyTensor
import Testing

/// `Parallel.interleave`: every job's steps in order, one core each, and the error of
/// running the jobs in turn.
struct ParallelTests {
    /// What the jobs did, in the order they did it (under a lock: the workers share it).
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [(job: Int, step: Int, threads: Int)] = []
        func add(_ job: Int, _ step: Int) { lock.withLock { entries.append((job, step, Parallel.threadCount)) } }
        var all: [(job: Int, step: Int, threads: Int)] { lock.withLock { entries } }
    }

    struct Failure: Error, Equatable { let job: Int }

    @Test(arguments: [1, 2, 3])
    func everyJobTakesItsStepsInOrder(workers: Int) {
        let log = Log(), steps = [3, 1, 4, 2, 5]
        let taken = steps.map { _ in StepCounter() }
        Parallel.withThreadCount(workers) {
            Parallel.interleave(jobs: steps.count) { j in
                log.add(j, taken[j].value)
                taken[j].value += 1
                return taken[j].value < steps[j]
            }
        }
        let entries = log.all
        for j in steps.indices {
            #expect(entries.filter { $0.job == j }.map(\.step) == Array(0..<steps[j]), "job \(j)")
        }
        // Workers compute single-threaded; one worker runs the jobs in turn with the count it was given.
        #expect(entries.allSatisfy { $0.threads == (workers > 1 ? 1 : workers) })
        if workers == 1 { #expect(entries.map(\.job) == [0, 0, 0, 1, 2, 2, 2, 2, 3, 3, 4, 4, 4, 4, 4]) }
    }

    /// Jobs 1 and 3 fail: the error is job 1's, as in turn; job 0 (below it) still runs to its end.
    @Test(arguments: [1, 2])
    func theErrorIsThatOfTheLowestFailingJob(workers: Int) {
        let taken = (0..<4).map { _ in StepCounter() }
        #expect(throws: Failure(job: 1)) {
            try Parallel.withThreadCount(workers) {
                try Parallel.interleave(jobs: 4) { (j: Int) throws(Failure) -> Bool in
                    taken[j].value += 1
                    if (j == 1 && taken[j].value == 3) || (j == 3 && taken[j].value == 1) { throw Failure(job: j) }
                    return taken[j].value < 6
                }
            }
        }
        #expect(taken[0].value == 6)
    }

    /// Two workers really run at the same time: each step waits (briefly) for the other's.
    @Test func twoWorkersOverlap() {
        let seen = StepCounter(), lock = NSLock()
        var overlapped = false
        Parallel.withThreadCount(2) {
            Parallel.interleave(jobs: 2) { _ in
                lock.withLock { seen.value += 1 }
                let deadline = Date().addingTimeInterval(2)
                while Date() < deadline && lock.withLock({ seen.value }) < 2 { usleep(1000) }
                lock.withLock { overlapped = seen.value >= 2 }
                return false
            }
        }
        #expect(overlapped)
    }
}

/// A job's step count (written by one worker at a time).
final class StepCounter: @unchecked Sendable {
    var value = 0
}
