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
    /// The dropout rate of `mlp` on tables when none is given: kept at 0.1 because on the
    /// benchmark suite (docs/benchmarks.md) dropout 0 with the rest of these defaults lost to
    /// the same-family GLM on 12 tables against 8 at 0.1 (College, Carseats, Credit fell
    /// behind), a regularizer the prior and early stopping do not replace.
    public static let tableDropout: Float = 0.1
    /// The dropout rate of the convolutional architectures when none is given.
    public static let imageDropout: Float = 0.25
    /// δ, the precision of the Gaussian prior N(0, 1/δ) on each weight of `mlp` on a table
    /// (standardized features and target), when no weight decay is given. Weight decay λ on
    /// the mean loss of N examples is that prior's precision per example, λ = δ / N: the prior
    /// weighs as much as one example, so it shrinks as the data grow, where a fixed λ = 0.1
    /// underfitted the larger tables (Bernoulli tables 0.09–0.18 nats behind logistic regression).
    public static let tablePriorPrecision: Float = 1
    /// The fraction of the examples held out for early stopping when neither epochs nor a
    /// validation split are given, up to `maximumValidationExamples`.
    public static let validationSplit = 0.2
    /// The most examples held out by `validationSplit`: 5000 give the validation NLL a standard
    /// error of about 0.005 nats, enough to see the curve flatten; more would only be taken
    /// from training (Fashion-MNIST keeps 55,000 of its 60,000 images).
    public static let maximumValidationExamples = 5000
    /// Gradient steps without a lower validation NLL after which a fit without epochs stops
    /// and keeps its best weights: patience by steps, not epochs, so a 100-row table and
    /// 60,000 images get the same chance to improve.
    public static let patienceSteps = 1000
    /// The most gradient steps of a fit without epochs: early stopping ends nearly every fit
    /// sooner, while a smooth but wiggly function still gets the thousands of steps it needs
    /// (500 steps left the suite's x cos x table 1 nat from its true model).
    public static let maximumSteps = 20_000

    /// The full-batch steps of the output-layer refit (`TrainingOptions.outputRefitSteps`) of a
    /// fit that `refitsOutputLayer`: on the heteroscedastic benchmark table they take the
    /// deterministic network's σ̂ from 19% to 5% off the true σ on average.
    public static let outputRefitSteps = 1000

    /// The full-batch Adam steps of the GLM candidate's fallback fit (`ProbabilisticModel.fitAsGLM`
    /// fits by Newton, and by these steps only beyond `GLMNewton`'s 2000 weights, on compact
    /// tables, or where Newton makes no progress): with the learning rate decaying from
    /// `glmLearningRate` to 0 they bring the GLM's fitted means and probabilities within 10⁻⁶
    /// of least squares' and logistic regression's on the tests' tables of 200 and 300 rows, but
    /// stop 4.5% off on a negative binomial of counts near a hundred.
    public static let glmSteps = 3000
    /// The first learning rate of the GLM candidate's fallback fit (Adam, cosine decay to 0).
    public static let glmLearningRate: Float = 0.02

    /// The gradient steps between two checkpoints of a fit without epochs (`Checkpointing.minimumSteps`):
    /// every epoch of images, every 15th of a 200-row table.
    public static let checkpointSteps = 100

    /// The network for examples of `exampleShape`: `seedCNN` for images [H, W, C], else `mlp`.
    public static func architecture(exampleShape: [Int]) -> Architecture {
        exampleShape.count == 3 ? .seedCNN : .mlp
    }

    /// The dropout rate when none is given: `imageDropout` for the CNNs, `tableDropout` for
    /// `mlp` on CSV tables, 0 for `mlp` on arrays and images.
    public static func dropout(_ architecture: Architecture, _ kind: DataKind) -> Float {
        architecture.takesImages ? imageDropout : kind == .table ? tableDropout : 0
    }

    /// Whether a fit refits its output layer when the plan does not say: for `mlp` on CSV
    /// tables with dropout (rate > 0). Dropout noise during training widens the dispersion the
    /// deterministic network predicts; the refit on the dropout-off features of the training
    /// rows removes it, and is kept only where it lowers the validation NLL.
    public static func refitsOutputLayer(_ architecture: Architecture, _ kind: DataKind, dropout: Float) -> Bool {
        !architecture.takesImages && kind == .table && dropout > 0
    }

    /// Whether a fit weighs the same-family GLM against its network when the plan does not
    /// say: for a single `mlp` with hidden layers on a CSV table, whose family has a GLM
    /// (`ProbabilisticModel.glmLinearColumns`). The GLM is fitted on the training rows beside
    /// the network, and the fit keeps the GLM unless the network's validation NLL is clearly
    /// lower (`GLMCandidate.keepsGLM`): on the benchmark suite's development splits the
    /// network lost to the same-family GLM on 6 tables, on 4 with the lower validation NLL
    /// kept, and on 2 with this rule (docs/benchmarks.md).
    public static func weighsGLM(_ architecture: Architecture, _ kind: DataKind, hidden: [Int], members: Int, head: Head) -> Bool {
        architecture == .mlp && kind == .table && !hidden.isEmpty && members == 1
            && ProbabilisticModel.glmLinearColumns(of: head) != nil
    }

    /// The weight decay when none is given: for `mlp` on CSV tables λ = δ / N with δ =
    /// `tablePriorPrecision` and N the examples trained on (at least 1), 0 otherwise.
    public static func weightDecay(_ architecture: Architecture, _ kind: DataKind, trainingExamples n: Int) -> Float {
        !architecture.takesImages && kind == .table ? tablePriorPrecision / Float(max(1, n)) : 0
    }

    /// Gradient steps of one epoch: ⌈n / B⌉ for n training examples (at least 1) in batches of B.
    public static func stepsPerEpoch(trainingExamples n: Int, batchSize: Int) -> Int {
        (max(1, n) + batchSize - 1) / batchSize
    }

    /// The epochs when none are given, for n training examples in batches of B: those of
    /// `maximumSteps` gradient steps, ⌈maximumSteps / ⌈n/B⌉⌉ (early stopping ends the fit sooner).
    public static func epochs(trainingExamples n: Int, batchSize: Int) -> Int {
        let steps = stepsPerEpoch(trainingExamples: n, batchSize: batchSize)
        return (maximumSteps + steps - 1) / steps
    }

    /// The early-stopping patience in epochs of a fit without epochs: those of `patienceSteps`
    /// gradient steps, ⌈patienceSteps / ⌈n/B⌉⌉.
    public static func patience(trainingExamples n: Int, batchSize: Int) -> Int {
        let steps = stepsPerEpoch(trainingExamples: n, batchSize: batchSize)
        return (patienceSteps + steps - 1) / steps
    }

    /// The examples of n held out for early stopping: round(`validationSplit` · n), at most
    /// `maximumValidationExamples`; 0 when that leaves no example on one side.
    public static func heldOut(examples n: Int) -> Int {
        let held = min(maximumValidationExamples, Int((Double(n) * validationSplit).rounded()))
        return held >= 1 && held < n ? held : 0
    }

    /// Where a fit to `directory` keeps the state a resumed fit continues from: the sibling
    /// directory `MODEL_DIR.checkpoint`, so a killed fit never touches the previous model in
    /// MODEL_DIR. An ensemble keeps member j's in its subdirectory `member_j`.
    public static func checkpoint(of directory: String) -> String {
        (directory.hasSuffix("/") ? String(directory.dropLast()) : directory) + ".checkpoint"
    }
}
