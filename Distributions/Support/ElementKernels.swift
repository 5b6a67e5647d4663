import Foundation
import LikelyTensor

/// A continuous family evaluated one element at a time, in Double, from parameters read out of
/// its tensors once: the kernels a mixture's row-by-row work runs on (`MixtureRows`: the
/// quantile search, E|X − y| and E|X − X′|).
///
/// `elementParameters` lays out k Doubles per element (the family's parameters and any constant
/// the kernels would otherwise recompute at every point, such as a log-normaliser); each kernel
/// reads one element's k values from `θ`.
package protocol ElementKernels: UnivariateDistribution {
    /// k, the Doubles per element.
    static var elementParameterCount: Int { get }

    /// The coordinate v(x) in which the family's cdf is smooth and its tails fall at least
    /// exponentially (for the quadrature of E|X − X′|), and in which the quantile search steps.
    static var coordinate: ElementCoordinate { get }

    /// Every element's parameters, `[n · k]` row-major for the n elements of `batchShape`.
    var elementParameters: [Double] { get }

    /// F(x).
    static func cdf(_ x: Double, _ θ: UnsafePointer<Double>) -> Double

    /// The density f(x) (0 outside the support).
    static func density(_ x: Double, _ θ: UnsafePointer<Double>) -> Double

    /// The partial mean G(x) = E[X · 1{X ≤ x}]; G(+∞) = E[X].
    static func partialMean(_ x: Double, _ θ: UnsafePointer<Double>) -> Double

    /// E[X].
    static func mean(_ θ: UnsafePointer<Double>) -> Double

    /// A centre and a width of the element in the coordinate v (for a member of width 1 in v,
    /// most of its mass lies within a few widths of the centre): where the quantile search
    /// starts and how finely the quadrature of E|X − X′| steps.
    static func spread(_ θ: UnsafePointer<Double>) -> (centre: Double, width: Double)

    /// An interval [low, high] of the coordinate v outside which the element has at most about
    /// 10⁻³ of its mass on each side (a cheap bound, not a quantile): where the quadrature of
    /// E|X − X′| runs.
    static func span(_ θ: UnsafePointer<Double>) -> (low: Double, high: Double)

    /// E|Xᵢ − Xⱼ| of two independent elements in closed form, or nil where the family has none.
    static func meanAbsoluteDifference(_ θi: UnsafePointer<Double>, _ θj: UnsafePointer<Double>) -> Double?
}

extension ElementKernels {
    /// No closed form: E|X − X′| of a mixture by quadrature.
    package static func meanAbsoluteDifference(_ θi: UnsafePointer<Double>, _ θj: UnsafePointer<Double>) -> Double? { nil }

    /// E|X − y| = E[X] − y + 2(y F(y) − G(y)), from the partial mean G (`partialMean`).
    package static func expectedAbsoluteDeviation(from y: Double, _ θ: UnsafePointer<Double>) -> Double {
        let f = cdf(y, θ)
        return mean(θ) - y + 2 * (f == 0 ? 0 : y * f - partialMean(y, θ))
    }
}

/// Element kernels that read θ = [μ, σ], each element's `loc` and `scale` (normal, Laplace,
/// log-normal).
package protocol LocationScaleElements: ElementKernels {
    /// μ.
    var loc: Tensor { get }
    /// σ > 0.
    var scale: Tensor { get }
}

extension LocationScaleElements {
    /// 2: θ = [μ, σ].
    package static var elementParameterCount: Int { 2 }

    /// [μ, σ] of every element.
    package var elementParameters: [Double] { interleavedElements([loc, scale], shape: batchShape) }
}

/// The monotone coordinate v(x) of a family's support in which `MixtureRows` works: x itself on
/// the real line, ln x on (0, ∞), logit x on (0, 1).
package enum ElementCoordinate: Sendable {
    case real, logarithm, logit

    /// x(v).
    @inline(__always)
    func point(_ v: Double) -> Double {
        switch self {
        case .real: return v
        case .logarithm: return Foundation.exp(v)
        case .logit: return sigmoidDouble(v)
        }
    }

    /// v(x); ±∞ at the ends of the support.
    @inline(__always)
    func coordinate(_ x: Double) -> Double {
        switch self {
        case .real: return x
        case .logarithm: return Foundation.log(x)
        case .logit: return Foundation.log(x) - Foundation.log1p(-x)
        }
    }

    /// dx/dv at v.
    @inline(__always)
    func derivative(_ v: Double) -> Double {
        switch self {
        case .real: return 1
        case .logarithm: return Foundation.exp(v)
        case .logit: return sigmoidDouble(v) * sigmoidDouble(-v)
        }
    }
}

/// The parameters of every element of `shape`, interleaved: for element i, the values of each
/// tensor (broadcast to `shape`, widened to Double), then `extras` constants written by
/// `derive` from them.
func interleavedElements(_ parameters: [Tensor], shape: [Int], extras: Int = 0,
                         derive: ((UnsafeMutablePointer<Double>) -> Void)? = nil) -> [Double] {
    let values = withoutGradients { parameters.map { $0.broadcast(to: shape).scalars } }
    let n = elementCount(shape), m = parameters.count, k = m + extras
    var out = [Double](repeating: 0, count: n * k)
    out.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        for i in 0..<n {
            let θ = base + i * k
            for j in 0..<m { θ[j] = Double(values[j][i]) }
            derive?(θ)
        }
    }
    return out
}
