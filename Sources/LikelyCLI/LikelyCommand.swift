import ArgumentParser
import Foundation
import Likely

/// The `likely` command: probabilistic deep learning from the shell.
///
/// Exit codes (the contract of `docs/cli.md`): 0 success, 2 bad usage or bad input (the
/// message names the argument, file, row or field), 1 a failure at run time.
@main
struct LikelyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "likely",
        abstract: "Probabilistic deep learning: networks that output distributions, trained by negative log-likelihood.",
        version: likelyVersion,
        subcommands: [BenchCommand.self, DistCommand.self, SummaryCommand.self,
                      FitCommand.self, TuneCommand.self, EvaluateCommand.self, PredictCommand.self, SampleCommand.self,
                      ConformalizeCommand.self, LaplaceCommand.self, BenchmarkCommand.self, DemoCommand.self])

    static func main() {
        HeapReuse.keepFreedMemoryForReuse()  // step buffers reused, not refaulted (docs/performance.md)
        StandardOutput.ignoreBrokenPipes()  // a closed stdout is reported after the save, not a kill
        do {
            var command = try parseAsRoot()
            try command.run()
            if let failure = OutputFailure.shared.error {
                fail("error: \(failure); whatever the command saves was saved first", code: 1)
            }
        } catch let failure as RunFailure {
            fail("error: \(failure.message)", code: 1)
        } catch let failure as OutputError where failure.kind == .failed {
            fail("error: \(failure)", code: 1)  // the system failed a write: a full disk, an I/O error
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                writeOutput(fullMessage(for: error) + "\n")
                if let failure = OutputFailure.shared.error { fail("error: \(failure)", code: 1) }
                Foundation.exit(0)
            }
            let message = fullMessage(for: error)
            fail(message + (ListArgumentHint.hint(for: message, arguments: CommandLine.arguments) ?? ""), code: 2)
        }
    }

    /// Prints the message and ends the run with `code`; under mpirun it ends every process of
    /// the job at once (a rank that failed alone must not leave the others waiting).
    static func fail(_ message: String, code: Int32) -> Never {
        let text = Array("\(message)\n".utf8)
        _ = text.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }  // best effort: nowhere left to report to
        if ProcessGroup.isLaunchedByMPI, let world = try? ProcessGroup.current(), world.isDistributed {
            world.abort(code: code)
        }
        Foundation.exit(code)
    }
}

/// A failure at run time (exit 1), as opposed to bad input (exit 2).
struct RunFailure: Error {
    var message: String
}

