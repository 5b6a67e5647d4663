import ArgumentParser
import Foundation
import Likely

/// `likely tune`: seeded random search of fit options, each trial scored by cross-validation
/// (or one validation split), then a refit of the best configuration on all the data.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Search dropout, weight decay, hidden widths, learning rate and the head's family on validation data; refit the best.",
        discussion: """
            Trial 1 is fit's own configuration (the options given, else fit's defaults). When the \
            family is searched (a numeric target and no --family), the next trials (as many as --trials \
            allows) are fit's configuration under each other continuous family that accepts every target (studentt, \
            laplace; lognormal and gamma for positive targets; beta for targets in (0, 1)). Each \
            further trial draws the searched options (seeded by --seed): dropout uniform in [0, 0.5], weight \
            decay log-uniform in [1e-3, 0.3], hidden one of 50, 100, 200, 50,50, 100,100, 200,200, lr \
            log-uniform in [2e-4, 3e-3], the family uniformly among those; the others are held at their fit values. A trial is scored by \
            the minimum of its mean validation NLL curve over --folds cross-validation folds (default 5 for at most 10000 \
            examples, else 1: one --validation-split part, default 0.2), each trained with early stopping \
            (--patience, default 10) for at most --epochs (default: 4 times fit's default for tables, \
            at most 1000). MODEL_DIR receives tuning.csv (rewritten after every trial, or every round of one trial per \
            rank under mpirun; --resume skips the trials it holds) and a model refitted on all of DATA, an ordinary model directory: fit's \
            own model, unless the lowest-scoring trial beats trial 1 by more than two standard errors \
            of their paired fold differences, which is then refitted for the gradient steps of its \
            minimum. Under mpirun the trials are spread over the ranks; the result is the same as \
            one process's.
            """)

    @OptionGroup var fit: FitCommand

    @Option(parsing: .unconditional, help: "Trials of the random search, the first being fit's own configuration.")
    var trials: Int = 20

    @Option(help: "The options to search, comma-separated: dropout, weight-decay, hidden, lr, family (default: all; family only without --family).")
    var search: String?

    @Option(parsing: .unconditional, help: "Cross-validation folds scoring each trial (default: 5 for at most 10000 examples, else 1: one --validation-split part).")
    var folds: Int?

    func validate() throws {
        try OptionCheck.require((1...10_000).contains(trials), "--trials", "in 1...10000", got: trials)
        if try TuneSpace.dimensions(search).contains(.family), search != nil, let family = fit.family {
            throw InputError("--search family searches the head's family, but --family \(family.name) holds it fixed: give one of them")
        }
        if let folds {
            try OptionCheck.require((1...20).contains(folds), "--folds", "in 1...20", got: folds)
            if folds > 1 && fit.validationSplit > 0 {
                throw InputError("--folds \(folds) cross-validates on every example; --validation-split holds out one part: give one of them")
            }
        }
        if fit.calibrate { throw InputError("--calibrate is not searched by tune; calibrate with likely fit") }
        if fit.conformalSplit > 0 { throw InputError("--conformal-split is not applied by tune; conformalize the tuned model with likely conformalize") }
    }

    func run() throws {
        try validate()
        try OutputPaths(inputs: [("DATA", fit.data)])
            .checkDirectory(fit.out, option: "--out", files: ModelDirectory.fileNames + ["tuning.csv"])
        let world = try ProcessGroup.current()
        let quiet = fit.quiet || !world.isRoot
        let prepared = try fit.prepare(quiet: quiet)
        // What tuning.csv records of this search, and a resumed one must match: --ensemble
        // applies to the refit alone, so a search may be resumed to refit an ensemble.
        let fingerprint = RunFingerprint(prepared.data, options: fit.shapingOptions.filter { $0.name != "ensemble" }
                                         + [("search", search), ("folds", folds.map(String.init))])
        try world.agree(on: fingerprint)
        let validation = TuneValidation(
            folds: folds ?? (fit.validationSplit > 0 ? 1 : TuneValidation.defaultFolds(examples: prepared.data.count)),
            fraction: fit.validationSplit > 0 ? fit.validationSplit : 0.2)
        let parts = try validation.parts(of: prepared, seed: fit.seed)

        // Trial 1: fit's configuration with its defaults spelt out; then the draws.
        var base = fit.settings
        base.dropout = base.dropout ?? FitDefaults.dropout(prepared.architecture, prepared.data.kind)
        base.lr = base.lr ?? fit.optimizer.defaultLearningRate
        base.weightDecay = base.weightDecay ?? FitDefaults.weightDecay(prepared.architecture, prepared.data.kind)
        base.validationSplit = 0
        base.patience = base.patience ?? 10
        base.epochs = base.epochs ?? TuneSpace.epochCap(parts[0].training, batchSize: fit.batchSize)
        var dimensions = try TuneSpace.dimensions(search)
        if fit.family != nil { dimensions.remove(.family) }
        let families = dimensions.contains(.family) ? TuneSpace.families(for: prepared) : [prepared.family]
        if search != nil, dimensions.contains(.family), families.count == 1 {
            throw InputError("--search family: only \(prepared.family.name) fits the targets of \(prepared.data.path) (\(prepared.family.support.expectation(classCount: prepared.data.classNames?.count ?? 2))); leave family out of --search")
        }
        let space = TuneSpace(dimensions: dimensions, base: base, families: families)
        // Trial 1, then fit's configuration under each other family, then the random draws;
        // with the family alone searched every draw would repeat one of those, so none are.
        let swaps = families.dropFirst().map { family in var s = base; s.family = family; return s }.prefix(trials - 1)
        let draws = dimensions.subtracting([.family]).isEmpty ? 0 : trials - 1 - swaps.count
        let settings = [base] + swaps + space.draw(draws, seed: fit.seed)
        let count = settings.count
        if !quiet, count < trials {
            say("--search \(search ?? ""): \(count) configurations (fit's under each family); running \(count) trials, not \(trials)")
        }
        if !quiet, dimensions.contains(.family), let targets = prepared.data.targets,
           targets.scalars.allSatisfy({ $0 >= 0 && $0 == $0.rounded() }) {
            say("note: every target is a whole number ≥ 0; a continuous family can pile its density on repeated values, which lowers its NLL without making it a model of counts: compare --family poisson, negbinomial or zip")
        }
        let csvPath = DataSource.join(fit.out, "tuning.csv")

        // Trial i runs on rank i mod size, alone, in rounds of one trial per rank. After each
        // round the ranks' own scores are summed, so rank 0 prints and writes every finished
        // trial: an interrupted search, of one process or many, keeps all it finished.
        var own = [TrialScore](repeating: .none, count: count)
        var resumed = Set<Int>()
        if fit.resume {
            let finished = try space.finished(in: csvPath, settings, folds: validation.folds, fingerprint: fingerprint)
            resumed = Set(finished.indices.filter { finished[$0].done })
            for i in resumed where i % world.size == world.rank { own[i] = finished[i] }
            if !quiet { say("resuming: \(resumed.count) of \(count) trials already in \(csvPath)") }
        }
        try makeDirectory(fit.out, option: "--out")
        let width = TrialScore.width(folds: validation.folds)
        var scores = own
        for round in stride(from: 0, to: count, by: world.size) {
            let mine = round + world.rank
            if mine < count && !own[mine].done { own[mine] = try score(settings[mine], on: parts) }
            var flat = own.flatMap { $0.values(folds: validation.folds) }
            world.allreduceSum(&flat)
            scores = (0..<count).map { TrialScore(Array(flat[(width * $0)..<(width * $0 + width)])) }
            guard world.isRoot else { continue }
            if !quiet {
                for i in round..<min(count, round + world.size) where !resumed.contains(i) {
                    say(space.line(i, of: count, settings[i], scores[i], folds: validation.folds))
                }
            }
            // Rewritten atomically after every round: at most the round in progress is lost.
            try writeText(space.csv(settings, scores: scores, folds: validation.folds, fingerprint: fingerprint), to: csvPath, option: "--out")
        }
        guard world.isRoot else { return }
        guard let choice = TrialScore.choose(scores) else {
            throw RunFailure(message: "every one of the \(count) trials failed (non-finite validation NLL); try a smaller --lr range or more data")
        }
        let best = choice.trial

        // Trial 1, kept, is refitted exactly as fit trains it (likely fit's own model); another
        // trial for the gradient steps of its validated optimum.
        var refit = settings[best]
        if best == 0 {
            (refit.epochs, refit.patience) = (fit.epochs, fit.patience)
        } else {
            refit.patience = nil
            refit.epochs = Self.refitEpochs(scores[best].bestEpoch, trainedOn: parts[0].training.data.count,
                                            refitOn: prepared.data.count, batchSize: fit.batchSize)
        }
        let epochs = refit.epochs ?? FitCommand.defaultEpochs(prepared, batchSize: fit.batchSize, validationSplit: 0)
        if !quiet {
            if let rival = choice.within {
                say(String(format: "trial %d validated %.4f lower than fit's configuration, within two standard errors (2 × %.4f): kept trial 1",
                           rival + 1, scores[0].nll - scores[rival].nll, choice.standardError))
            }
            say("best: trial \(best + 1) (" + space.describe(settings[best]) + String(format: ", validation NLL %.4f); ", scores[best].nll)
                + "refitting on all \(prepared.data.count) examples for \(epochs) epochs")
        }
        let (model, history) = try fit.train(prepared, settings: refit, world: SingleProcessCommunicator(), quiet: quiet, progress: false)
        try ModelDirectory.save(model, to: fit.out, history: history)
        if !quiet { say("saved \(fit.out) (tuning.csv: \(count) trials)") }
    }

    /// The epochs of the refit on all n examples: as many gradient steps as the validated
    /// optimum took on the m training examples of a part, e·⌈m/B⌉/⌈n/B⌉ rounded (at least 1):
    /// the training the validation saw.
    static func refitEpochs(_ bestEpoch: Double, trainedOn m: Int, refitOn n: Int, batchSize b: Int) -> Int {
        let partSteps = Double((m + b - 1) / b), allSteps = Double((n + b - 1) / b)
        return max(1, Int((bestEpoch * partSteps / allSteps).rounded()))
    }

    /// Trains `settings` on every part and scores it by the folds' mean validation curve:
    /// with v_k(e) fold k's validation NLL after epoch e (held at its last value after the
    /// fold stopped early), the score is min_e (1/K) Σ_k v_k(e) and the epochs to refit are
    /// the arg-min, one epoch count for all folds rather than an optimistic per-fold best.
    /// Every trial, fit's configuration included, is scored so, so that their scores carry the
    /// same optimism of a best epoch. The fold values v_k at that epoch are kept for the
    /// standard error of `TrialScore.choose`. Each fold trains one network; `--ensemble M`
    /// applies to the refit only. A diverging fold (non-finite loss) makes the
    /// trial fail (+∞); bad input still ends the run.
    func score(_ settings: FitCommand.Settings, on parts: [TuneValidation.Part]) throws -> TrialScore {
        let failed = TrialScore(nll: .infinity, epochsRun: 0, bestEpoch: 0, folds: [])
        // One network per fold, whatever --ensemble says: the refit trains the members.
        var settings = settings
        settings.members = 1
        var curves: [[Double]] = []
        for part in parts {
            let history: History
            do {
                history = try fit.train(part.training, settings: settings, world: SingleProcessCommunicator(), quiet: true,
                                        progress: false, validation: part.validation).1
            } catch is RunFailure {
                return failed
            }
            let curve = history.epochs.map { $0.validationNLL ?? .nan }
            guard !curve.isEmpty, curve.allSatisfy(\.isFinite) else { return failed }
            curves.append(curve)
        }
        let k = Double(curves.count), longest = curves.map(\.count).max() ?? 0
        let mean = (0..<longest).map { e in curves.reduce(0) { $0 + $1[min(e, $1.count - 1)] } / k }
        guard let best = mean.indices.min(by: { mean[$0] < mean[$1] }) else { return failed }
        return TrialScore(nll: mean[best], epochsRun: Double(curves.reduce(0) { $0 + $1.count }) / k, bestEpoch: Double(best + 1),
                          folds: curves.map { $0[min(best, $0.count - 1)] })
    }
}

