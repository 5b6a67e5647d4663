import Foundation

/// Runs `LikelyMPIProbe` (built beside the test runner) directly or under `mpirun`, with a
/// deadline so that a hang fails the test instead of blocking the suite.
enum DistributedProcessRunner {
    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
        var seconds: Double
        var timedOut: Bool
    }

    /// The probe executable: beside the test runner in `.build/<config>/`.
    static func probePath() throws -> String {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: runner).deletingLastPathComponent()
        // A bundle layout (`X.xctest/...`) puts the runner deeper than the products.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("LikelyMPIProbe").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        for configuration in ["release", "debug"] {
            let candidate = ".build/\(configuration)/LikelyMPIProbe"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ProbeMissing(runner: runner)
    }

    struct ProbeMissing: Error, CustomStringConvertible {
        var runner: String
        var description: String {
            "LikelyMPIProbe not found beside \(runner) nor in .build/release; build with --build-tests"
        }
    }

    /// Open MPI refuses to run as root without these; the shared-memory transport without
    /// single-copy (CMA needs ptrace rights that containers often lack).
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none"
        return environment
    }

    /// `mpirun --oversubscribe -np <processes> LikelyMPIProbe <arguments>` on loopback.
    static func mpirun(processes: Int, _ arguments: [String], timeout: Double = 60) throws -> Outcome {
        try run(["mpirun", "--oversubscribe", "-np", String(processes), "--mca", "btl", "self,vader",
                 try probePath()] + arguments, timeout: timeout)
    }

    /// The probe alone, as a user would run `likely` without mpirun.
    static func direct(_ arguments: [String], timeout: Double = 60) throws -> Outcome {
        try run([try probePath()] + arguments, timeout: timeout)
    }

    /// Runs `command` (looked up on PATH), output to temporary files so that stray children
    /// holding a pipe open cannot block the read.
    static func run(_ command: [String], timeout: Double) throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("likely-mpi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        let start = Date()
        try process.run()
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(start) > timeout {
                timedOut = true
                process.terminate()  // mpirun passes SIGTERM on to its ranks
                break
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        return Outcome(
            status: process.terminationStatus,
            standardOutput: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "",
            seconds: seconds, timedOut: timedOut)
    }
}
