import Foundation

/// The Laplace approximation of the log marginal likelihood (the evidence) of a network
/// with the prior N(0, δ⁻¹ I) on its P covered weights θ*, as a function of δ:
///
///     ln p(D) ≈ ln p(D | θ*) + ln p(θ*) + (P/2) ln 2π − ½ ln det H,   H = GGN + δ I
///             = ln p(D | θ*) + (P/2) ln δ − (δ/2) ‖θ*‖² − ½ Σᵢ ln(λᵢ + δ),
///
/// λᵢ the eigenvalues of the GGN: one eigendecomposition serves every δ.
public struct LaplaceEvidence: Sendable {
    /// ln p(D | θ*), in the target's original units.
    public var logLikelihood: Double
    /// ‖θ*‖².
    public var squaredNorm: Double
    /// The GGN's eigenvalues (clamped at 0: the GGN is positive semi-definite).
    public var eigenvalues: [Double]

    public init(logLikelihood: Double, squaredNorm: Double, eigenvalues: [Double]) {
        self.logLikelihood = logLikelihood
        self.squaredNorm = squaredNorm
        self.eigenvalues = eigenvalues.map { max($0, 0) }
    }

    /// ln p(D) at prior precision δ > 0.
    public func callAsFunction(_ delta: Double) -> Double {
        let p = Double(eigenvalues.count)
        return logLikelihood + p / 2 * Foundation.log(delta) - delta / 2 * squaredNorm
            - eigenvalues.reduce(0.0) { $0 + Foundation.log($1 + delta) } / 2
    }

    /// The grid `argmax` searches first: 121 values of δ, log-spaced over 10⁻⁴ … 10⁸.
    public static let grid: [Double] = (0...120).map { Foundation.pow(10, -4 + Double($0) / 10) }

    /// The δ maximising the evidence: the best point of `grid`, refined by a golden-section
    /// search in ln δ between its neighbours (the refinement never returns a worse δ).
    public func argmax() -> Double {
        let values = Self.grid.map { self($0) }
        guard let best = values.indices.max(by: { values[$0] < values[$1] }) else { return 1 }
        var a = Foundation.log(Self.grid[max(best - 1, 0)]), b = Foundation.log(Self.grid[min(best + 1, Self.grid.count - 1)])
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<60 {
            let c = b - ratio * (b - a), d = a + ratio * (b - a)
            if self(Foundation.exp(c)) >= self(Foundation.exp(d)) { b = d } else { a = c }
        }
        let refined = Foundation.exp((a + b) / 2)
        return self(refined) >= values[best] ? refined : Self.grid[best]
    }
}
