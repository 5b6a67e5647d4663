/// How a conformal region did on labelled data (`likely evaluate --level L`): the
/// `"conformal"` object of the JSON report.
public struct ConformalReport: Encodable, Equatable, Sendable {
    /// L.
    public var level: Double
    /// The conformity score.
    public var method: ConformalMethod
    /// n, the calibration scores behind the threshold.
    public var nCalibration: Int
    /// q̂(L), +∞ when the calibration set is too small for L (not in the JSON).
    public var threshold: Double
    /// The fraction of observations inside their region.
    public var coverage: Double
    /// Regression and counts: the mean of upper − lower (+∞ when the regions are unbounded;
    /// JSON null then, with `unboundedReason` as its note).
    public var meanWidth: Double?
    /// Classification: the mean number of classes per set.
    public var meanSetSize: Double?

    /// The keys of `evaluate --json`'s `conformal` object, which the synthesized `encode(to:)`
    /// writes (absent optionals left out; `threshold` and `unboundedReason` are not in it; an
    /// infinite `meanWidth` becomes null with `unboundedReason` as its note).
    enum CodingKeys: String, CodingKey {
        case level, method, nCalibration = "n_calibration", coverage, meanWidth = "mean_width", meanSetSize = "mean_set_size"
    }

    /// Why the regions are every value, when they are (`ConformalCalibration.unboundedReason`;
    /// not in the JSON but as the note of its null `mean_width`).
    public var unboundedReason: String?

    /// The note of `mean_width` when it is null, keyed by its JSON pointer under `path`.
    public func undefinedReasons(at path: [String]) -> [String: String] {
        guard let unboundedReason, meanWidth.map({ !$0.isFinite }) == true else { return [:] }
        return [JSONNumbers.pointer(path + ["mean_width"]): "+infinity: " + unboundedReason]
    }
}
