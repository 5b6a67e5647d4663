import Foundation

/// The defaults of a `FitPlan` (and of `likely fit`), the constants and the ones that depend
/// on the data. Help text and docs quote these values; each has its home here.
public enum FitDefaults {
    /// Hidden layer sizes of `mlp`.
    public static let hidden = [50, 50]
    /// Observations per gradient step.
    public static let batchSize = 32
    /// Mixture components of `Family.normalMixture` (`mdn`).
    public static let components = 3
    /// The epochs of images and arrays of images.
    public static let imageEpochs = 10
    /// Gradient steps a table's default epochs aim at. Measured on scikit-learn's diabetes
    /// and statsmodels' engel tables (5 random 80/20 splits, docs/cli.md): 10 epochs of a
    /// 200-row table (60 Adam steps at lr 0.001) are not converged, 4000 steps overfit the
    /// heteroscedastic Normal badly without weight decay (test NLL 29–88 on diabetes); about
    /// 500 steps with dropout 0.1 and `tableWeightDecay` are close to tuned models. Doubling
    /// them helped MASS's Boston and hurt statsmodels' star98.
    public static let tableSteps = 500
    /// The range a table's default epochs are held in.
    public static let tableEpochs = 10...1000
    /// The dropout rate of `mlp` on tables when none is given.
    public static let tableDropout: Float = 0.1
    /// The dropout rate of the convolutional architectures when none is given.
    public static let imageDropout: Float = 0.25
    /// The L2 weight decay of `mlp` on tables when none is given. Measured on diabetes,
    /// statsmodels' engel, grunfeld, star98 and fair and MASS's Boston (5 random splits each,
    /// docs/cli.md), λ in {0, 0.03, 0.1, 0.2}: 0.1 had the lowest test NLL on diabetes (5.350
    /// against 5.416 at 0) and improved grunfeld, star98, fair and Boston, costing 0.03 on engel.
    public static let tableWeightDecay: Float = 0.1

    /// The network for examples of `exampleShape`: `seedCNN` for images [H, W, C], else `mlp`.
    public static func architecture(exampleShape: [Int]) -> Architecture {
        exampleShape.count == 3 ? .seedCNN : .mlp
    }

    /// The dropout rate when none is given: `imageDropout` for the CNNs, `tableDropout` for
    /// `mlp` on CSV tables, 0 for `mlp` on arrays and images.
    public static func dropout(_ architecture: Architecture, _ kind: DataKind) -> Float {
        architecture.takesImages ? imageDropout : kind == .table ? tableDropout : 0
    }

    /// The weight decay when none is given: `tableWeightDecay` for `mlp` on CSV tables, 0
    /// otherwise.
    public static func weightDecay(_ architecture: Architecture, _ kind: DataKind) -> Float {
        !architecture.takesImages && kind == .table ? tableWeightDecay : 0
    }

    /// The epochs when none are given: `imageEpochs` for images and arrays; for a table of n
    /// examples, a fraction v held out for validation and batch size B, as many epochs as give
    /// about `tableSteps` gradient steps, ⌈tableSteps / ⌈m/B⌉⌉ with m = round(n(1 − v)), held in
    /// `tableEpochs`.
    public static func epochs(_ kind: DataKind, examples n: Int, batchSize: Int, validationSplit: Double) -> Int {
        guard kind == .table else { return imageEpochs }
        let training = max(1, Int((Double(n) * (1 - validationSplit)).rounded()))
        let steps = (training + batchSize - 1) / batchSize
        return min(tableEpochs.upperBound, max(tableEpochs.lowerBound, (tableSteps + steps - 1) / steps))
    }

    /// Where a fit to `directory` keeps the state a resumed fit continues from: the sibling
    /// directory `MODEL_DIR.checkpoint`, so a killed fit never touches the previous model in
    /// MODEL_DIR. An ensemble keeps member j's in its subdirectory `member_j`.
    public static func checkpoint(of directory: String) -> String {
        (directory.hasSuffix("/") ? String(directory.dropLast()) : directory) + ".checkpoint"
    }
}
