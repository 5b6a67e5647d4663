import Foundation

extension TemperatureScaling {
    /// Fits one T for an equally weighted mixture of M members (MC-dropout passes, or the
    /// passes of every member of a deep ensemble): T
    /// minimises the validation NLL of p̄ = (1/M) Σₘ softmax(zₘ / T),
    ///
    ///     NLL(T) = −(1/N) Σᵢ ln( (1/M) Σₘ softmax(zₘᵢ / T)_yᵢ ),
    ///
    /// computed in log space (log-sum-exp over classes, then over members). The search is a
    /// golden-section search on s = ln T over `temperatureRange`, to a tolerance of 1e-4 in s.
    /// Calibrating the mixture itself matters: averaging dropout passes already softens the
    /// members, so the T that suits the deterministic network is not the one that suits the
    /// MC predictive.
    /// - Parameters:
    ///   - memberLogits: M arrays of row-major logits `[N, K]` (Bernoulli: K = 2 with rows (0, z)).
    ///   - labels: N class indices in `0..<K`.
    ///   - k: K, the number of classes.
    public init(fittingMemberLogits memberLogits: [[Float]], labels: [Int], classes k: Int) {
        precondition(!memberLogits.isEmpty, "temperature scaling needs at least one member")
        let n = labels.count
        precondition(memberLogits.allSatisfy { $0.count == n * k }, "every member needs \(n) rows of \(k) logits")
        precondition(labels.allSatisfy { (0..<k).contains($0) }, "labels must be class indices in 0..<\(k)")
        let m = memberLogits.count
        func nll(_ s: Double) -> Double {
            let beta = Foundation.exp(-s)
            var total = 0.0
            var perMember = [Double](repeating: 0, count: m)
            for i in 0..<n {
                for (t, z) in memberLogits.enumerated() {
                    var top = -Double.infinity
                    for j in 0..<k { top = Swift.max(top, beta * Double(z[i * k + j])) }
                    var sum = 0.0
                    for j in 0..<k { sum += Foundation.exp(beta * Double(z[i * k + j]) - top) }
                    perMember[t] = beta * Double(z[i * k + labels[i]]) - top - Foundation.log(sum)
                }
                let best = perMember.max()!
                total -= best + Foundation.log(perMember.reduce(0) { $0 + Foundation.exp($1 - best) } / Double(m))
            }
            return total / Double(max(n, 1))
        }
        var low = Foundation.log(Self.temperatureRange.lowerBound), high = Foundation.log(Self.temperatureRange.upperBound)
        let ratio = (5.0.squareRoot() - 1) / 2
        var a = high - ratio * (high - low), b = low + ratio * (high - low)
        var fa = nll(a), fb = nll(b)
        while high - low > 1e-4 {
            if fa <= fb {
                high = b; b = a; fb = fa
                a = high - ratio * (high - low); fa = nll(a)
            } else {
                low = a; a = b; fa = fb
                b = low + ratio * (high - low); fb = nll(b)
            }
        }
        self.init(temperature: Foundation.exp((low + high) / 2))
    }
}
