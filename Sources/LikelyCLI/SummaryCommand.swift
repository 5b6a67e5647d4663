import ArgumentParser
import Foundation
import Likely

/// `likely summary`: a built-in architecture's layers, output shapes and parameter counts,
/// as Keras's `model.summary()` prints them; with `--ensemble M`, the size of M members.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Show a built-in architecture layer by layer (Keras-style).",
        discussion: "With --json, one JSON object: layers (name, output_shape, params), total_params, trainable_params, non_trainable_params, members, ensemble_params.")

    @Argument(help: "The architecture.")
    var arch: Architecture

    @Option(help: "Image input shape H,W,C for the convolutional architectures (default 28,28,1).")
    var input: String?

    @Option(parsing: .unconditional, help: "Number of input features for mlp (default 1).")
    var features: Int?

    @OptionGroup var hidden: HiddenLayers

    @Option(parsing: .unconditional, help: "Size of the last layer (default 10 for images, 1 for mlp).")
    var outputs: Int?

    @Option(parsing: .unconditional, help: "Dropout rate in [0, 1) (default 0 for mlp, \(FitDefaults.imageDropout) for the CNNs).")
    var dropout: Float?

    @Option(parsing: .unconditional, help: "Members of a deep ensemble of this architecture (fit --ensemble M): the table is one member's, the totals add the ensemble's.")
    var ensemble: Int = 1

    @OptionGroup var format: JSONFlag

    func validate() throws {
        if arch.takesImages, features != nil {
            throw ValidationError("--features: \(arch) takes images; give --input H,W,C instead")
        }
        if !arch.takesImages, input != nil {
            throw ValidationError("--input: mlp takes a feature vector; give --features N instead")
        }
        if let features, !(1...1_000_000).contains(features) {
            throw ValidationError("--features must be between 1 and 1000000, got \(features)")
        }
        if let outputs, !(1...1_000_000).contains(outputs) {
            throw ValidationError("--outputs must be between 1 and 1000000, got \(outputs)")
        }
        if let dropout, !(dropout >= 0 && dropout < 1) {
            throw ValidationError("--dropout must be in [0, 1), got \(dropout)")
        }
        if !(1...ProbabilisticModel.maximumMemberCount).contains(ensemble) {
            throw ValidationError("--ensemble must be between 1 and \(ProbabilisticModel.maximumMemberCount), got \(ensemble)")
        }
        _ = try parsedInput()
    }

    /// H,W,C from `--input`, each in 1...4096.
    private func parsedInput() throws -> [Int] {
        guard let input else { return [28, 28, 1] }
        let parts = input.split(separator: ",", omittingEmptySubsequences: false)
            .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { (1...4096).contains($0) }
        guard parts.count == 3, input.split(separator: ",", omittingEmptySubsequences: false).count == 3 else {
            throw ValidationError("--input must be three positive integers H,W,C (each at most 4096), got '\(input)'")
        }
        return parts
    }

    func run() throws {
        let architecture = arch
        let shape = architecture.takesImages ? try parsedInput() : [features ?? 1]
        let outputs = self.outputs ?? (architecture.takesImages ? 10 : 1)
        let rate = dropout ?? (architecture.takesImages ? FitDefaults.imageDropout : 0)
        var random = RandomSource(seed: 0)
        let model: Sequential
        do {
            model = try architecture.makeModel(inputShape: shape, hidden: hidden.sizes, dropout: rate, outputs: outputs, using: &random)
        } catch let error as LayerSpecError {
            throw ValidationError("--input: \(arch) cannot take input shape \(shape): \(error)")
        } catch let error as NetworkSizeError {
            throw ValidationError("\(arch) on input shape \(shape): \(error)")
        }
        let summary = model.summary()
        let total = ensemble * summary.totalParameterCount
        if format.json {
            writeOutput(String(summary.json.dropLast()) + ",\"members\":\(ensemble),\"ensemble_params\":\(total)}\n")
        } else {
            let members = ensemble > 1 ? "\nMembers: \(ensemble) (ensemble params: \(total))" : ""
            writeOutput(summary.description + members + "\n")
        }
    }
}
