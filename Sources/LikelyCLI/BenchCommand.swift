import ArgumentParser
import CGSL
import Foundation
import LikelyTensor

/// `likely bench`: the speed cases, the same work as `shared/bench/torch_bench.py`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the speed cases (the same work as the PyTorch bench script).")

    @Option(name: .customLong("case"), help: "Run one case: \(BenchCase.allCases.map(\.rawValue).joined(separator: ", ")).")
    var caseName: String?

    @Option(help: "Threads for OpenBLAS and element-wise work.")
    var threads: Int = 2

    @Flag(help: "One JSON object per case on stdout.")
    var json = false

    func validate() throws {
        if let caseName, BenchCase(rawValue: caseName) == nil {
            throw ValidationError("--case: unknown case '\(caseName)'; expected one of \(BenchCase.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256, got \(threads)") }
    }

    func run() throws {
        openblas_set_num_threads(Int32(threads))
        let cases = caseName.map { [BenchCase(rawValue: $0)!] } ?? BenchCase.allCases
        for benchCase in cases {
            let result = benchCase.run()
            print(json ? result.json : result.text)
        }
    }
}

/// One timed case: its throughput and the time of one step.
struct BenchResult {
    var name: String
    var itemsPerSecond: Double?
    var stepMilliseconds: Double
    var gflops: Double?

    var json: String {
        var fields = ["\"case\": \"\(name)\""]
        if let itemsPerSecond { fields.append("\"items_per_s\": \(rounded(itemsPerSecond, 1))") }
        fields.append("\"step_ms\": \(rounded(stepMilliseconds, 3))")
        if let gflops { fields.append("\"gflops\": \(rounded(gflops, 1))") }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    var text: String {
        var line = "\(name): \(String(format: "%.3f", stepMilliseconds)) ms/step"
        if let itemsPerSecond { line += String(format: ", %.1f items/s", itemsPerSecond) }
        if let gflops { line += String(format: ", %.1f GFLOP/s", gflops) }
        return line
    }

    private func rounded(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}

enum BenchCase: String, CaseIterable {
    case sgemm1024 = "sgemm_1024"

    func run() -> BenchResult {
        switch self {
        case .sgemm1024:
            var random = RandomSource(seed: 0)
            let a = Tensor.randomNormal([1024, 1024], using: &random)
            let b = Tensor.randomNormal([1024, 1024], using: &random)
            let seconds = timePerCall(repetitions: 20) { _ = matmul(a, b) }
            return BenchResult(name: rawValue, itemsPerSecond: nil, stepMilliseconds: seconds * 1e3,
                               gflops: 2 * pow(1024, 3) / seconds / 1e9)
        }
    }
}

/// The mean wall time of `body` over `repetitions` calls after three warm-up calls.
func timePerCall(repetitions: Int, _ body: () -> Void) -> Double {
    for _ in 0..<3 { body() }
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<repetitions { body() }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(repetitions)
}
