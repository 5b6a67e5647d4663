import Foundation
import Testing

/// Real jobs of two processes on loopback, through `mpirun` and `LikelyMPIProbe`.
/// Serialised: two jobs at once on a small machine only slow each other down.
@Suite(.serialized)
struct DistributedMPITests {
    /// One rank's report, as `LikelyMPIProbe collectives` prints it.
    struct Report: Decodable {
        var rank: Int
        var size: Int
        var libmpiLoaded: Bool
        var allreduceFloat: [Float]
        var allreduceDouble: [Double]
        var broadcastFloat: [Float]
        var broadcastText: String
        var gathered: [[Float]]
        var shard: [Int]
        var tensorSum: [Float]
        var tensorShapes: [[Int]]
        var broadcastWeights: [Float]
        var firstFailure: String?
        var noFailure: String?
    }

    static func reports(_ output: String) throws -> [Report] {
        try output.split(separator: "\n").filter { $0.hasPrefix("{") }
            .map { try JSONDecoder().decode(Report.self, from: Data($0.utf8)) }
            .sorted { $0.rank < $1.rank }
    }

    @Test func twoProcessesAgreeOnEveryCollective() throws {
        let outcome = try DistributedProcessRunner.mpirun(processes: 2, ["collectives"])
        #expect(!outcome.timedOut, "mpirun hung: \(outcome.standardError)")
        #expect(outcome.status == 0, "stderr: \(outcome.standardError)")
        let reports = try Self.reports(outcome.standardOutput)
        try #require(reports.map(\.rank) == [0, 1], "output: \(outcome.standardOutput)")
        for report in reports {
            #expect(report.size == 2)
            #expect(report.libmpiLoaded)
            // Rank r sent [r+1, 10(r+1), 0.5, -r, 1e6]: sums over r = 0, 1 worked by hand.
            #expect(report.allreduceFloat == [3, 30, 1, -1, 2_000_000])
            // [r + 0.25, 1] summed.
            #expect(report.allreduceDouble == [1.5, 2])
            // Rank 1 broadcast [7, 8, 9]; rank 0 started with an empty buffer.
            #expect(report.broadcastFloat == [7, 8, 9])
            #expect(report.broadcastText == "bad input: ünïcode file.csv, row 3")
            // Positions 3..<10 among 2: 7 = 2·3 + 1, rank 0 takes 4.
            #expect(report.shard == (report.rank == 0 ? [3, 7] : [7, 10]))
            // (1 + 2) × [1 2 3 4 5 6] and (1 + 2) × [0.5, -1, 2].
            #expect(report.tensorSum == [3, 6, 9, 12, 15, 18, 1.5, -3, 6])
            #expect(report.tensorShapes == [[2, 3], [3]])
            // Rank 0's weights [100, 200] and [-5] everywhere.
            #expect(report.broadcastWeights == [100, 200, -5])
            #expect(report.firstFailure == "rank 1 could not read shard.csv")
            #expect(report.noFailure == nil)
        }
        // Rank r sent r + 1 values 10(r+1) + i; only the root receives.
        #expect(reports[0].gathered == [[10], [20, 21]])
        #expect(reports[1].gathered == [])
    }

    /// Data-parallel training: 2 processes give exactly the weights of 1 process (each rank
    /// starts from different weights; the broadcast gives all rank 0's; micro-batch gradients
    /// are summed in Double).
    @Test func twoProcessFitEqualsOneProcessFit() throws {
        let one = try DistributedProcessRunner.direct(["fit"])
        let two = try DistributedProcessRunner.mpirun(processes: 2, ["fit"])
        #expect(one.status == 0 && two.status == 0, "stderr: \(one.standardError) \(two.standardError)")
        #expect(!two.timedOut)
        func weights(_ text: String) throws -> [Float] {
            try JSONDecoder().decode([Float].self, from: Data(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8))
        }
        let a = try weights(one.standardOutput), b = try weights(two.standardOutput)
        try #require(a.count == b.count && !a.isEmpty)
        #expect(a == b, "largest difference \(zip(a, b).map { Swift.abs($0 - $1) }.max()!)")
    }

