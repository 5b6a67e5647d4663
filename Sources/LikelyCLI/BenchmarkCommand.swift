import ArgumentParser
import Foundation
import Likely

/// `likely benchmark`: fit and evaluate on K train/test splits, each metric's mean and
/// standard error (`Benchmark` in the library does the work).
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Fit and evaluate on K train/test splits: each metric's mean and standard error.",
        discussion: """
            DATA is a CSV file (K seeded random splits of --test-fraction) or a directory in the layout \
            of the UCI regression benchmark (data.txt, index_features.txt, index_target.txt, \
            index_train_K.txt, index_test_K.txt, n_splits.txt), whose own splits are used. Every fit \
            option of `likely fit` (--target, --family, --hidden, --epochs, --ensemble, --seed, …) passes \
            through to each split's fit, which also takes the seed --seed + k. Reports the test NLL, RMSE \
            and 90% coverage (accuracy and ECE for classes) and seconds. --gap FEATURE replaces the \
            splits by the in-between test: the rows sorted by FEATURE, the middle third held out.
            """)

    @Argument(help: "A CSV file, or a directory in the UCI benchmark layout.")
    var data: String

    @Option(parsing: .unconditional, help: "K: random splits of a CSV file (default \(BenchmarkCommand.defaultSplits)); the first K of a UCI directory's; with --gap, training seeds.")
    var splits: Int?

    @Option(parsing: .unconditional, help: "The fraction in (0, 1) of a CSV file's rows each random split tests on (default \(BenchmarkCommand.defaultTestFraction)).")
    var testFraction: Double?

    @Option(help: "The in-between test on this numeric feature: a CSV column name, or a 0-based column of a UCI directory's data.txt.")
    var gap: String?

    @Option(help: "Write the splits used as index_train_K.txt / index_test_K.txt (0-based data rows, header excluded) into this directory.")
    var writeSplits: String?

    @Option(help: "Read the splits of a CSV file from index_train_K.txt / index_test_K.txt in this directory (as --write-splits writes them).")
    var splitsFrom: String?

    @Option(parsing: .unconditional, help: "T: 0 for the deterministic network, T > 0 for T MC-dropout passes.")
    var mcSamples: Int = 0

    @Option(help: "The predictive: network, dropout, laplace or laplace-nn (default: laplace with --laplace, else dropout when --mc-samples > 0, else network).")
    var predictive: PredictiveMethod?

    @OptionGroup var format: JSONFlag

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    @Argument(parsing: .allUnrecognized, help: "Options of `likely fit` for every split's fit.")
    var fitOptions: [String] = []

    static let defaultSplits = 5
    static let defaultTestFraction = 0.2
    /// `likely fit` options that make no sense for a benchmark.
    static let refusedFitOptions = ["--out", "--resume", "--plots", "--conformal-split", "--conformal-mc-samples", "--calibrate",
                                    "--calibrate-mc-samples", "--quiet"]

    func validate() throws {
        if let splits { try OptionCheck.require(splits, in: 1...1000, "--splits") }
        if let testFraction, !(testFraction > 0 && testFraction < 1) {
            throw InputError("--test-fraction must be in (0, 1), got \(testFraction)")
        }
        try OptionCheck.require(mcSamples, in: 0...10_000, "--mc-samples")
        switch predictive {
        case .dropout where mcSamples == 0:
            throw InputError("--predictive dropout needs --mc-samples T > 0 (the MC-dropout passes)")
        case .network where mcSamples > 0:
            throw InputError("--predictive network is the deterministic network; --mc-samples \(mcSamples) asks for MC dropout")
        case let method? where [.laplace, .laplaceNN].contains(method) && !fitOptions.contains(where: { $0 == "--laplace" || $0.hasPrefix("--laplace=") }):
            throw InputError("--predictive \(method.rawValue) needs a Laplace posterior: add the fit option --laplace full (or last-layer)")
        default: break
        }
        if let option = fitOptions.first(where: { argument in Self.refusedFitOptions.contains { argument == $0 || argument.hasPrefix($0 + "=") } }) {
            throw InputError("\(option) is a `likely fit` option that `likely benchmark` does not take: each split's model is scored, not saved")
        }
        if splitsFrom != nil && gap != nil { throw InputError("--splits-from and --gap both choose the splits: give one of them") }
        if testFraction != nil && (splitsFrom != nil || gap != nil) {
            throw InputError("--test-fraction sizes random splits; --\(gap != nil ? "gap" : "splits-from") chooses them otherwise")
        }
    }

    func run() throws {
        try validate()
        let outputs = OutputPaths(inputs: [("DATA", data)] + (splitsFrom.map { [("--splits-from", $0)] } ?? []))
        if let writeSplits { try outputs.checkDirectory(writeSplits, option: "--write-splits", files: []) }
        let world = try ProcessGroup.current()
        let showProgress = !quiet && world.isRoot
        let fit = try fitCommand()
        let (examples, prepared, sourceRows, uci) = try read(fit, quiet: !showProgress)
        let plan = fit.plan(prepared)
        let chosen = try chooseSplits(examples, uci: uci, sourceRows: sourceRows, seed: fit.seed, quiet: !showProgress)
        var benchmark = Benchmark(plan: plan, mcSamples: mcSamples)
        benchmark.method = predictive?.rawValue
        if showProgress {
            say("benchmark of \(plan.family.name) \(plan.members > 1 ? "ensembles" : "networks") on \(chosen.count) split\(chosen.count == 1 ? "" : "s") of \(examples.count) rows of \(data)")
        }
        let report = try FitCommand.namingOptions(of: prepared, plan: plan) {
            try benchmark.run(examples, splits: chosen, over: world, progress: showProgress ? { say($0) } : nil)
        }
        guard world.isRoot else { return }
        if let writeSplits { try BenchmarkSplitFiles.write(chosen, rows: sourceRows, to: writeSplits) }
        writeOutput((format.json ? report.json(data: data) : report.table) + "\n")
    }

    /// The `likely fit` command of the pass-through options, for DATA.
    func fitCommand() throws -> FitCommand {
        do {
            return try FitCommand.parse([data, "--out", "benchmark"] + fitOptions)
        } catch {
            throw InputError(FitCommand.fullMessage(for: error) + " (a fit option of `likely benchmark`; see likely fit --help)")
        }
    }

    /// The examples, what `fit` makes of them, each row's 0-based data row (for split files),
    /// and the UCI directory's own splits when DATA is one.
    func read(_ fit: FitCommand, quiet: Bool) throws
        -> (Benchmark.Examples, FitCommand.Prepared, rows: [Int], uci: [(train: [Int], test: [Int])]?) {
        if UCIDirectory.looksLikeUCI(data) {
            if fit.target != nil || fit.features != nil || fit.categorical != nil {
                throw InputError("--target, --features and --categorical name CSV columns; DATA \(data) is a UCI directory, whose index_features.txt and index_target.txt choose them")
            }
            let directory = try UCIDirectory(path: data)
            let family = fit.family ?? .normal
            let loaded = LoadedData(kind: .table, path: data, features: directory.features, targets: directory.targets,
                                    featureNames: directory.featureNames)
            try DataSource.checkTargets(loaded, family: family)
            let prepared = FitCommand.Prepared(data: loaded, family: family, architecture: fit.arch ?? .mlp)
            return (.dataset(directory.dataset, kind: .table), prepared, Array(0..<directory.features.shape[0]), directory.splits)
        }
        // Notes go to standard error: standard output carries the report alone.
        let prepared = try fit.prepare(quiet: true)
        if !quiet, prepared.data.droppedForMissing > 0 { say(prepared.data.droppedNote) }
        if let table = prepared.data.table { return (.table(table), prepared, table.sourceRows, nil) }
        return (.dataset(prepared.data.dataset, kind: prepared.data.kind), prepared, Array(0..<prepared.data.count), nil)
    }

    /// The splits: --gap, --splits-from, the UCI directory's, or K seeded random ones.
    func chooseSplits(_ examples: Benchmark.Examples, uci: [(train: [Int], test: [Int])]?, sourceRows: [Int], seed: UInt64,
                      quiet: Bool) throws -> [BenchmarkSplit] {
        let n = examples.count
        if let gap {
            return BenchmarkSplit.gap(values: try gapValues(gap, examples), count: splits ?? Self.defaultSplits, seed: seed)
        }
        var given = uci
        if let splitsFrom {
            if uci != nil { throw InputError("--splits-from reads splits for a CSV file; DATA \(data) is a UCI directory with its own") }
            let read = try BenchmarkSplitFiles.read(splitsFrom, rows: sourceRows, limit: splits)
            if !quiet, read.skipped > 0 {
                say("--splits-from \(splitsFrom): \(read.skipped) listed rows are not in the data read (dropped for missing cells) and were left out")
            }
            given = read.splits
        }
        if var given {
            if let splits {
                guard splits <= given.count else {
                    throw InputError("--splits \(splits): \(splitsFrom.map { "--splits-from \($0)" } ?? "DATA \(data)") has \(given.count) splits")
                }
                given = Array(given.prefix(splits))
            }
            return BenchmarkSplit.given(given, seed: seed)
        }
        let fraction = testFraction ?? Self.defaultTestFraction
        let held = BenchmarkSplit.testRows(rows: n, fraction: fraction)
        guard held >= 1 && held < n else {
            throw InputError("--test-fraction \(fraction) of \(n) rows leaves \(held) for testing and \(n - held) for training; each needs at least one")
        }
        return BenchmarkSplit.random(rows: n, count: splits ?? Self.defaultSplits, testFraction: fraction, seed: seed)
    }

    /// Each row's value of the --gap feature.
    func gapValues(_ feature: String, _ examples: Benchmark.Examples) throws -> [Float] {
        switch examples {
        case .table(let table):
            guard let column = table.encoding.columns.firstIndex(where: { $0.name == feature }) else {
                throw InputError("--gap \(feature): no feature column of that name; the feature columns are "
                                 + table.columnNames.map { "\"\($0)\"" }.joined(separator: ", "))
            }
            guard table.encoding.columns[column].categories == nil else {
                throw InputError("--gap \(feature): the column is categorical; the in-between test sorts the rows by a numeric feature")
            }
            return Self.column(table.encoding.isCompact ? column : table.encoding.inputOffsets[column], of: table.features)
        case .dataset(let data, _):
            guard UCIDirectory.looksLikeUCI(self.data), let directory = try? UCIDirectory(path: self.data) else {
                throw InputError("--gap takes a numeric feature of a CSV table or a UCI directory; DATA \(self.data) is neither")
            }
            guard let index = Int(feature), let position = directory.featureColumns.firstIndex(of: index) else {
                throw InputError("--gap \(feature): expected a 0-based column of data.txt that index_features.txt lists ("
                                 + directory.featureColumns.map(String.init).joined(separator: ", ") + ")")
            }
            return Self.column(position, of: data.features)
        }
    }

    static func column(_ j: Int, of features: Tensor) -> [Float] {
        let width = features.shape[1], scalars = features.scalars
        return (0..<features.shape[0]).map { scalars[$0 * width + j] }
    }
}

/// The predictives `likely benchmark --predictive` names.
enum PredictiveMethod: String, CaseIterable, ExpressibleByArgument {
    case network, dropout, laplace, laplaceNN = "laplace-nn"
}
