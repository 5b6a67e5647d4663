import ArgumentParser
import Foundation
import Likely

/// `likely tune`: seeded random search of fit options, scored on a validation split, then a
/// refit of the best configuration on all the data.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Search dropout, weight decay, hidden widths and learning rate on a validation split; refit the best.",
        discussion: """
            Each trial draws the searched options (seeded by --seed): dropout uniform in [0, 0.5], \
            weight decay log-uniform in [1e-6, 1e-2], hidden one of 50, 100, 200, 50,50, 100,100, 200,200, \
            lr log-uniform in [3e-4, 1e-2]; the others are held at their fit values. Every trial trains \
            on the same training part (--validation-split, default 0.2) with early stopping (--patience, \
            default 10) and is scored by its best validation NLL. MODEL_DIR receives tuning.csv (one row \
            per trial) and the best configuration refitted on all of DATA for the epochs its trial kept: \
            an ordinary model directory. Under mpirun the trials are spread over the ranks; the result \
            is the same as one process's.
            """)

    @OptionGroup var fit: FitCommand

    @Option(help: "Trials of the random search.")
    var trials: Int = 20

    @Option(help: "The options to search, comma-separated: dropout, weight-decay, hidden, lr.")
    var search: String = TuneSpace.Dimension.allCases.map(\.rawValue).joined(separator: ",")

    func validate() throws {
        try OptionCheck.require((1...10_000).contains(trials), "--trials", "in 1...10000", got: trials)
        _ = try TuneSpace.dimensions(search)
        if fit.calibrate { throw InputError("--calibrate is not searched by tune; calibrate with likely fit") }
    }

    func run() throws {
        try validate()
        try OutputPaths(inputs: [("DATA", fit.data)])
            .checkDirectory(fit.out, option: "--out", files: ModelDirectory.fileNames + ["tuning.csv"])
        let world = try ProcessGroup.current()
        let quiet = fit.quiet || !world.isRoot
        let dimensions = try TuneSpace.dimensions(search)
        let prepared = try fit.prepare(quiet: quiet)
        var base = fit.settings
        if base.validationSplit == 0 { base.validationSplit = 0.2 }
        if base.patience == nil { base.patience = 10 }
        let space = TuneSpace(dimensions: dimensions, base: base)
        let settings = space.draw(trials, seed: fit.seed)

        // Trial i runs on rank i mod size, alone; the scores are summed over ranks.
        var scores = [Double](repeating: 0, count: 3 * trials)
        for i in stride(from: world.rank, to: trials, by: world.size) {
            // A diverging trial (non-finite loss) scores +∞; bad input still ends the run.
            var outcome: (ProbabilisticModel, History)?
            do {
                outcome = try fit.train(prepared, settings: settings[i], world: SingleProcessCommunicator(), quiet: true, progress: false)
            } catch is RunFailure {
                outcome = nil
            }
            let nll = outcome?.1.epochs.compactMap(\.validationNLL).filter(\.isFinite).min() ?? .infinity
            scores[3 * i] = nll
            scores[3 * i + 1] = Double(outcome?.1.epochs.count ?? 0)
            scores[3 * i + 2] = Double(outcome?.1.keptEpoch ?? 0)
            if !quiet { say(TuneSpace.line(i, of: trials, settings[i], nll: nll, epochs: Int(scores[3 * i + 1]))) }
        }
        world.allreduceSum(&scores)
        guard world.isRoot else { return }
        if !quiet {
            for i in 0..<trials where i % world.size != 0 {
                say(TuneSpace.line(i, of: trials, settings[i], nll: scores[3 * i], epochs: Int(scores[3 * i + 1])))
            }
        }
        let nll = (0..<trials).map { scores[3 * $0] }
        guard let best = nll.indices.filter({ nll[$0].isFinite }).min(by: { nll[$0] < nll[$1] }) else {
            throw RunFailure(message: "every one of the \(trials) trials failed (non-finite validation NLL); try a smaller --lr range or more data")
        }
        try makeDirectory(fit.out, option: "--out")
        try writeText(space.csv(settings, scores: scores), to: DataSource.join(fit.out, "tuning.csv"), option: "--out")

        var refit = settings[best]
        refit.validationSplit = 0
        refit.patience = nil
        refit.epochs = max(1, Int(scores[3 * best + 2]))
        if !quiet {
            say("best: trial \(best + 1) (" + space.describe(settings[best]) + String(format: ", validation NLL %.4f); ", nll[best])
                + "refitting on all \(prepared.data.count) examples for \(refit.epochs!) epochs")
        }
        let (model, history) = try fit.train(prepared, settings: refit, world: SingleProcessCommunicator(), quiet: quiet, progress: false)
        try ModelDirectory.save(model, to: fit.out, history: history)
        if !quiet { say("saved \(fit.out) (tuning.csv: \(trials) trials)") }
    }
}

