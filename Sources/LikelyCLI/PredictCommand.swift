import ArgumentParser
import Foundation
import Likely

/// `likely predict`: one CSV row per input with the predictive's summary.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Write the predictive distribution of each input as a CSV row.",
        discussion: """
            Regression and counts: mean, sd, aleatoric_sd, epistemic_sd, q05, q95 (sd² = aleatoric_sd² + \
            epistemic_sd²; q05 and q95 are quantiles of the predictive). Classification: p_0 … p_{K-1}, \
            predicted (the class name), entropy, mutual_information (nats). With --level L on a conformalized \
            model: lower, upper (regression, counts) or set (class names joined by |), set_size. Standard \
            output unless --out.
            """)

    @OptionGroup var common: ModelDataOptions

    @OptionGroup var table: TableOutput

    @OptionGroup var conformal: ConformalLevel

    func validate() throws {
        try common.check()
        _ = try table.keptColumns()
        try conformal.check()
    }

    func run() throws {
        try validate()
        try table.checkOut(common.outputPaths)
        let model = try ModelDirectory.load(common.modelDirectory)
        try conformal.checkScores(of: model, common)
        let kept = try table.keptColumns()
        let data = try common.load(common.data, for: model, needTargets: false, keep: kept)
        common.noteUnseen(data)
        let world = try ProcessGroup.current()
        let method = try common.method(for: model)
        try world.agree(on: common.fingerprint(data, model: model))
        guard let predictive = model.predictive(data.features, method: method, seed: common.seed, over: world) else { return }
        let region = conformal.level.map { model.conformalRegion(predictive, level: $0, seed: common.seed) }
        let csv = try PredictionTable.csv(predictive, model: model, region: region, kept: kept, cells: data.keptCells)
        try emit(csv, to: table.out)
        if let note = PredictionTable.undefinedNote(predictive) { say(note) }
        if let level = conformal.level, let region, let note = PredictionTable.unboundedNote(region, model: model, level: level) { say(note) }
    }
}

/// The CSV text of `likely predict`.
enum PredictionTable {
    /// The note printed to standard error when cells are left empty because the mean or the
    /// variance is not finite (a Student's t has no mean for df ≤ 1 and an infinite variance
    /// for df ≤ 2), nil when every number is finite. Classification never has such cells.
    static func undefinedNote(_ predictive: Predictive) -> String? {
        guard !predictive.head.family.support.isClassification else { return nil }
        let mean = predictive.mean, sd = predictive.standardDeviations.total
        let noMean = mean.filter(\.isNaN).count, hugeMean = mean.filter(\.isInfinite).count
        let noSD = sd.filter(\.isNaN).count, infiniteSD = sd.filter(\.isInfinite).count
        guard noMean + hugeMean + noSD + infiniteSD > 0 else { return nil }
        var parts: [String] = []
        if noMean > 0 { parts.append("mean is empty on \(noMean) of \(mean.count) rows (it does not exist there, as for a Student's t with df ≤ 1)") }
        if hugeMean > 0 { parts.append("mean is empty on \(hugeMean) of \(mean.count) rows (it is infinite or beyond ±1.8e308, the range of a Double, there)") }
        if noSD > 0 { parts.append("sd is empty on \(noSD) of \(sd.count) rows (the predictive variance is undefined there: the mean does not exist)") }
        if infiniteSD > 0 {
            parts.append("sd is empty on \(infiniteSD) of \(sd.count) rows (the predictive variance is infinite there, as for a Student's t "
                         + "with df ≤ 2, or the sd is beyond ±1.8e308, the range of a Double)")
        }
        return "note: " + parts.joined(separator: "; ")
    }

