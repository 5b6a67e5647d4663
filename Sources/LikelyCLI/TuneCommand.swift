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
            further trial draws the searched options (seeded by --seed): dropout uniform in \(TuneCommand.range(TuneSpace.dropoutRange)), weight \
            decay log-uniform in \(TuneCommand.range(TuneSpace.weightDecayRange)), hidden one of \
            \(TuneSpace.hiddenChoices.map { $0.map(String.init).joined(separator: ",") }.joined(separator: ", ")), lr \
            log-uniform in \(TuneCommand.range(TuneSpace.learningRateRange)), the family uniformly among those; the others are held at their fit values. A trial is scored by \
            the minimum of its mean validation NLL curve over --folds cross-validation folds (default 5 for at most \
            \(TuneValidation.crossValidatedExamples) examples, else 1: one --validation-split part, default \
            \(TuneValidation.defaultFraction)), each trained with early stopping (--patience, default \(Tuner.defaultPatience)) \
            for at most --epochs (default: the epochs of \(FitDefaults.maximumSteps) gradient steps, as fit). MODEL_DIR receives tuning.csv (rewritten after every trial, or every round of one trial per \
            rank under mpirun; --resume skips the trials it holds) and a model refitted on all of DATA, an ordinary model directory: fit's \
            own model, unless the lowest-scoring trial beats trial 1 by more than two standard errors \
            of their paired fold differences, which is then refitted for the gradient steps of its \
            minimum. Under mpirun the trials are spread over the ranks; the result is the same as \
            one process's.
            """)

    @OptionGroup var fit: FitCommand

    @Option(parsing: .unconditional, help: "Trials of the random search, the first being fit's own configuration.")
    var trials: Int = 20

    @Option(help: "The options to search, comma-separated: dropout, weight-decay, hidden, lr, family (default: all; family only without --family).",
            transform: { try SearchedOptions($0) })
    var search: SearchedOptions?

    /// The searched options: `--search`, else all of them.
    var dimensions: Set<TuneSpace.Dimension> { search?.dimensions ?? Set(TuneSpace.Dimension.allCases) }

    @Option(parsing: .unconditional, help: "Cross-validation folds scoring each trial (default: 5 for at most \(TuneValidation.crossValidatedExamples) examples, else 1: one --validation-split part).")
    var folds: Int?

    /// "[a, b]" as the help text writes a drawn range.
    static func range(_ r: ClosedRange<Double>) -> String { "[\(OptionCheck.number(r.lowerBound)), \(OptionCheck.number(r.upperBound))]" }

    func validate() throws {
        try OptionCheck.require(trials, in: 1...10_000, "--trials")
        if let search, search.dimensions.contains(.family), let family = fit.family {
            throw InputError("--search family searches the head's family, but --family \(family.name) holds it fixed: give one of them")
        }
        if let folds {
            try OptionCheck.require(folds, in: 1...20, "--folds")
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
                                         + [("search", search?.description), ("folds", folds.map(String.init))])
        try world.agree(on: fingerprint)
        let validation = TuneValidation(
            folds: folds ?? (fit.validationSplit > 0 ? 1 : TuneValidation.defaultFolds(examples: prepared.data.count)),
            fraction: fit.validationSplit > 0 ? fit.validationSplit : TuneValidation.defaultFraction)
        var dimensions = self.dimensions
        if fit.family != nil { dimensions.remove(.family) }
        let plan = fit.plan(prepared), data = prepared.data
        let tuner = try FitCommand.namingOptions(of: prepared, plan: plan) {
            // Each part's encoding (categories, imputed means) is fitted on its training rows alone.
            try Tuner(plan: plan, data: data.dataset, kind: data.kind, dimensions: dimensions, validation: validation,
                      encoding: { rows in data.encoded(fittingOn: rows).dataset })
        }
        let space = tuner.space
        if search != nil, dimensions.contains(.family), space.families.count == 1 {
            throw InputError("--search family: only \(prepared.family.name) fits the targets of \(data.path) (\(prepared.family.support.expectation(classCount: data.classNames?.count ?? 2))); leave family out of --search")
        }
        let trials = space.trials(self.trials), count = trials.count
        if !quiet, count < self.trials {
            say("--search \(SearchedOptions(dimensions: dimensions)): \(count) configurations (fit's under each family); running \(count) trials, not \(self.trials)")
        }
        if !quiet, dimensions.contains(.family), data.targetsAreWholeNumbers {
            say(LoadedData.wholeNumberNote)
        }
        let csvPath = DataSource.join(fit.out, "tuning.csv")
        var finished: [TrialScore]?
        if fit.resume {
            finished = try space.finished(in: csvPath, trials, folds: validation.folds, fingerprint: fingerprint)
            if !quiet { say("resuming: \(finished?.filter(\.done).count ?? 0) of \(count) trials already in \(csvPath)") }
        }
        try makeDirectory(fit.out, option: "--out")
        // Rank 0 prints and writes every finished trial after each round: an interrupted
        // search, of one process or many, keeps all it finished.
        let scores = try FitCommand.namingOptions(of: prepared, plan: plan) {
            try tuner.search(trials, finished: finished, over: world) { round, scores in
                guard world.isRoot else { return }
                if !quiet {
                    for i in round where finished?[i].done != true {
                        say(space.line(i, of: count, trials[i], scores[i], folds: validation.folds))
                    }
                }
                // Rewritten atomically after every round: at most the round in progress is lost.
                try writeText(space.csv(trials, scores: scores, folds: validation.folds, fingerprint: fingerprint),
                              to: csvPath, option: "--out")
            }
        }
        guard world.isRoot else { return }
        guard let choice = TrialScore.choose(scores) else {
            throw RunFailure(message: "every one of the \(count) trials failed (non-finite validation NLL); try a smaller --lr range or more data")
        }
        let best = choice.trial
        // Trial 1, kept, is refitted exactly as fit trains it (likely fit's own model); another
        // trial for the gradient steps of its validated optimum.
        let refit = tuner.refitPlan(trials, scores: scores, best: best, examples: data.count)
        if !quiet {
            if let rival = choice.within {
                say(String(format: "trial %d validated %.4f lower than fit's configuration, within two standard errors (2 × %.4f): kept trial 1",
                           rival + 1, scores[0].nll - scores[rival].nll, choice.standardError))
            }
            let held = Int((Double(data.count) * refit.heldOutFraction(examples: data.count)).rounded())
            let epochs = refit.epochs(trainingExamples: data.count - held)
            printResult("best: trial \(best + 1) (" + space.describe(trials[best]) + String(format: ", validation NLL %.4f); ", scores[best].nll)
                + (held > 0 ? "refitting as fit does: \(data.count - held) examples, \(held) held out for early stopping, at most \(epochs) epochs"
                            : "refitting on all \(data.count) examples for \(epochs) epochs"))
        }
        let (model, history) = try fit.train(prepared, plan: refit, world: SingleProcessCommunicator(), quiet: quiet, progress: false)
        try ModelDirectory.save(model, to: fit.out, history: history)
        if !quiet { printResult("saved \(fit.out) (tuning.csv: \(count) trials)") }
    }
}
