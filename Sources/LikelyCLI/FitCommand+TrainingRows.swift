import Likely

extension FitCommand {
    /// The rows of `prepared` that train the network: all of them but those `--conformal-split`
    /// and then `--validation-split` hold out (`TrainingRows.parts`, the draws of
    /// `holdOutCalibration` and `ProbabilisticModel.fit`).
    func trainingRows(of prepared: Prepared) -> [Int] {
        TrainingRows.parts(of: prepared.data.dataset, seed: seed, conformalFraction: conformalSplit, validationFraction: validationSplit,
                           stratified: prepared.family.support.isClassification).train
    }

    /// For a table of which `--conformal-split` or `--validation-split` holds rows out: the
    /// encoding (categories, imputed means) fitted again on the training rows alone, every row
    /// encoded by it; held-out cells of categories the training rows lack count as unseen.
    func encodeOnTrainingRows(_ prepared: inout Prepared, quiet: Bool) {
        guard prepared.data.table != nil, conformalSplit > 0 || validationSplit > 0 else { return }
        let rows = trainingRows(of: prepared)
        guard !rows.isEmpty else { return }  // the split's own check names the fraction
        prepared.data = prepared.data.encoded(fittingOn: rows)
        if !quiet, prepared.data.unseenCategoryCells > 0 {
            say(LoadedData.unseenNote(prepared.data.unseenCategoryCells, in: "held-out rows"))
        }
    }

    /// `model`'s record of its training rows, which `FitPlan.fit` made of the rows the
    /// calibration set left, made of all of DATA's examples (`prepared.beforeCalibration`)
    /// with `--conformal-split` drawn first, as `likely laplace` draws them again.
    func recordCalibrationSplit(of prepared: Prepared, in model: ProbabilisticModel) {
        guard let whole = prepared.beforeCalibration, let rows = model.trainingRows else { return }
        model.trainingRows = TrainingRows(drawnFrom: whole, seed: rows.seed, conformalFraction: conformalSplit,
                                          validationFraction: rows.validationFraction, stratified: rows.stratified)
    }
}
