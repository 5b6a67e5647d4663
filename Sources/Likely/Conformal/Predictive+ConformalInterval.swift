import Foundation

extension Predictive {
    /// The interval region {y : inside(y)} of each input, found from guesses of its ends.
    ///
    /// A region's ends computed by inverting the predictive (a quantile, q_hi + q̂) can miss by
    /// rounding, and on the integers a count that ties with q̂ sits exactly on the boundary;
    /// this search moves each end to the last value that `inside` (the score itself, compared
    /// with q̂) accepts, so the region is exactly {y : score(y) ≤ q̂} among the values a target
    /// can take: whole numbers for counts, Floats otherwise. From a guess that is outside, the
    /// end gallops toward `centre` (steps of 1, 2, 4, … values) until inside; from one inside,
    /// it gallops outward while the value that far out is inside, then halves the step back to
    /// one value (a binary search), so it stops where one value further is outside. The score
    /// must grow away from the centre (it does: F is monotone), so the region is an interval.
    /// - Parameters:
    ///   - lower, upper: guesses of the ends, `[N]`.
    ///   - centre: a value inside each region (a median), `[N]`; where it is outside the
    ///     region is empty and the guesses are returned.
    ///   - inside: whether each of `[N]` values (one per input) scores ≤ q̂.
    func conformalInterval(lower: [Float], upper: [Float], centre: [Float], inside: ([Float]) -> [Bool]) -> ConformalRegion {
        let counts = head.family.support == .counts
        let centreInside = inside(centre)
        return .intervals(lower: Self.regionEnd(from: lower, towards: -1, centre: centre, centreInside: centreInside, counts: counts, inside: inside),
                          upper: Self.regionEnd(from: upper, towards: 1, centre: centre, centreInside: centreInside, counts: counts, inside: inside))
    }

    /// One end of each region: the outermost value in `direction` (±1) that is inside.
    private static func regionEnd(from guess: [Float], towards direction: Int, centre: [Float], centreInside: [Bool], counts: Bool,
                                  inside: ([Float]) -> [Bool]) -> [Float] {
        enum Phase { case inward, growing, shrinking, done }
        var x = guess.indices.map { i in
            // A guess on the wrong side of the centre starts from the centre.
            direction > 0 ? Swift.max(guess[i], centre[i]) : Swift.min(guess[i], centre[i])
        }
        let start = inside(x)
        var phase = x.indices.map { !centreInside[$0] ? Phase.done : start[$0] ? .growing : .inward }
        var step = [Int](repeating: 1, count: x.count)
        // Each run doubles or halves a step of at most 2⁴⁰ values: a few hundred rounds at most.
        var rounds = 0
        while rounds < 400 && phase.contains(where: { $0 != .done }) {
            rounds += 1
            let candidate = x.indices.map { i -> Float in
                switch phase[i] {
                case .done: return x[i]
                case .growing, .shrinking: return move(x[i], by: step[i] * direction, counts: counts)
                case .inward:
                    let y = move(x[i], by: -step[i] * direction, counts: counts)
                    return direction > 0 ? Swift.max(y, centre[i]) : Swift.min(y, centre[i])
                }
            }
            let accepted = inside(candidate)
            for i in x.indices {
                switch phase[i] {
                case .done: break
                case .inward:
                    // Outside: gallop toward the centre until inside, then grow outward again.
                    x[i] = candidate[i]
                    if accepted[i] { (phase[i], step[i]) = (.growing, 1) } else { step[i] = Swift.min(step[i] * 2, 1 << 40) }
                case .growing:
                    // Inside: double the step while the value that far out is inside too.
                    if accepted[i] && candidate[i] != x[i] {
                        x[i] = candidate[i]
                        step[i] = Swift.min(step[i] * 2, 1 << 40)
                    } else if step[i] == 1 {
                        phase[i] = .done
                    } else {
                        (phase[i], step[i]) = (.shrinking, step[i] / 2)
                    }
                case .shrinking:
                    // The edge lies within `2·step` values: halve the step, moving when inside.
                    if accepted[i] && candidate[i] != x[i] { x[i] = candidate[i] }
                    if step[i] == 1 { phase[i] = .done } else { step[i] /= 2 }
                }
            }
        }
        return x
    }

    /// `x` moved by `steps` whole numbers (counts, never below 0) or `steps` Floats (else),
    /// staying finite.
    private static func move(_ x: Float, by steps: Int, counts: Bool) -> Float {
        if counts { return Float(Swift.max(Double(x) + Double(steps), 0)) }
        // Floats in order map to consecutive integers: ±magnitude bits.
        let order = x.sign == .minus ? -Int64(x.magnitude.bitPattern) : Int64(x.bitPattern)
        let limit = Int64(Float.greatestFiniteMagnitude.bitPattern)
        let moved = Swift.min(Swift.max(order + Int64(steps), -limit), limit)
        return moved < 0 ? -Float(bitPattern: UInt32(-moved)) : Float(bitPattern: UInt32(moved))
    }
}
