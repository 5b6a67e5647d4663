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

/// A batch whose every element is one `Scalar` kernel built from that element's parameters.
/// The kernels' answers become the batch's here, once for every family: `batchShape`, the
/// draws, `scalars`, the cdf and quantile of a univariate family, and any statistic computed in
/// Double (`elementwise`); a family whose tensor form draws or broadcasts otherwise says so. A
/// family states only which tensors an element reads (`kernelParameters`) and how they make
/// its kernel (`kernel(_:)`).
public protocol ScalarBatch: ScalarElements, Distribution {
    /// The kernel of one element.
    associatedtype Scalar: ScalarDistribution

    /// The tensors an element's kernel is built from, in the order `kernel(_:)` reads them;
    /// they broadcast to `batchShape`.
    var kernelParameters: [Tensor] { get }

    /// The kernel of one element from its parameters θ (one Double per tensor of
    /// `kernelParameters`, in order).
    func kernel(_ θ: UnsafePointer<Double>) -> Scalar
}

extension ScalarBatch {
    /// The broadcast shape of `kernelParameters`: one distribution per element.
    public var batchShape: [Int] { commonShape(kernelParameters) }

    /// One draw per element from its kernel (`Scalar.sample`), of shape `batchShape`.
    public func sample(using random: inout RandomSource) -> Tensor {
        sampleElementwise(kernelParameters, using: &random) { r, θ in kernel(θ).sample(using: &r) }
    }

    /// Each element's kernel, its parameters widened to Double.
    public func scalars(broadcastTo shape: [Int]) -> [any ScalarDistribution] {
        let columns = withoutGradients { kernelParameters.map { $0.broadcast(to: shape).scalars } }
        let θ = UnsafeMutablePointer<Double>.allocate(capacity: max(columns.count, 1))
        defer { θ.deallocate() }
        return (0..<elementCount(shape)).map { i in
            for j in columns.indices { θ[j] = Double(columns[j][i]) }
            return kernel(θ)
        }
    }

    /// f of each element's kernel, of shape `batchShape` (not differentiable).
    func elementwise(_ f: (Scalar) -> Double) -> Tensor {
        pointwiseValue(kernelParameters) { θ in f(kernel(θ)) }
    }

    /// f of each element's kernel and the matching element of `value`, of the broadcast shape
    /// of `value` and `batchShape` (not differentiable).
    func elementwise(at value: Tensor, _ f: (Scalar, Double) -> Double) -> Tensor {
        pointwiseValue([value] + kernelParameters) { a in f(kernel(a + 1), a[0]) }
    }
}

extension UnivariateDistribution where Self: ScalarBatch {
    /// F(x) element-wise, from each element's kernel (`Scalar.cdf`).
    public func cdf(_ value: Tensor) -> Tensor { elementwise(at: value) { $0.cdf($1) } }

    /// F⁻¹(p) element-wise, from each element's kernel (`Scalar.quantile`).
    public func quantile(_ probability: Tensor) -> Tensor { elementwise(at: probability) { $0.quantile($1) } }
}
