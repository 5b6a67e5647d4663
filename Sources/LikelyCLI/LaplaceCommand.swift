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
            the Laplace (linearised) predictive unless --predictive says otherwise. --json prints the entry.
            """)

    @Argument(help: "A model directory written by `likely fit`.")
    var modelDirectory: String

    @Argument(help: "The data the model was trained on (a CSV file, an IDX, CIFAR or NPY directory).")
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
        let loaded = try DataSource.load(data, for: model, split: split, needTargets: true)
        // Under mpirun each rank sums the curvature of its shard of the rows; rank 0 saves.
        let world = try ProcessGroup.current()
        var weights = Checksum()
        for tensor in model.namedTensors { weights.add(tensor.tensor.scalars) }
        try world.agree(on: RunFingerprint(loaded, options: [("model", "weights checksum " + weights.hex), ("structure", structure.rawValue),
                                                             ("prior-precision", "\(priorPrecision)"), ("split", split?.rawValue),
                                                             ("seed", String(seed))]))
        let quiet = self.quiet || !world.isRoot
        if !quiet { say("fitting a \(structure.rawValue) Laplace posterior of \(modelDirectory) on \(loaded.count) examples of \(data)") }
        let start = Date()
        let laplace = try model.fitLaplace(on: loaded.dataset, structure: structure, prior: priorPrecision, seed: seed, over: world,
                                           progress: quiet ? nil : { say($0) })
        guard world.isRoot else { return }
        let seconds = Date().timeIntervalSince(start)
        try ModelDirectory.save(model, to: modelDirectory)
        if json {
            printResult(ModelDirectory.laplaceEntryJSON(of: model) ?? "{}")
        } else if !quiet {
            let deltas = laplace.members.map { $0.priorPrecision.map { String(format: "%.4g", $0) }.joined(separator: "/") }.joined(separator: ", ")
            let evidence = laplace.members.map { String(format: "%.4f", $0.logMarginalLikelihood) }.joined(separator: ", ")
            printResult("stored a \(structure.rawValue) Laplace posterior of \(laplace.members[0].parameterCount) weights per member in \(modelDirectory) "
                        + "(prior precision \(deltas), log evidence \(evidence), \(String(format: "%.2f", seconds)) s)")
        }
    }
}
