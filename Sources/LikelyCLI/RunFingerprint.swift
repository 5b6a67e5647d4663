import Foundation
import Likely

/// What a command's state files and the ranks of an `mpirun` job compare: the data read
/// (`DataFingerprint`: rows, shapes, columns, a checksum of every value) and the options
/// that shape the result, as text.
struct RunFingerprint: Codable, Equatable {
    var data: DataFingerprint
    /// The options, `--name value` each, in a fixed order.
    var options: [String]

    /// The fingerprint of `data` read for a command run with `options`.
    init(_ data: LoadedData, options: [(name: String, value: String?)]) {
        let columns = (data.columnNames ?? data.featureNames ?? []) + (data.targetName.map { [$0] } ?? []) + (data.classNames ?? [])
        self.data = DataFingerprint(features: data.features, targets: data.targets, columns: columns)
        self.options = options.map { "--\($0.name) \($0.value ?? "(default)")" }
    }

    /// What differs (this fingerprint's value first), or `[]`.
    func differences(from other: RunFingerprint) -> [String] {
        var out = data.differences(from: other.data).map { "data: " + $0 }
        if options != other.options {
            let changed = zip(options, other.options).filter { $0 != $1 }.map { "\($0) against \($1)" }
            out.append("options: " + (changed.isEmpty ? "\(options.joined(separator: " ")) against \(other.options.joined(separator: " "))"
                                                      : changed.joined(separator: "; ")))
        }
        return out
    }

    /// One cell of `tuning.csv`: `ROWS;SHAPE;TARGET_SHAPE;COLUMNS_CHECKSUM;VALUES_CHECKSUM;OPTIONS_CHECKSUM`,
    /// no commas, so that the CSV needs no quoting.
    var cell: String {
        var columns = Checksum(), options = Checksum()
        data.columns.forEach { columns.add($0) }
        self.options.forEach { options.add($0) }
        return [String(data.rows), data.exampleShape.map(String.init).joined(separator: "x"),
                data.targetShape.map(String.init).joined(separator: "x"), columns.hex, data.checksum, options.hex]
            .joined(separator: ";")
    }

    /// What differs between this run and the run that wrote `cell`, or `[]`; `nil` when
    /// `cell` is not a fingerprint.
    func differences(fromCell cell: String) -> [String]? {
        let parts = cell.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        let own = self.cell.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == own.count, Int(parts[0]) != nil else { return nil }
        let names = ["rows", "example shape", "target shape", "column names (checksum)", "values (checksum)",
                     "fit options (checksum of the options that shape a trial)"]
        return names.indices.compactMap { i in
            parts[i] == own[i] ? nil : "\(names[i]) \(parts[i].isEmpty ? "[]" : parts[i]) against \(own[i].isEmpty ? "[]" : own[i])"
        }
    }
}

extension Communicator {
    /// Under mpirun: every rank stops with the same `RankDisagreement` (exit 2) unless all
    /// were given rank 0's data and options (see `agree(on:differences:)`); nothing otherwise.
    /// The fingerprint is computed only under mpirun.
    func agree(on fingerprint: @autoclosure () -> RunFingerprint) throws {
        guard isDistributed else { return }
        try agree(on: fingerprint()) { $0.differences(from: $1) }
    }
}

extension ModelDataOptions {
    /// What the ranks of predict, evaluate, sample and conformalize must share before their
    /// passes: DATA, the model's weights, the predictive's options and `extra`.
    func fingerprint(_ data: LoadedData, model: ProbabilisticModel, extra: [(name: String, value: String?)] = []) -> RunFingerprint {
        var weights = Checksum()
        for tensor in model.namedTensors { weights.add(tensor.tensor.scalars) }
        return RunFingerprint(data, options: [("model", "weights checksum " + weights.hex), ("split", split?.rawValue),
                                              ("mc-samples", String(mcSamples)), ("seed", String(seed))] + extra)
    }
}

extension FitCommand {
    /// The options of `fit` (and so of `tune`) that shape the result: all but --out, --quiet,
    /// --resume and --plots, in declaration order.
    var shapingOptions: [(name: String, value: String?)] {
        func text<T>(_ value: T?) -> String? { value.map { "\($0)" } }
        return [("target", target), ("features", text(features)), ("class-names", text(classNames)), ("categorical", text(categorical)),
                ("missing", text(missing)), ("family", family?.name), ("scale-link", scaleLink.rawValue),
                ("components", text(components)), ("arch", arch?.rawValue), ("hidden", text(hidden)),
                ("dropout", text(dropout)), ("input-dropout", text(inputDropout)), ("epochs", text(epochs)),
                ("batch-size", text(batchSize)), ("optimizer", optimizer.rawValue), ("lr", text(lr)),
                ("momentum", text(momentum)), ("weight-decay", text(weightDecay)), ("validation-split", text(validationSplit)),
                ("patience", text(patience)), ("no-standardize", text(noStandardize)),
                ("no-output-refit", text(noOutputRefit)), ("no-glm-candidate", text(noGlmCandidate)),
                ("augment", text(augment)),
                ("seed", text(seed)), ("calibrate", text(calibrate)), ("calibrate-mc-samples", text(calibrateMcSamples)),
                ("conformal-split", text(conformalSplit)), ("conformal-mc-samples", text(conformalMcSamples)),
                ("ensemble", text(ensemble)), ("laplace", laplace?.rawValue), ("prior-precision", text(priorPrecision))]
    }
}
