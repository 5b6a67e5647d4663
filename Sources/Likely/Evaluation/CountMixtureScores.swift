import Distributions
import Foundation
import LikelyTensor

/// The scores of a count predictive that need its mixture cdf F(k) = (1/T) Σₜ Fₜ(k) at many
/// integers k, from one table per input: the exact CRPS Σₖ (F(k) − 1{k ≥ y})², the central
/// intervals at several levels, and F(y − 1), F(y) for the randomized PIT.
///
/// Each member's masses are summed from k = 0 by their recursion (`CountMassRecursion`:
/// P(k) = P(k − 1) · (a k + b)/k), so an input costs two special-function calls per member
/// and a few multiply-adds per member and integer, where a cdf call per integer costs an
/// incomplete gamma or beta function. The masses are carried scaled, Pₜ(k) = sₜ(k) e^{ℓₜ}
/// with ℓₜ raised by 250 ln 10 whenever the running sum passes 10²⁵⁰, so e^{−λ} below the
/// Double range (λ > 745) loses nothing. The table runs from 0 to the first k ≥ y with
/// F(k) ≥ 1 − 10⁻⁷; the CRPS sums it over [Q(10⁻⁷), Q(1 − 10⁻⁷)], the span of
/// `Predictive.countCRPS`, every integer in it. All levels of an input are inverted in one
/// ascending walk over its table (the smallest k with F(k) ≥ q for each q). Buffers are
/// allocated once per call, not per input.
struct CountMixtureScores {
    /// Mean CRPS over the inputs.
    var crps: Double
    /// Per level, the central interval's bounds [Q((1 − L)/2), Q((1 + L)/2)] of every input.
    var intervals: [Double: (lower: [Double], upper: [Double])]
    /// F(y − 1) and F(y) of every input.
    var cdfBelow: [Double], cdfAt: [Double]

    /// The tail mass left outside the CRPS sum on either side (as `Predictive.countCRPS`).
    static let tail = 1e-7
    /// The largest integer a table reaches: an input with more mass beyond it is scored from
    /// its members' cdf calls instead (`WideInput`).
    static let largestCount = 1 << 14