    /// The note printed when conformal bounds are left empty because the regions are unbounded
    /// (`ConformalCalibration.unboundedReason`), nil when every bound is finite.
    static func unboundedNote(_ region: ConformalRegion, model: ProbabilisticModel, level: Double) -> String? {
        guard case .intervals(let lower, let upper) = region, let conformal = model.conformal else { return nil }
        let open = zip(lower, upper).filter { !$0.isFinite || !$1.isFinite }.count
        guard open > 0 else { return nil }
        let reason = conformal.unboundedReason(level: level) ?? "the region is unbounded there"
        return "note: lower and upper are empty on \(open) of \(lower.count) rows (−∞ and +∞): \(reason)"
    }

    /// - Parameters:
    ///   - region: the conformal region of each input, as extra columns.
    ///   - kept: the names of input columns copied before the predictions.
    ///   - cells: their text, one array per input row.
    static func csv(_ predictive: Predictive, model: ProbabilisticModel, region: ConformalRegion? = nil, kept: [String] = [], cells: [[String]] = []) throws -> String {
        try KeptColumns.prepend(kept, cells: cells, to: summary(predictive, model: model, region: region))
    }

    /// The header line, then one line per input.
    static func summary(_ predictive: Predictive, model: ProbabilisticModel, region: ConformalRegion?) -> [String] {
        var lines: [String] = []
        let n = predictive.count
        if model.head.family.support.isClassification {
            let uncertainty = predictive.classification
            let probabilities = uncertainty.meanProbabilities
            let k = probabilities.shape[1]
            let names = model.classNames ?? model.head.classNamesByIndex ?? (0..<k).map(String.init)
            var sets: [[Int]]?
            if case .sets(let s) = region { sets = s }
            lines.append(((0..<k).map { "p_\($0)" } + ["predicted", "entropy", "mutual_information"]
                          + (sets == nil ? [] : ["set", "set_size"])).joined(separator: ","))
            let p = probabilities.scalars
            for i in 0..<n {
                let row = Array(p[(i * k)..<((i + 1) * k)])
                let best = row.indices.max { row[$0] < row[$1] } ?? 0
                var cells = row.map(number) + [csvField(best < names.count ? names[best] : String(best)),
                                               number(uncertainty.predictiveEntropy[i]), number(uncertainty.mutualInformation[i])]
                if let set = sets?[i] {
                    cells += [csvField(set.map { $0 < names.count ? names[$0] : String($0) }.joined(separator: "|")), String(set.count)]
                }
                lines.append(cells.joined(separator: ","))
            }
        } else {
            var bounds: (lower: [Float], upper: [Float])?
            if case .intervals(let lower, let upper) = region { bounds = (lower, upper) }
            lines.append("mean,sd,aleatoric_sd,epistemic_sd,q05,q95" + (bounds == nil ? "" : ",lower,upper"))
            let mean = predictive.mean, sd = predictive.standardDeviations
            let tails = predictive.quantiles([0.05, 0.95]), (q05, q95) = (tails[0], tails[1])
            for i in 0..<n {
                var cells = [number(mean[i]), number(sd.total[i]), number(sd.aleatoric[i]), number(sd.epistemic[i]),
                             number(q05[i]), number(q95[i])]
                if let bounds { cells += [number(bounds.lower[i]), number(bounds.upper[i])] }
                lines.append(cells.joined(separator: ","))
            }
        }
        return lines
    }
}

/// The shortest text that reads back as the same Float; an empty cell (CSV's null) where the
/// value is not finite, e.g. the sd of a Student's t with df ≤ 2 (`PredictionTable.undefinedNote`).
func number(_ x: Float) -> String { x.isFinite ? "\(x)" : "" }

/// A Double rounded to Float precision, in the same form; beyond Float's range (±3.4·10³⁸),
/// the Double itself, so a finite value is never an empty cell.
func number(_ x: Double) -> String {
    let rounded = Float(x)
    return rounded.isFinite || !x.isFinite ? number(rounded) : "\(x)"
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// Writes `text` to `path`, or to standard output when `path` is nil.
func emit(_ text: String, to path: String?) throws {
    if let path {
        try writeText(text, to: path, option: "--out")
    } else {
        writeOutput(text)
    }
}