    /// With dropout 0.2: masks are drawn per example, so 2 processes (each computing 2 of
    /// a batch's 4 micro-batches of 8 rows) give the weights of 1 process cut the same way,
    /// bit for bit, and of 1 process with one 32-row micro-batch up to float rounding.
    @Test func twoProcessFitWithDropoutEqualsOneProcessFit() throws {
        let whole = try DistributedProcessRunner.direct(["fit", "0.2", "64"])
        let cut = try DistributedProcessRunner.direct(["fit", "0.2", "8"])
        let two = try DistributedProcessRunner.mpirun(processes: 2, ["fit", "0.2", "8"])
        #expect(whole.status == 0 && cut.status == 0 && two.status == 0,
                "stderr: \(whole.standardError) \(cut.standardError) \(two.standardError)")
        #expect(!two.timedOut)
        func weights(_ text: String) throws -> [Float] {
            try JSONDecoder().decode([Float].self, from: Data(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8))
        }
        let a = try weights(whole.standardOutput), b = try weights(cut.standardOutput), c = try weights(two.standardOutput)
        try #require(a.count == b.count && b.count == c.count && !a.isEmpty)
        #expect(b == c, "largest difference \(zip(b, c).map { Swift.abs($0 - $1) }.max()!)")
        let relative = zip(a, b).map { Swift.abs($0 - $1) / max(1e-3, Swift.abs($0)) }.max()!
        #expect(relative <= 1e-6, "largest relative difference between micro-batch cuts \(relative)")
        // dropout did something: the weights differ from a fit without it
        let plain = try weights(try DistributedProcessRunner.direct(["fit", "0", "64"]).standardOutput)
        #expect(plain != a)
    }

    /// A residual network with dropout inside its block: the MC-dropout predictive is the
    /// same bytes for 1 process (whole, or 5 inputs per pass) and 2 processes.
    @Test func residualDropoutPredictsTheSameBytesForOneAndTwoProcesses() throws {
        let one = try DistributedProcessRunner.direct(["predict-residual"])
        let chunked = try DistributedProcessRunner.direct(["predict-residual", "5"])
        let two = try DistributedProcessRunner.mpirun(processes: 2, ["predict-residual"])
        #expect(one.status == 0 && chunked.status == 0 && two.status == 0,
                "stderr: \(one.standardError) \(chunked.standardError) \(two.standardError)")
        let line = { (o: DistributedProcessRunner.Outcome) in o.standardOutput.split(separator: "\n").filter { $0.hasPrefix("[") } }
        #expect(!line(one).isEmpty && line(one) == line(chunked) && line(one) == line(two))
    }

    @Test func abortOnOneRankEndsTheJobWithItsCode() throws {
        // Rank 0 waits in a barrier that rank 1 never reaches: without abort this hangs.
        let outcome = try DistributedProcessRunner.mpirun(processes: 2, ["abort", "3"], timeout: 30)
        #expect(!outcome.timedOut, "abort did not end the job")
        #expect(outcome.status == 3, "stderr: \(outcome.standardError)")
        #expect(outcome.standardError.contains("rank 1: aborting with 3"))
        #expect(!outcome.standardOutput.contains("should never pass"))
    }

    @Test func withoutMPIRunTheProbeIsOneProcessAndNeverLoadsLibmpi() throws {
        let outcome = try DistributedProcessRunner.direct(["collectives"])
        #expect(outcome.status == 0, "stderr: \(outcome.standardError)")
        #expect(outcome.standardError.isEmpty, "a plain run must print no warnings: \(outcome.standardError)")
        let reports = try Self.reports(outcome.standardOutput)
        try #require(reports.count == 1)
        let report = reports[0]
        #expect(report.rank == 0 && report.size == 1)
        #expect(!report.libmpiLoaded)
        #expect(report.allreduceFloat == [1, 10, 0.5, 0, 1_000_000])
        #expect(report.gathered == [[10]])
        #expect(report.shard == [3, 10])
        #expect(report.firstFailure == "rank 0 could not read shard.csv")
    }
}
