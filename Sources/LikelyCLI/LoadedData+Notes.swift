/// The notes the commands print about rows and cells of a table they did not take as given.
extension LoadedData {
    /// "dropped N rows …", saying whether a feature cell or the target was missing.
    var droppedNote: String {
        let n = droppedForMissing, targets = droppedForMissingTarget, features = n - targets
        let rows = n == 1 ? "1 row" : "\(n) rows"
        if features == 0 { return "dropped \(rows) with a missing target" }
        if targets == 0 { return "dropped \(rows) with \(n == 1 ? "a missing cell" : "missing cells")" }
        return "dropped \(rows): \(features) with missing feature cells, \(targets) with a missing target"
    }

    /// "N cells of PLACE hold categories not seen in training, encoded as unseen …".
    static func unseenNote(_ cells: Int, in place: String) -> String {
        "\(cells) \(cells == 1 ? "cell" : "cells") of \(place) \(cells == 1 ? "holds a category" : "hold categories") "
            + "not seen in training, encoded as unseen (all of the column's one-hot inputs 0, or its \"missing\" category)"
    }

    /// Whether the data has targets and every one is a whole number ≥ 0 (counts).
    var targetsAreWholeNumbers: Bool {
        guard let targets else { return false }
        return targets.scalars.allSatisfy { $0 >= 0 && $0 == $0.rounded() }
    }

    /// The note on whole-number targets fitted (or searched) with a continuous family.
    static let wholeNumberNote = "note: every target is a whole number ≥ 0; a continuous family can pile its density on repeated values, which lowers its NLL without making it a model of counts: compare --family poisson, negbinomial or zip"
}
