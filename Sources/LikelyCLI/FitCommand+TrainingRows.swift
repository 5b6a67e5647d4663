import Likely

extension FitCommand {
    /// The seeded source of `--conformal-split`'s rows.
    var conformalSplitRandom: RandomSource { RandomSource(key: StreamKey(seed: seed, purpose: .conformalSplit)) }

    /// The rows of `prepared` that train the network: all of them but those `--conformal-split`
    /// and then `--validation-split` hold out (the same seeded draws as `holdOutCalibration`
    /// and `ProbabilisticModel.fit` make).
    func trainingRows(of prepared: Prepared) -> [Int] {
        let all = prepared.data.dataset
        let stratified = prepared.family.support.isClassification
        var rows = Array(0..<all.count)
        if conformalSplit > 0 {
            var random = conformalSplitRandom
            rows = all.splitIndices(validationFraction: conformalSplit, stratified: stratified, using: &random).train
        }
        if validationSplit > 0 {
            var random = RandomSource(key: StreamKey(seed: seed, purpose: .validationSplit))
            let part = Dataset(features: Tensor(shape: [rows.count, 0], scalars: []), targets: all.targets.gatheringRows(rows))
            rows = part.splitIndices(validationFraction: validationSplit, stratified: stratified, using: &random).train.map { rows[$0] }
        }
        return rows
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
}
