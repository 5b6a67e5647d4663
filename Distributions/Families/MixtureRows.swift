import CGSL
import Foundation
import LikelyTensor

/// A mixture laid out for work one row (one input) at a time: per row, C components of one
/// family with element kernels, their weights (normalised in Double) and parameters,
///
///     F(x) = Σ_c w_c F_c(x),   f(x) = Σ_c w_c f_c(x).
///
/// What it computes per row, allocating nothing per row:
/// - the quantiles at several levels in one search (`quantiles(_:)`);
/// - E|X − y| in closed form and E|X − X′| (closed form over pairs where the family has one,
///   else a quadrature), whose difference E|X − y| − ½ E|X − X′| is the CRPS.
package struct MixtureRows<Kernel: ElementKernels> {
    /// The number of rows n.
    package let count: Int
    /// C, the components per row.
    let components: Int
    /// w, `[n · C]`, each row summing to 1.
    let weights: [Double]
    /// θ, `[n · C · k]`: row r's component c at (r · C + c) · k.
    let parameters: [Double]

    /// - Parameters:
    ///   - parts: the components, each with its element parameters (`[n · k]`) and its weight
    ///     in each row (`[n]`, any non-negative scale: each row is normalised here).
    ///   - rows: n.
    init(_ parts: [(parameters: [Double], weights: [Double])], rows n: Int) {
        let c = parts.count, k = Kernel.elementParameterCount
        var w = [Double](repeating: 0, count: n * c), θ = [Double](repeating: 0, count: n * c * k)
        for r in 0..<n {
            var total = 0.0
            for j in 0..<c { total += parts[j].weights[r] }
            for j in 0..<c {
                w[r * c + j] = parts[j].weights[r] / total
                for i in 0..<k { θ[(r * c + j) * k + i] = parts[j].parameters[r * k + i] }
            }
        }
        (count, components, weights, parameters) = (n, c, w, θ)
    }

    // MARK: - One row

    /// F and the density f at x in row r.
    @inline(__always)
    func cdfAndDensity(row r: Int, at x: Double, _ θ: UnsafePointer<Double>, _ w: UnsafePointer<Double>) -> (cdf: Double, density: Double) {
        let k = Kernel.elementParameterCount
        var f = 0.0, d = 0.0
        for c in 0..<components {
            f += w[c] * Kernel.cdf(x, θ + c * k)
            d += w[c] * Kernel.density(x, θ + c * k)
        }
        return (Swift.min(Swift.max(f, 0), 1), d)
    }

    /// F(x) in row r.
    @inline(__always)
    func cdf(at x: Double, _ θ: UnsafePointer<Double>, _ w: UnsafePointer<Double>) -> Double {
        let k = Kernel.elementParameterCount
        var f = 0.0
        for c in 0..<components { f += w[c] * Kernel.cdf(x, θ + c * k) }
        return Swift.min(Swift.max(f, 0), 1)
    }

    /// The row's centre Σ w_c m_c and width √(Σ w_c (s_c² + (m_c − centre)²)) in the family's
    /// coordinate, from each component's centre m_c and width s_c (`ElementKernels.spread`),
    /// and the narrowest component's width.
    func spread(_ θ: UnsafePointer<Double>, _ w: UnsafePointer<Double>) -> (centre: Double, width: Double, narrowest: Double) {
        let k = Kernel.elementParameterCount
        var centre = 0.0, second = 0.0, narrowest = Double.infinity
        for c in 0..<components {
            let (m, s) = Kernel.spread(θ + c * k)
            centre += w[c] * m
            second += w[c] * (s * s + m * m)
            narrowest = Swift.min(narrowest, s)
        }
        return (centre, Swift.max(second - centre * centre, 0).squareRoot(), narrowest)
    }

    /// Runs `body` with row r's parameters and weights.
    @inline(__always)
    func withRow<R>(_ r: Int, _ body: (UnsafePointer<Double>, UnsafePointer<Double>) -> R) -> R {
        parameters.withUnsafeBufferPointer { θ in
            weights.withUnsafeBufferPointer { w in
                body(θ.baseAddress! + r * components * Kernel.elementParameterCount, w.baseAddress! + r * components)
            }
        }
    }
}