/// The search space of `likely tune` and its seeded draws.
struct TuneSpace {
    /// A searchable option.
    enum Dimension: String, CaseIterable {
        case dropout, weightDecay = "weight-decay", hidden, lr, family
    }

    /// The widths `hidden` chooses from.
    static let hiddenChoices: [[Int]] = [[50], [100], [200], [50, 50], [100, 100], [200, 200]]

    var dimensions: Set<Dimension>
    /// The settings held fixed (and the values of unsearched options).
    var base: FitCommand.Settings
    /// The head families a trial may take, fit's own first (just it when family is not searched).
    var families: [Family]

    /// The families `family` searches: fit's own (chosen from the data), then, for numeric
    /// targets, every other continuous family of `Family.allCases` that accepts all of them
    /// (student-t and laplace for any; lognormal and gamma when all are > 0; beta when all lie
    /// in (0, 1)). Their NLLs are log-densities of the same targets, so comparable; discrete
    /// families (counts, classes) score probabilities instead and are not mixed in. Class
    /// targets keep their one family.
    static func families(for prepared: FitCommand.Prepared) -> [Family] {
        let own = prepared.family
        guard own.support == .real, let targets = prepared.data.targets else { return [own] }
        return [own] + Family.allCases.filter { family in
            family != own && !family.support.isDiscrete && family != .normalMixture
                && (try? family.checkTargets(targets)) != nil
        }
    }

