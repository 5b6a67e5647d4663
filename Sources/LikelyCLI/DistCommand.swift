import ArgumentParser
import Foundation
import Likely

/// `likely dist FAMILY [--PARAM VALUE]... [--logpdf X,...] [--cdf X,...] [--quantile P,...]
/// [--sample N] [--seed S] [--json]`: one distribution, evaluated and sampled (the contract of
/// `shared/CLI.md`).
struct DistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dist",
        abstract: "Evaluate and sample one distribution.",
        discussion: "Families: " + DistFamily.all.map { "\($0.name) (\(DistFamily.parameterList(of: $0)))" }.joined(separator: "; ")
            + ". --logpdf is the log-density, or the log-mass for discrete families.")

    @Argument(help: "The family.")
    var family: DistFamily

    @Option(parsing: .unconditional, help: DistFamily.help("loc")) var loc: String?
    @Option(parsing: .unconditional, help: DistFamily.help("scale")) var scale: String?
    @Option(parsing: .unconditional, help: DistFamily.help("df")) var df: String?
    @Option(parsing: .unconditional, help: DistFamily.help("concentration")) var concentration: String?
    @Option(parsing: .unconditional, help: DistFamily.help("rate")) var rate: String?
    @Option(parsing: .unconditional, help: DistFamily.help("alpha")) var alpha: String?
    @Option(parsing: .unconditional, help: DistFamily.help("beta")) var beta: String?
    @Option(parsing: .unconditional, help: DistFamily.help("probs")) var probs: String?
    @Option(parsing: .unconditional, help: DistFamily.help("logits")) var logits: String?
    @Option(name: .customLong("total-count"), parsing: .unconditional, help: DistFamily.help("total-count")) var totalCount: String?
    @Option(parsing: .unconditional, help: DistFamily.help("gate")) var gate: String?

    @Option(parsing: .unconditional, help: "Comma-separated points for the log-density (log-mass).") var logpdf: String?
    @Option(parsing: .unconditional, help: "Comma-separated points for the cdf.") var cdf: String?
    @Option(parsing: .unconditional, help: "Comma-separated probabilities in [0, 1] for the quantile function.") var quantile: String?
    @Option(parsing: .unconditional, help: "Draw N samples (1 to 10,000,000).") var sample: String?
    @Option(parsing: .unconditional, help: "Random seed for --sample.") var seed: String?
    @Flag(help: "One JSON object on stdout.") var json = false

    func run() throws {
        let spec = try DistSpec(command: self)
        let report = spec.evaluate(
            logpdf: try logpdf.map { try parseList($0, option: "--logpdf") },
            cdf: try cdf.map { try parseList($0, option: "--cdf") },
            quantile: try quantile.map { try parseProbabilityList($0, option: "--quantile") },
            sample: try sample.map { try parseCount($0) },
            seed: try seed.map { try parseSeed($0) } ?? 0)
        writeOutput((json ? report.json : report.text) + "\n")
    }

    /// The parameters passed on the command line, by name (without dashes).
    var givenParameters: [(name: String, value: String)] {
        let all: [(String, String?)] = [("loc", loc), ("scale", scale), ("df", df), ("concentration", concentration),
                                        ("rate", rate), ("alpha", alpha), ("beta", beta), ("probs", probs),
                                        ("logits", logits), ("total-count", totalCount), ("gate", gate)]
        return all.compactMap { name, value in value.map { (name, $0) } }
    }
}

/// Bad input to `likely dist`: exit 2 with this message.
struct DistInputError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// Parses a finite number given to `option`.
func parseNumber(_ text: String, option: String) throws -> Double {
    guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
        throw DistInputError("\(option): '\(text)' is not a finite number")
    }
    return value
}

/// Parses a comma-separated list of finite numbers (at most 1,000,000 items).
func parseList(_ text: String, option: String) throws -> [Double] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false)
    guard items.count <= 1_000_000 else { throw DistInputError("\(option): at most 1000000 values, got \(items.count)") }
    return try items.enumerated().map { index, item in
        guard let value = Double(item.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw DistInputError("\(option): item \(index + 1), '\(item)', is not a finite number")
        }
        return value
    }
}

/// A list of probabilities, each in [0, 1].
func parseProbabilityList(_ text: String, option: String) throws -> [Double] {
    let values = try parseList(text, option: option)
    if let (index, bad) = values.enumerated().first(where: { !(0...1).contains($0.element) }) {
        throw DistInputError("\(option): item \(index + 1), \(bad), is not a probability in [0, 1]")
    }
    return values
}

func parseCount(_ text: String) throws -> Int {
    guard let n = Int(text.trimmingCharacters(in: .whitespaces)), (1...10_000_000).contains(n) else {
        throw DistInputError("--sample: expected a whole number of draws from 1 to 10000000, got '\(text)'")
    }
    return n
}

func parseSeed(_ text: String) throws -> UInt64 {
    guard let s = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
        throw DistInputError("--seed: expected a non-negative whole number, got '\(text)'")
    }
    return s
}
