import LikelyTensor

/// One distribution of a family with its parameters held in Double and every answer computed
/// in Double: what `likely dist` prints, and what predictive summaries and mixture quantile
/// searches read where Float would round (a rate of 10⁻³⁰⁰, a count of 10¹² + 1, a log-density
/// of −5·10⁵⁹, a cdf within 10⁻⁹ of 1).
///
/// Each family declares its scalar kernel beside its tensor form (`Normal.Scalar`, …), and
/// the tensor form evaluates its statistics, cdf and quantile through it, so there is one
/// formula per family. Build one from a declaration with `Family.scalarDistribution(_:)`, or
/// read the elements of a tensor batch with `ScalarElements.scalars(broadcastTo:)`.
public protocol ScalarDistribution: Sendable {
    /// ln p(x): a log-density, or a log-mass for a discrete family; −∞ outside the support.
    func logProb(_ x: Double) -> Double

    /// F(x) = P(X ≤ x).
    func cdf(_ x: Double) -> Double

    /// F⁻¹(p) = inf { x : F(x) ≥ p } for p in [0, 1] (NaN outside).
    func quantile(_ p: Double) -> Double

    /// E[X] (NaN where it does not exist).
    var mean: Double { get }

    /// Var[X] (+∞ where it diverges, NaN where it does not exist).
    var variance: Double { get }

    /// √Var[X], formed directly where Var[X] would overflow first.
    var standardDeviation: Double { get }

    /// −E[ln p(X)] in nats.
    var entropy: Double { get }

    /// Whether the mean and the variance exist as finite numbers (a Student's t has no mean for
    /// ν ≤ 1 and an infinite variance for ν ≤ 2); where they do, a non-finite `mean` or
    /// `variance` is one beyond the range of a Double.
    var finiteMoments: (mean: Bool, variance: Bool) { get }

    /// One draw.
    func sample(using random: inout RandomSource) -> Double
}

extension ScalarDistribution {
    /// √Var[X].
    public var standardDeviation: Double { variance.squareRoot() }

    /// Both exist.
    public var finiteMoments: (mean: Bool, variance: Bool) { (true, true) }
}

/// A batch of distributions whose elements can be read as `ScalarDistribution`s, their
/// parameters widened to Double (and a stable form such as ln σ or a logit exponentiated in
/// Double).
public protocol ScalarElements {
    /// One scalar distribution per element of the batch broadcast to `shape`, row-major.
    func scalars(broadcastTo shape: [Int]) -> [any ScalarDistribution]
}

extension ScalarElements where Self: Distribution {
    /// One scalar distribution per element of the batch, row-major.
    public var scalars: [any ScalarDistribution] { scalars(broadcastTo: batchShape) }
}

/// The elements of `tensors`, each broadcast to `shape`, widened to Double: one array of
/// arguments per element (row-major), for `ScalarElements` conformances.
func elementArguments(_ tensors: [Tensor], broadcastTo shape: [Int]) -> [[Double]] {
    let columns = withoutGradients { tensors.map { $0.broadcast(to: shape).scalars } }
    return (0..<elementCount(shape)).map { i in columns.map { Double($0[i]) } }
}