    /// The options `--search` names; all of them when it is not given.
    static func dimensions(_ text: String?) throws -> Set<Dimension> {
        guard let text else { return Set(Dimension.allCases) }
        let names = try OptionCheck.names(text, option: "--search")
        return Set(try names.map { name in
            guard let d = Dimension(rawValue: name.lowercased()) else {
                throw InputError("--search: unknown option '\(name)'; expected some of dropout, weight-decay, hidden, lr, family")
            }
            return d
        })
    }

    /// `count` trial settings: each trial draws dropout, weight decay, hidden and lr in a fixed
    /// order from one stream, and the family (uniform over `families`) from a stream of its
    /// own, so the sequence of draws does not depend on which options are searched; it keeps
    /// the searched ones.
    func draw(_ count: Int, seed: UInt64) -> [FitCommand.Settings] {
        var random = RandomSource(seed: seed, stream: 0x7475_6E65)
        var familyRandom = RandomSource(seed: seed, stream: 0x6661_6D69)
        func logUniform(_ low: Double, _ high: Double, _ u: Double) -> Float { Float(exp(log(low) + u * (log(high) - log(low)))) }
        return (0..<count).map { _ in
            let u = (0..<4).map { _ in random.uniform() }
            var s = base
            if dimensions.contains(.dropout) { s.dropout = Float(0.5 * u[0]) }
            if dimensions.contains(.weightDecay) { s.weightDecay = logUniform(1e-3, 0.3, u[1]) }
            if dimensions.contains(.hidden) { s.hidden = Self.hiddenChoices[min(Self.hiddenChoices.count - 1, Int(u[2] * Double(Self.hiddenChoices.count)))] }
            if dimensions.contains(.lr) { s.lr = logUniform(2e-4, 3e-3, u[3]) }
            let f = familyRandom.uniform()
            if families.count > 1 { s.family = families[min(families.count - 1, Int(f * Double(families.count)))] }
            return s
        }
    }