/// The search space of `likely tune` and its seeded draws.
struct TuneSpace {
    /// A searchable option.
    enum Dimension: String, CaseIterable {
        case dropout, weightDecay = "weight-decay", hidden, lr
    }

    /// The widths `hidden` chooses from.
    static let hiddenChoices: [[Int]] = [[50], [100], [200], [50, 50], [100, 100], [200, 200]]

    var dimensions: Set<Dimension>
    /// The settings held fixed (and the values of unsearched options).
    var base: FitCommand.Settings

    static func dimensions(_ text: String) throws -> Set<Dimension> {
        let names = try OptionCheck.names(text, option: "--search")
        return Set(try names.map { name in
            guard let d = Dimension(rawValue: name.lowercased()) else {
                throw InputError("--search: unknown option '\(name)'; expected some of dropout, weight-decay, hidden, lr")
            }
            return d
        })
    }

    /// `count` trial settings: each trial draws all four values in a fixed order from one
    /// stream (so a trial's values do not depend on which options are searched) and keeps
    /// the searched ones.
    func draw(_ count: Int, seed: UInt64) -> [FitCommand.Settings] {
        var random = RandomSource(seed: seed, stream: 0x7475_6E65)
        func logUniform(_ low: Double, _ high: Double, _ u: Double) -> Float { Float(exp(log(low) + u * (log(high) - log(low)))) }
        return (0..<count).map { _ in
            let u = (0..<4).map { _ in random.uniform() }
            var s = base
            if dimensions.contains(.dropout) { s.dropout = Float(0.5 * u[0]) }
            if dimensions.contains(.weightDecay) { s.weightDecay = logUniform(1e-6, 1e-2, u[1]) }
            if dimensions.contains(.hidden) { s.hidden = Self.hiddenChoices[min(Self.hiddenChoices.count - 1, Int(u[2] * Double(Self.hiddenChoices.count)))] }
            if dimensions.contains(.lr) { s.lr = logUniform(3e-4, 1e-2, u[3]) }
            return s
        }
    }

    /// "dropout 0.12, weight-decay 3.1e-05, hidden 100,100, lr 0.0021"
    func describe(_ s: FitCommand.Settings) -> String {
        String(format: "dropout %.3g, weight-decay %.3g, hidden ", s.dropout ?? 0, s.weightDecay)
            + s.hidden.map(String.init).joined(separator: ",") + String(format: ", lr %.3g", s.lr ?? 0.001)
    }

    /// The progress line of one trial.
    static func line(_ i: Int, of count: Int, _ s: FitCommand.Settings, nll: Double, epochs: Int) -> String {
        let space = TuneSpace(dimensions: [], base: s)
        return "trial \(i + 1)/\(count): " + space.describe(s)
            + (nll.isFinite ? String(format: "  val_nll %.4f", nll) : "  failed (non-finite loss)") + "  epochs \(epochs)"
    }

    /// `tuning.csv`: trial, the four values, the best validation NLL (empty when the trial
    /// failed), the epochs run and the epoch kept.
    func csv(_ settings: [FitCommand.Settings], scores: [Double]) -> String {
        var lines = ["trial,dropout,weight_decay,hidden,lr,val_nll,epochs_run,best_epoch"]
        for (i, s) in settings.enumerated() {
            let nll = scores[3 * i]
            lines.append([String(i + 1), number(s.dropout ?? 0), number(s.weightDecay),
                          csvField(s.hidden.map(String.init).joined(separator: ",")), number(s.lr ?? 0.001),
                          nll.isFinite ? number(nll) : "", String(Int(scores[3 * i + 1])), String(Int(scores[3 * i + 2]))]
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
