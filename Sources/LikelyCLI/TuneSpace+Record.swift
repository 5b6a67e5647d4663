import Foundation
import Likely

// What `likely tune` prints and records in tuning.csv, and how `--resume` reads it back.
extension TuneSpace {
    /// "dropout 0.12, weight-decay 3.1e-05, hidden 100,100, lr 0.0021", then ", family gamma"
    /// when the family is searched.
    func describe(_ s: FitPlan) -> String {
        String(format: "dropout %.3g, weight-decay %.3g, hidden ", s.dropout ?? 0, s.weightDecay ?? 0)
            + s.hidden.map(String.init).joined(separator: ",") + String(format: ", lr %.3g", s.learningRate ?? 0.001)
            + (families.count > 1 ? ", family \(s.family.name)" : "")
    }

    /// The progress line of one trial.
    func line(_ i: Int, of count: Int, _ s: FitPlan, _ score: TrialScore, folds: Int) -> String {
        let scored = folds > 1 ? " (mean of \(folds) folds)" : ""
        return "trial \(i + 1)/\(count)\(i == 0 ? " (fit's configuration)" : ""): " + describe(s)
            + (score.nll.isFinite ? String(format: "  val_nll %.4f", score.nll) + scored : "  failed (non-finite loss)")
            + "  epochs " + Self.epochs(score.epochsRun)
    }

    /// A mean of epochs: an integer when it is one, else one decimal.
    static func epochs(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x)
    }

    static let header = "trial,dropout,weight_decay,hidden,lr,family,val_nll,epochs_run,best_epoch,folds,fold_val_nll,fingerprint"

    /// The cells of trial i's values: trial, dropout, weight decay, hidden, lr, family.
    func values(_ i: Int, _ s: FitPlan) -> String {
        [String(i + 1), number(s.dropout ?? 0), number(s.weightDecay ?? 0),
         csvField(s.hidden.map(String.init).joined(separator: ",")), number(s.learningRate ?? 0.001), s.family.name].joined(separator: ",")
    }

    /// `tuning.csv`: a row per finished trial: its values, the validation NLL (the mean over
    /// the folds, at full precision; empty when the trial failed), the mean epochs run and
    /// kept, the folds, each fold's validation NLL at the kept epoch (space-separated), and the
    /// search's `RunFingerprint.cell` (its data and options, checked by `--resume`).
    func csv(_ settings: [FitPlan], scores: [TrialScore], folds: Int, fingerprint: RunFingerprint) -> String {
        var lines = [Self.header]
        for (i, s) in settings.enumerated() where scores[i].done {
            let score = scores[i]
            lines.append([values(i, s), score.nll.isFinite ? "\(score.nll)" : "", Self.epochs(score.epochsRun),
                          Self.epochs(score.bestEpoch), String(folds), score.folds.map { "\($0)" }.joined(separator: " "),
                          fingerprint.cell]
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The trials an earlier run of the same search finished, read from its `tuning.csv`
    /// (`--resume`): `none` for the trials it lacks.
    /// - Throws: `InputError` when the file is missing or unreadable, or a row is not of this
    ///   search (other values, folds, columns, data or fit options), naming the row.
    func finished(in path: String, _ settings: [FitPlan], folds: Int, fingerprint: RunFingerprint) throws -> [TrialScore] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError("--resume: no \(path) (an earlier likely tune with the same --out writes it after every trial)")
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw InputError("--resume: cannot read \(path) as UTF-8 text (\(error.localizedDescription))")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard lines.first == Self.header else {
            throw InputError("--resume: \(path) does not start with the header \(Self.header) (a tuning.csv without the family or fingerprint column is of an earlier version: start a new search)")
        }
        var scores = [TrialScore](repeating: .none, count: settings.count)
        for (r, line) in lines.enumerated().dropFirst() {
            func bad(_ problem: String) -> InputError { InputError("--resume: \(path) line \(r + 1): \(problem)") }
            guard let trial = Int(line.prefix { $0 != "," }), (1...settings.count).contains(trial) else {
                throw bad("expected a trial number in 1...\(settings.count) first")
            }
            // The folds first (third cell from the end): trial 1's weight decay, δ/N of a fold's
            // training rows, differs with them, and the folds are what to name.
            let fromEnd = line.split(separator: ",", omittingEmptySubsequences: false)
            if fromEnd.count >= 3, let scored = Int(fromEnd[fromEnd.count - 3]), scored != folds {
                throw bad("trial \(trial) was scored on \(scored) folds, this search on \(folds); resume with the same --folds")
            }
            let expected = values(trial - 1, settings[trial - 1])
            guard line.hasPrefix(expected + ",") else {
                throw bad("trial \(trial) was run with other values than this search draws (\(expected)); resume with the same --seed, --search, --trials and fit options")
            }
            let cells = line.dropFirst(expected.count + 1).split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == 6, let run = Double(cells[1]), let kept = Double(cells[2]), cells[0].isEmpty || Double(cells[0]) != nil else {
                throw bad("expected val_nll, epochs_run, best_epoch, folds, fold_val_nll, fingerprint after the values, got \(cells.joined(separator: ","))")
            }
            guard cells[3] == String(folds) else {
                throw bad("trial \(trial) was scored on \(cells[3]) folds, this search on \(folds); resume with the same --folds")
            }
            guard let differences = fingerprint.differences(fromCell: String(cells[5])) else {
                throw bad("expected a fingerprint (rows;shape;target shape;checksums) in the last column, got '\(cells[5])'")
            }
            guard differences.isEmpty else {
                throw bad("trial \(trial) was scored by another search: " + differences.joined(separator: "; ")
                          + " (tuning.csv's value first); resume with the same DATA and options (--seed, --epochs, --batch-size, --arch, "
                          + "--family, --search, --folds, ...), or delete \(path) to start afresh, or drop --resume")
            }
            let nll = Double(cells[0]) ?? .infinity
            let foldValues = cells[4].split(separator: " ").compactMap { Double($0) }.filter(\.isFinite)
            guard nll.isFinite ? foldValues.count == folds : cells[4].isEmpty else {
                throw bad("expected \(nll.isFinite ? "\(folds) finite fold NLLs" : "no fold NLLs (a failed trial)") in fold_val_nll, got '\(cells[4])'")
            }
            scores[trial - 1] = TrialScore(nll: nll, epochsRun: run, bestEpoch: kept, folds: foldValues)
        }
        return scores
    }
}
