/// The link a head uses for the positive parameters that declare `followsScaleLink` (a
/// Normal's scale, a Gamma's concentration and rate, ...): `fit --scale-link`.
public enum ScaleLink: String, Codable, CaseIterable, Sendable {
    /// σ = eʳ; the log-density then uses r = ln σ directly.
    case exp
    /// σ = softplus(r) + 1e-6: grows linearly rather than exponentially in r.
    case softplus

    /// The Distributions module's link.
    public var link: Link { self == .exp ? .exp : .softplus }
}