// MARK: - Building

/// A distribution that is, per row, a weighted set of components of one family with element
/// kernels: that family itself (one component of weight 1) or a mixture of it, so that a
/// mixture of mixtures (the MC-dropout predictive of a mixture-density head) flattens.
package protocol ElementComponents: UnivariateDistribution {
    associatedtype Kernel: ElementKernels
    /// Each component's element parameters `[n · k]` and its weight in each of the n rows.
    func elementComponents(rows n: Int) -> [(parameters: [Double], weights: [Double])]
}

extension ElementKernels {
    package func elementComponents(rows n: Int) -> [(parameters: [Double], weights: [Double])] {
        [(elementParameters, [Double](repeating: 1, count: n))]
    }
}

extension Normal: ElementComponents { package typealias Kernel = Normal }
extension Laplace: ElementComponents { package typealias Kernel = Laplace }
extension StudentT: ElementComponents { package typealias Kernel = StudentT }
extension LogNormal: ElementComponents { package typealias Kernel = LogNormal }
extension Gamma: ElementComponents { package typealias Kernel = Gamma }
extension Beta: ElementComponents { package typealias Kernel = Beta }

extension Mixture: ElementComponents where Component: ElementKernels {
    package typealias Kernel = Component

    package func elementComponents(rows n: Int) -> [(parameters: [Double], weights: [Double])] {
        let c = components.count
        let w: [Float] = withoutGradients { weights.broadcast(to: [n, c]).scalars }
        return components.enumerated().map { j, component in
            (component.elementParameters, (0..<n).map { Double(w[$0 * c + j]) })
        }
    }
}

/// A mixture's row work with its family erased (`MixtureRows`).
package protocol RowMixture {
    /// n.
    var count: Int { get }
    /// Per level, the quantile of every row: `[levels.count][n]`.
    func quantiles(_ levels: [Double]) -> [[Double]]
    /// Q(pᵣ) of every row r at its own level pᵣ.
    func quantiles(eachRow levels: [Double]) -> [Double]
    /// F(xᵣ) of every row r.
    func cdf(_ points: [Double]) -> [Double]
    /// E|X − yᵣ| − ½ E|X − X′| of every row r: the CRPS.
    func continuousRankedProbabilityScores(_ observations: [Double]) -> [Double]
}

extension MixtureRows: RowMixture {
    package func cdf(_ points: [Double]) -> [Double] {
        precondition(points.count == count, "one point per row: \(count) rows, got \(points.count) points")
        return (0..<count).map { r in withRow(r) { θ, w in cdf(at: points[r], θ, w) } }
    }
}

/// The rows of the mixture of `members` (T distributions, each of batch shape `[n]`) with
/// `weights` (`[n · T]`, or equal weights when nil); nil unless every member is of one family
/// with element kernels, or a mixture of one.
package func mixtureRows(_ members: [any UnivariateDistribution], rows n: Int, weights: [Double]? = nil) -> (any RowMixture)? {
    guard let first = members.first as? any ElementComponents else { return nil }
    return mixtureRows(first, members, rows: n, weights: weights)
}

private func mixtureRows<E: ElementComponents>(_ first: E, _ members: [any UnivariateDistribution], rows n: Int,
                                                weights: [Double]?) -> (any RowMixture)? {
    let typed = members.compactMap { $0 as? E }
    guard typed.count == members.count else { return nil }
    let t = typed.count
    var parts: [(parameters: [Double], weights: [Double])] = []
    for (j, member) in typed.enumerated() {
        for part in member.elementComponents(rows: n) {
            let scaled = weights.map { w in (0..<n).map { part.weights[$0] * w[$0 * t + j] } } ?? part.weights
            parts.append((part.parameters, scaled))
        }
    }
    return MixtureRows<E.Kernel>(parts, rows: n)
}
