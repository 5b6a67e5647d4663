import CGSL
import Foundation

extension MixtureRows {
    /// The evaluations one level's search may make before it settles the bracket by bisection.
    static var searchSteps: Int { 200 }

    /// Per level, the quantile Q(p) = inf { x : F(x) ≥ p } of every row, `[levels.count][n]`:
    /// all the levels of a row inverted in one search.
    ///
    /// The search works in the family's coordinate v (x, ln x or logit x: `ElementCoordinate`),
    /// level by level in ascending order. Every evaluation of F (and of the density, for the
    /// slope dF/dv = f(x) dx/dv) is kept for the row, so the points already seen bracket each
    /// new level: lo = the largest v with F < p, hi = the smallest with F ≥ p. The first level
    /// starts from the row's centre and width in v and the standard Normal quantile of p; each
    /// next level from a Newton step off the previous level's last evaluation. Each step is
    /// Newton's, v − (F − p)/(dF/dv), unless it leaves the bracket, which is then halved (while
    /// one side is still open, a step towards it goes at most a stretch that doubles each time,
    /// starting from the row's width). A level is settled once a Newton
    /// step is below 10⁻¹⁰ of the row's scale in v (relative in x for ln x and logit x), after
    /// which its error is of the order of that step squared, or once the bracket is that
    /// narrow; its quantile is that of the final Double, so it agrees with a bisection to one
    /// Float ulp. p = 0 and p = 1 give the ends of the support; p outside [0, 1] or NaN gives
    /// NaN, as does a NaN cdf.
    package func quantiles(_ levels: [Double]) -> [[Double]] {
        let flat = search(levels, perRow: levels.count, shared: true)
        return levels.indices.map { l in (0..<count).map { flat[$0 * levels.count + l] } }
    }

    /// Q(pᵣ) of every row r for its own level pᵣ (`quantiles(_:)`).
    package func quantiles(eachRow levels: [Double]) -> [Double] {
        precondition(levels.count == count, "one level per row: \(count) rows, got \(levels.count) levels")
        return search(levels, perRow: 1, shared: false)
    }

    /// The search of `quantiles(_:)` for L levels per row: `levels` (L values) shared by every
    /// row, or L values per row (`[n · L]`); the answers `[n · L]`.
    private func search(_ levels: [Double], perRow l: Int, shared: Bool) -> [Double] {
        let order = shared ? levels.indices.sorted { levels[$0] < levels[$1] } : Array(0..<l)
        var out = [Double](repeating: .nan, count: count * l)
        let capacity = l * Self.searchSteps
        let seenV = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
        let seenF = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
        defer { seenV.deallocate(); seenF.deallocate() }
        let coordinate = Kernel.coordinate
        for r in 0..<count {
            withRow(r) { θ, w in
                let (centre, width, _) = spread(θ, w)
                let scale = coordinate == .real ? Swift.max(width, Swift.abs(centre)) : 1
                let tolerance = 1e-10 * Swift.max(scale, .leastNormalMagnitude)
                var seen = 0
                // The last evaluation of the row: v, F and dF/dv.
                var last: (v: Double, cdf: Double, slope: Double)?
                for index in order {
                    let p = shared ? levels[index] : levels[r * l + index]
                    guard p >= 0 && p <= 1 else { continue }
                    if p == 0 || p == 1 {
                        out[r * l + index] = coordinate.point(p == 0 ? -.infinity : .infinity)
                        continue
                    }
                    var lo = -Double.infinity, hi = Double.infinity
                    for i in 0..<seen { if seenF[i] < p { lo = Swift.max(lo, seenV[i]) } else { hi = Swift.min(hi, seenV[i]) } }
                    var v: Double
                    if let last, last.slope > 0 { v = last.v + (p - last.cdf) / last.slope }
                    else { v = centre + Swift.max(width, tolerance) * gsl_cdf_ugaussian_Pinv(p) }
                    var stretch = Swift.max(width, tolerance)
                    var answer = Double.nan, undefined = false
                    for _ in 0..<Self.searchSteps {
                        if !(v > lo && v < hi) {
                            if lo.isFinite && hi.isFinite { v = lo + (hi - lo) / 2 }
                            else if lo.isFinite { v = lo + stretch; stretch *= 2 }
                            else if hi.isFinite { v = hi - stretch; stretch *= 2 }
                            else { v = centre }
                        }
                        let x = coordinate.point(v)
                        let (f, density) = cdfAndDensity(row: r, at: x, θ, w)
                        guard !f.isNaN else { undefined = true; break }
                        if seen < capacity { (seenV[seen], seenF[seen]) = (v, f); seen += 1 }
                        if f < p { lo = Swift.max(lo, v) } else { hi = Swift.min(hi, v) }
                        let slope = density * coordinate.derivative(v)
                        last = (v, f, slope)
                        var step = slope > 0 ? (p - f) / slope : .nan
                        if Swift.abs(step) <= tolerance { answer = v + step; break }
                        if hi - lo <= tolerance { answer = lo + (hi - lo) / 2; break }
                        // Towards an open side, at most `stretch` (doubled each time): far in a
                        // tail F/f is small and a Newton step from F ≪ p would overshoot by far.
                        if (step > 0 && !hi.isFinite) || (step < 0 && !lo.isFinite), Swift.abs(step) > stretch {
                            step = step > 0 ? stretch : -stretch
                            stretch *= 2
                        }
                        v = step.isFinite ? v + step : .nan
                    }
                    if answer.isNaN && !undefined && lo.isFinite && hi.isFinite { answer = lo + (hi - lo) / 2 }
                    out[r * l + index] = coordinate.point(answer)
                }
            }
        }
        return out
    }
}