    /// nil unless every member's masses follow a recursion and every observation is finite
    /// (and below 2⁵²). An input whose table would pass `largestCount` is scored from its
    /// members' cdf calls (`WideInput`).
    /// - Parameters:
    ///   - predictive: a count predictive of N inputs (an equal-weight mixture of T members).
    ///   - y: the N observations.
    ///   - levels: central interval levels in (0, 1).
    init?(_ predictive: Predictive, observations y: [Double], levels: [Double]) {
        let recursions = predictive.members.compactMap { ($0 as? any RecursiveCountMasses)?.massRecursions }
        let n = y.count, t = recursions.count
        guard t == predictive.members.count, recursions.allSatisfy({ $0.count == n }),
              levels.allSatisfy({ (1 + $0) / 2 < 1 - Self.tail && $0 > 0 }) else { return nil }
        let weight = 1 / Double(t)
        // The probabilities to invert, ascending, and where each answer goes.
        var wanted: [(probability: Double, slot: Int)] = []
        for (l, level) in levels.enumerated() {
            wanted.append(((1 - level) / 2, 2 * l))
            wanted.append(((1 + level) / 2, 2 * l + 1))
        }
        wanted.sort { $0.probability < $1.probability }
        var bounds = [[Double]](repeating: [Double](repeating: 0, count: n), count: 2 * levels.count)
        var scaled = [Double](repeating: 0, count: t), sums = scaled, logScale = scaled, scale = scaled
        var table: [Double] = []
        table.reserveCapacity(256)
        var crps = 0.0, below = [Double](repeating: 0, count: n), at = below
        let rescaleAbove = 1e250, rescaleBy = 1e-250, rescaleLog = 250 * Foundation.log(10.0)
        for i in 0..<n {
            guard y[i].isFinite, Swift.abs(y[i]) < 0x1p52 else { return nil }
            let observed = Swift.max(-1, Int(y[i].rounded(.down)))
            table.removeAll(keepingCapacity: true)
            var total = 0.0
            for j in 0..<t {
                let start = recursions[j][i].logMassAtZero
                guard start.isFinite else { return nil }
                (scaled[j], sums[j], logScale[j], scale[j]) = (1, 1, start, Foundation.exp(start))
                total += weight * scale[j]
            }
            table.append(Swift.min(total, 1))
            var k = 0
            while table[k] < 1 - Self.tail || k < observed {
                k += 1
                guard k <= Self.largestCount else { break }
                total = 0
                for j in 0..<t {
                    let recursion = recursions[j][i]
                    scaled[j] = k == 1 ? Foundation.exp(recursion.logMassAtOne - logScale[j]) : scaled[j] * recursion.ratio(at: Double(k))
                    sums[j] += scaled[j]
                    if sums[j] > rescaleAbove {
                        scaled[j] *= rescaleBy
                        sums[j] *= rescaleBy
                        logScale[j] += rescaleLog
                        scale[j] = Foundation.exp(logScale[j])
                    }
                    total += weight * scale[j] * sums[j]
                }
                table.append(Swift.min(total, 1))
            }
            guard k <= Self.largestCount else {
                // Mass beyond the table: this input from the members' cdf calls.
                let wide = WideInput(recursions.map { $0[i] })
                crps += wide.crps(observation: y[i])
                for (p, slot) in wanted { bounds[slot][i] = wide.quantile(p) }
                (at[i], below[i]) = (wide.cdf(Double(observed)), wide.cdf(Double(observed - 1)))
                continue
            }
            // The CRPS over [Q(tail), Q(1 − tail)], every integer in it.
            var first = 0
            while table[first] < Self.tail { first += 1 }
            var last = first
            while table[last] < 1 - Self.tail { last += 1 }
            for k in first...last {
                let d = table[k] - (Double(k) >= y[i] ? 1 : 0)
                crps += d * d
            }
            if y[i] < Double(first) { crps += Double(first) - y[i] }
            if y[i] > Double(last + 1) { crps += y[i] - 1 - Double(last) }
            // Every level in one ascending walk.
            var q = 0
            for (p, slot) in wanted {
                while table[q] < p { q += 1 }
                bounds[slot][i] = Double(q)
            }
            at[i] = observed >= 0 ? table[observed] : 0
            below[i] = observed >= 1 ? table[observed - 1] : 0
        }
        self.crps = n > 0 ? crps / Double(n) : 0
        intervals = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, (bounds[2 * $0], bounds[2 * $0 + 1])) })
        (cdfBelow, cdfAt) = (below, at)
    }
}

/// One input of a count predictive whose mass reaches beyond `CountMixtureScores.largestCount`,
/// scored from its members' cdf calls: F(k) = (1/T) Σₜ Fₜ(k), quantiles by bisection over the
/// integers, and the CRPS on the grid of `Predictive.countGrid` (2048 steps at most).
private struct WideInput {
    let members: [CountMassRecursion]

    init(_ members: [CountMassRecursion]) { self.members = members }

    /// F(k), clamped to [0, 1].
    func cdf(_ k: Double) -> Double {
        guard k >= 0 else { return 0 }
        let total = members.reduce(0.0) { $0 + $1.cdf(k) } / Double(members.count)
        return Swift.min(Swift.max(total, 0), 1)
    }

    /// The smallest integer k with F(k) ≥ p (+∞ when F stays below p up to 2⁶²).
    func quantile(_ p: Double) -> Double {
        var low = -1.0, high = Double(CountMixtureScores.largestCount)
        while cdf(high) < p {
            (low, high) = (high, high * 2)
            if high > 0x1p62 { return .infinity }
        }
        while high - low > 1 {
            let middle = ((low + high) / 2).rounded(.down)
            if cdf(middle) >= p { high = middle } else { low = middle }
        }
        return high
    }

    /// Σₖ (F(k) − 1{k ≥ y})² on the grid over [Q(10⁻⁷), Q(1 − 10⁻⁷)] (`Metrics.crpsDiscrete`).
    func crps(observation y: Double) -> Double {
        let tail = CountMixtureScores.tail
        guard let points = Predictive.countGrid(lower: quantile(tail), upper: quantile(1 - tail), observation: y) else { return .nan }
        return Metrics.crpsDiscrete(points: points, cdf: points.map(cdf), observation: y)
    }
}