    /// The epoch cap of a trial when --epochs is not given: for tables 4 times fit's default
    /// for the training part (about 2000 gradient steps; early stopping ends most trials far
    /// sooner), at most 1000; fit's default otherwise.
    static func epochCap(_ training: FitCommand.Prepared, batchSize: Int) -> Int {
        let epochs = FitCommand.defaultEpochs(training, batchSize: batchSize, validationSplit: 0)
        return training.data.kind == .table ? min(1000, 4 * epochs) : epochs
    }

    /// The family of a trial's settings.
    func family(_ s: FitCommand.Settings) -> Family { s.family ?? families[0] }

    /// "dropout 0.12, weight-decay 3.1e-05, hidden 100,100, lr 0.0021", then ", family gamma"
    /// when the family is searched.
    func describe(_ s: FitCommand.Settings) -> String {
        String(format: "dropout %.3g, weight-decay %.3g, hidden ", s.dropout ?? 0, s.weightDecay ?? 0)
            + s.hidden.map(String.init).joined(separator: ",") + String(format: ", lr %.3g", s.lr ?? 0.001)
            + (families.count > 1 ? ", family \(family(s).name)" : "")
    }

    /// The progress line of one trial.
    func line(_ i: Int, of count: Int, _ s: FitCommand.Settings, _ score: TrialScore, folds: Int) -> String {
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
    func values(_ i: Int, _ s: FitCommand.Settings) -> String {
        [String(i + 1), number(s.dropout ?? 0), number(s.weightDecay ?? 0),
         csvField(s.hidden.map(String.init).joined(separator: ",")), number(s.lr ?? 0.001), family(s).name].joined(separator: ",")
    }

    /// `tuning.csv`: a row per finished trial: its values, the validation NLL (the mean over
    /// the folds, at full precision; empty when the trial failed), the mean epochs run and
    /// kept, the folds, each fold's validation NLL at the kept epoch (space-separated), and the
    /// search's `RunFingerprint.cell` (its data and options, checked by `--resume`).
    func csv(_ settings: [FitCommand.Settings], scores: [TrialScore], folds: Int, fingerprint: RunFingerprint) -> String {
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
    func finished(in path: String, _ settings: [FitCommand.Settings], folds: Int, fingerprint: RunFingerprint) throws -> [TrialScore] {
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
