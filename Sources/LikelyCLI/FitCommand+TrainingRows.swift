import Likely

extension FitCommand {
    /// The rows of `prepared` that train the network: all of them but those `--conformal-split`
    /// and then the validation split hold out (`--validation-split`, or the early-stopping
    /// default's `FitPlan.heldOutFraction` of the rows the calibration set leaves): the draws
    /// of `holdOutCalibration` and `ProbabilisticModel.fit` (`TrainingRows.parts`).
    func trainingRows(of prepared: Prepared) -> [Int] {
        let data = prepared.data.dataset, stratified = prepared.family.support.isClassification
        let calibrated = TrainingRows.parts(of: data, seed: seed, conformalFraction: conformalSplit, validationFraction: 0,
                                            stratified: stratified).train
        let validation = plan(prepared).heldOutFraction(examples: calibrated.count)
        guard validation > 0 else { return calibrated }
        return TrainingRows.parts(of: data, seed: seed, conformalFraction: conformalSplit, validationFraction: validation,
                                  stratified: stratified).train
    }

    /// For a table of which `--conformal-split` or the validation split (`--validation-split`,
    /// or early stopping's by default) holds rows out: the encoding (categories, imputed means)
    /// fitted again on the training rows alone, every row encoded by it; held-out cells of
    /// categories the training rows lack count as unseen.
    func encodeOnTrainingRows(_ prepared: inout Prepared, quiet: Bool) {
        guard prepared.data.table != nil else { return }
        let rows = trainingRows(of: prepared)
        guard !rows.isEmpty, rows.count < prepared.data.count else { return }  // the split's own check names the fraction
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
