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
    /// Regression and counts: the mean of upper − lower (+∞ when q̂ is; JSON null then).
    public var meanWidth: Double?
    /// Classification: the mean number of classes per set.
    public var meanSetSize: Double?

    enum CodingKeys: String, CodingKey {
        case level, method, nCalibration = "n_calibration", coverage, meanWidth = "mean_width", meanSetSize = "mean_set_size"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(level, forKey: .level)
        try c.encode(method, forKey: .method)
        try c.encode(nCalibration, forKey: .nCalibration)
        try c.encode(coverage, forKey: .coverage)
        if let meanWidth {
            // An infinite width (q̂ = +∞: too few calibration scores for L) is null.
            if meanWidth.isFinite { try c.encode(meanWidth, forKey: .meanWidth) } else { try c.encodeNil(forKey: .meanWidth) }
        }
        if let meanSetSize { try c.encode(meanSetSize, forKey: .meanSetSize) }
    }
}
