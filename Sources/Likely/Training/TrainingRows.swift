/// How `fit` drew the rows it trained on from its data, so that they can be drawn again
/// (`likely laplace` fits its posterior on them): `model.json`'s `training_rows` entry.
///
/// Of DATA's n examples, round(n · c) are held out first to conformalize on (`--conformal-split c`,
/// the stream (seed, `conformalSplit`)); of the n′ left, round(n′ · v) for validation (the
/// effective fraction v: `--validation-split`, or the early-stopping default's
/// `FitDefaults.heldOut(examples: n′) / n′`; the stream (seed, `validationSplit`)); the rest
/// train. Each split is `Dataset.splitIndices`, per class when `stratified` (classification
/// heads). `examples` and `checksum` (a `DataFingerprint`'s: every feature then every target
/// value, as loaded) tell whether other data is the data the rows were drawn from.
public struct TrainingRows: Codable, Equatable, Sendable {
    /// n, the examples of the data the fit was given (CSV rows after any dropped for a missing cell).
    public var examples: Int
    /// The checksum of those examples' features and targets (`DataFingerprint.checksum`).
    public var checksum: String
    /// The fit's seed, which keys both splits.
    public var seed: UInt64
    /// c in [0, 1): the fraction held out to conformalize on.
    public var conformalFraction: Double
    /// v in [0, 1): the fraction of the rest held out for validation.
    public var validationFraction: Double
    /// Whether each split was drawn per class.
    public var stratified: Bool

    /// The rows of each part, as indices into the data.
    public struct Parts: Equatable, Sendable {
        /// The rows the network trained on, in the order the fit saw them.
        public var train: [Int]
        /// The rows held out for validation (early stopping).
        public var validation: [Int]
        /// The rows held out to conformalize on.
        public var conformal: [Int]
    }

    /// The record of a fit that drew its rows from `data`, its checksum computed.
    /// - Parameters:
    ///   - seed: the fit's seed.
    ///   - conformalFraction: c in [0, 1).
    ///   - validationFraction: v in [0, 1), of the rows c leaves.
    ///   - stratified: whether the splits were drawn per class.
    public init(drawnFrom data: Dataset, seed: UInt64, conformalFraction: Double = 0, validationFraction: Double,
                stratified: Bool) {
        examples = data.count
        checksum = DataFingerprint(data).checksum
        self.seed = seed
        self.conformalFraction = conformalFraction
        self.validationFraction = validationFraction
        self.stratified = stratified
    }

    /// Whether `data` holds the examples the rows were drawn from: as many, with the same checksum.
    public func matches(_ data: Dataset) -> Bool {
        data.count == examples && DataFingerprint(data).checksum == checksum
    }

    /// The parts of `data` (of `examples` examples), drawn again exactly as the fit drew them.
    public func parts(of data: Dataset) -> Parts {
        Self.parts(of: data, seed: seed, conformalFraction: conformalFraction, validationFraction: validationFraction,
                   stratified: stratified)
    }

    /// The parts of `data`: the conformal rows drawn from all of them, then the validation rows
    /// from the rest, the training rows what remains; each part in the order of its draw.
    /// `likely fit`, `ProbabilisticModel.fit` and `likely laplace` all draw their rows here.
    public static func parts(of data: Dataset, seed: UInt64, conformalFraction: Double, validationFraction: Double,
                             stratified: Bool) -> Parts {
        let all = Array(0..<data.count)
        let (rest, conformal) = conformalFraction > 0
            ? holdOut(conformalFraction, of: all, in: data, stratified: stratified, key: StreamKey(seed: seed, purpose: .conformalSplit))
            : (all, [])
        let (train, validation) = validationFraction > 0
            ? holdOut(validationFraction, of: rest, in: data, stratified: stratified, key: StreamKey(seed: seed, purpose: .validationSplit))
            : (rest, [])
        return Parts(train: train, validation: validation, conformal: conformal)
    }

    /// `rows` of `data` split by `Dataset.splitIndices` (which reads only their count and, when
    /// stratified, their class targets) with the stream `key`: those kept and those held out.
    static func holdOut(_ fraction: Double, of rows: [Int], in data: Dataset, stratified: Bool,
                        key: StreamKey) -> (kept: [Int], held: [Int]) {
        let part = Dataset(features: Tensor(shape: [rows.count, 0], scalars: []), targets: data.targets.gatheringRows(rows))
        var random = RandomSource(key: key)
        let split = part.splitIndices(validationFraction: fraction, stratified: stratified, using: &random)
        return (split.train.map { rows[$0] }, split.validation.map { rows[$0] })
    }
}
