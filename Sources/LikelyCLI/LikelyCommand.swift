import ArgumentParser
import Foundation

/// The `likely` command: probabilistic deep learning from the shell.
///
/// Exit codes (the contract of `docs/cli.md`): 0 success, 2 bad usage or bad input (the
/// message names the argument, file, row or field), 1 a failure at run time.
@main
struct LikelyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "likely",
        abstract: "Probabilistic deep learning: networks that output distributions, trained by negative log-likelihood.",
        version: LikelyVersion.string,
        subcommands: [BenchCommand.self, DistCommand.self, SummaryCommand.self,
                      FitCommand.self, EvaluateCommand.self, PredictCommand.self, SampleCommand.self, DemoCommand.self])

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as RunFailure {
            FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
            Foundation.exit(2)
        }
    }
}

/// A failure at run time (exit 1), as opposed to bad input (exit 2).
struct RunFailure: Error {
    var message: String
}

/// The release this build belongs to.
enum LikelyVersion {
    static let string = "0.1.0"
}
