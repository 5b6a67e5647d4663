/// The name of one random stream: what it is for and whose it is.
///
/// Every draw of Likely comes from the stream of a key (seed, purpose, epoch, example), so a
/// draw depends only on its key, never on how work is cut into batches, threads or processes:
/// example 17's dropout mask in epoch 3 is the same whichever batch and process computes it.
/// `RandomSource(key:)` expands the whole tuple into mt19937's state (see `RandomSource`).
public struct StreamKey: Hashable, Sendable, CustomStringConvertible {
    /// What a stream is drawn for; two purposes never share a stream.
    public enum Purpose: UInt64, Sendable, CaseIterable {
        /// A stream named only by its seed and number (`RandomSource(seed:stream:)`).
        case general = 0
        /// Initial weights.
        case initialization
        /// The random validation split of the training data.
        case validationSplit
        /// The order of the training examples in an epoch.
        case shuffle
        /// Training dropout masks, one stream per (epoch, example).
        case dropout
        /// Training augmentation, one stream per (epoch, example).
        case augmentation
        /// MC-dropout masks of the predictive, one stream per input.
        case monteCarloDropout
        /// Draws from predictive or fitted distributions.
        case sampling
        /// The seed of an ensemble member j ≥ 1, keyed (seed, `.ensembleMember`, 0, j).
        case ensembleMember
        /// The uniform u of a randomised conformal score (APS, RAPS), one stream per input.
        case conformalRandomisation
        /// The tuning part of a RAPS calibration set.
        case conformalTuning
        /// The calibration set a fit holds out to conformalize on.
        case conformalSplit
        /// The random configurations of a tuning search.
        case tuningDraws
        /// The head family of each random configuration of a tuning search.
        case tuningFamily
        /// The cross-validation folds (or the validation part) of a tuning search.
        case tuningFolds
        /// The Monte-Carlo draws that estimate a predictive's CRPS.
        case crpsEstimate
        /// The uniforms of the randomized PIT of count families.
        case randomizedPIT
        /// The synthetic regression data of the demo.
        case demoRegressionData
        /// The training subset of the demo's image classifier.
        case demoImageSubset
        /// The demo's foreign (out-of-distribution) images.
        case demoForeignImages
        /// The random train/test splits of a benchmark, one stream per split.
        case benchmarkSplits
        /// The Monte-Carlo Fisher of a Laplace posterior, one stream per chunk of rows.
        case laplaceFisher
        /// The raw-output draws of the Laplace (linearised) predictive, one stream per input.
        case laplacePredictive
        /// The demo's two-cluster data of the in-between case.
        case demoInBetweenData
        /// The weight draws of the Laplace sampled-network ("nn") predictive, one stream per member.
        case laplaceWeights
        /// The Monte-Carlo Fisher of the same-family GLM's Newton steps (families without a closed form).
        case glmFisher
    }

    /// The user's seed.
    public var seed: UInt64
    /// What the stream is for.
    public var purpose: Purpose
    /// The epoch (0 where there is none).
    public var epoch: UInt64
    /// The example (a dataset row or an input's global index; 0 where there is none), or a
    /// stream number for `.general`.
    public var example: UInt64

    /// The key of one stream.
    public init(seed: UInt64, purpose: Purpose, epoch: UInt64 = 0, example: UInt64 = 0) {
        self.seed = seed
        self.purpose = purpose
        self.epoch = epoch
        self.example = example
    }

    /// The same key for another example.
    public func forExample(_ example: Int) -> StreamKey {
        precondition(example >= 0, "an example index must be ≥ 0, got \(example)")
        var key = self
        key.example = UInt64(example)
        return key
    }

    /// A readable description, as `print` shows it.
    public var description: String { "(seed \(seed), \(purpose), epoch \(epoch), example \(example))" }
}
