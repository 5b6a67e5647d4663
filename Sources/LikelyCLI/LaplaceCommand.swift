import ArgumentParser
import Foundation
import Likely

/// `likely laplace`: fit a Laplace posterior of a saved model's weights and store it in the
/// model directory.
struct LaplaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "laplace",
        abstract: "Fit a Laplace posterior of a saved model's weights on its training data and store it in the model directory.",
        discussion: """
            The posterior is a Gaussian around the trained weights whose precision is the generalised \
            Gauss-Newton matrix (the head's Fisher information carried through the network's Jacobian) \
            plus the prior precision. --structure full covers every weight of an MLP (at most 10,000), \
            kfac every weight with one Kronecker-factored block per layer, ekfac the same eigenbases with \
            eigenvalues re-estimated by a second pass over the data, diagonal every weight with the \
            curvature's diagonal only, last-layer the last Dense layer of any network, exactly. --prior-precision auto maximises the Laplace \
            evidence; auto-per-layer gives each layer its own; weight-norm gives layer l the precision P_l / |theta_l|^2 \
            under which its trained weights are a typical draw (narrower bands near the data when the weights outnumber the examples); gridsearch (fit --laplace only: it needs the validation rows) the grid value with the lowest validation NLL; a number fixes it. MODEL_DIR then holds \
            laplace.safetensors and model.json's laplace entry, and every command reading the model uses \
            the Laplace (linearised) predictive unless --predictive says otherwise. --json prints the entry. \
            On the data the model was trained on, the posterior is fitted on its training rows alone, drawn again \
            as the fit drew them (model.json's training_rows), never on its validation or conformal rows; on other \
            data, or for a model whose model.json does not record them, on every row, with a note on standard error.
            """)

    @Argument(help: "A model directory written by `likely fit`.")
    var modelDirectory: String

    @Argument(help: "The data the model was trained on (a CSV file, an IDX, CIFAR or NPY directory): its training rows are used.")
    var data: String

    @Option(help: "Which weights and how: full, kfac, ekfac, diagonal or last-layer.")
    var structure: LaplaceStructure = .full

    @Option(help: "The prior precision: auto (maximise the evidence), auto-per-layer, weight-norm, or a number > 0 (gridsearch needs validation rows: fit --laplace).")
    var priorPrecision: PriorPrecision = .auto

    @Option(help: "For IDX and CIFAR image directories, which files to read (default: train).")
    var split: MNISTSplit?

    @Option(parsing: .unconditional, help: "Seed of the Monte-Carlo Fisher of families without a closed form.", transform: OptionCheck.seed)
    var seed: UInt64 = 0

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    @Flag(help: "Print the stored laplace entry as one line of JSON.")
    var json = false

    func run() throws {
        let model = try ModelDirectory.load(modelDirectory)
        try model.checkLaplace(structure)
        let kind = try DataSource.kind(of: data)
        let split = self.split ?? (kind == .images || kind == .cifar ? .train : nil)
        // Held-out rows may hold categories their fit's training rows lack: encoded as that fit did.
        let loaded = try DataSource.load(data, for: model, split: split, needTargets: true, unknownCategories: .ignore)
        // Under mpirun each rank sums the curvature of its shard of the rows; rank 0 saves.
        let world = try ProcessGroup.current()
        var weights = Checksum()
        for tensor in model.namedTensors { weights.add(tensor.tensor.scalars) }
        try world.agree(on: RunFingerprint(loaded, options: [("model", "weights checksum " + weights.hex), ("structure", structure.rawValue),
                                                             ("prior-precision", "\(priorPrecision)"), ("split", split?.rawValue),
                                                             ("seed", String(seed))]))
        let quiet = self.quiet || !world.isRoot
        // The rows the model was trained on, drawn again as its fit drew them; of other data, every row.
        let all = loaded.dataset
        let parts = model.trainingRows.flatMap { $0.matches(all) ? $0.parts(of: all) : nil }
        if let parts, parts.train.isEmpty, let rows = model.trainingRows {
            throw InputError("\(modelDirectory)/model.json: field training_rows holds out every one of its \(rows.examples) examples "
                             + "(conformal_fraction \(rows.conformalFraction), validation_fraction \(rows.validationFraction)): no training row "
                             + "is left to fit a posterior on; the file was not written by likely fit as it stands (refit the model)")
        }
        if parts == nil, loaded.unseenCategoryCells > 0 {
            _ = try DataSource.load(data, for: model, split: split, needTargets: true)  // other data: exit 2 naming the cell
        }
        if world.isRoot, parts == nil { say(everyRowNote(model.trainingRows, examples: all.count)) }
        if !quiet {
            let rows = parts.map { "\($0.train.count) training rows of \(all.count) (\($0.validation.count) validation and \($0.conformal.count) conformal rows left out)" }
            say("fitting a \(structure.rawValue) Laplace posterior of \(modelDirectory) on \(rows ?? "\(all.count) examples") of \(data)")
        }
        let start = Date()
        let laplace = try model.fitLaplace(on: parts.map { all.subset($0.train) } ?? all, structure: structure, prior: priorPrecision,
                                           seed: seed, over: world, progress: quiet ? nil : { say($0) })
        guard world.isRoot else { return }
        let seconds = Date().timeIntervalSince(start)
        let saved = try ModelDirectory.save(model, to: modelDirectory)
        if json {
            printResult(saved.laplaceEntryJSON ?? "{}")
        } else if !quiet {
            let deltas = laplace.members.map { $0.priorPrecision.map { String(format: "%.4g", $0) }.joined(separator: "/") }.joined(separator: ", ")
            let evidence = laplace.members.map { String(format: "%.4f", $0.logMarginalLikelihood) }.joined(separator: ", ")
            printResult("stored a \(structure.rawValue) Laplace posterior of \(laplace.members[0].parameterCount) weights per member in \(modelDirectory) "
                        + "(prior precision \(deltas), log evidence \(evidence), \(String(format: "%.2f", seconds)) s)")
        }
    }

    /// Why every example of DATA is used: the model does not record its training rows
    /// (`TrainingRows`), or DATA is not the data they were drawn from.
    func everyRowNote(_ record: TrainingRows?, examples: Int) -> String {
        let reason = switch record {
        case nil: "\(modelDirectory)/model.json does not record which rows the model was trained on (a model saved by an older likely, or not by likely fit)"
        case let record? where record.examples != examples: "DATA \(data) holds \(examples) examples; the data \(modelDirectory) was trained on held \(record.examples)"
        case let record?: "DATA \(data) holds other values than the \(record.examples) examples \(modelDirectory) was trained on"
        }
        return "note: \(reason): fitting on all \(examples) examples of DATA, not only the training rows"
    }
}
