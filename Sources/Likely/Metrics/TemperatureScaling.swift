import Foundation
import LikelyTensor

/// Temperature scaling: one positive scalar T that divides the logits, softmax(z / T),
/// fitted to minimise the NLL on held-out (validation) data.
///
/// T > 1 softens over-confident predictions, T < 1 sharpens under-confident ones; the
/// argmax, and so the accuracy, never changes. A Bernoulli logit z is the two-class case
/// with logits (0, z).
///
/// Fitting minimises NLL(T) = (1/N) Σᵢ [logΣexp(zᵢ / T) − zᵢ,yᵢ / T] over s = log T in
/// [log 0.01, log 100]: a golden-section search (NLL is convex in β = 1/T, hence unimodal in
/// s) followed by safeguarded Newton steps on s with the exact derivatives
/// dNLL/dβ = mean(E_p[z] − z_y) and d²NLL/dβ² = mean(Var_p[z]).
public struct TemperatureScaling: Equatable, Sendable {
    /// The fitted temperature T > 0.
    public let temperature: Double

    /// A fixed temperature.
    public init(temperature: Double) {
        precondition(temperature > 0 && temperature.isFinite, "temperature must be positive and finite, got \(temperature)")
        self.temperature = temperature
    }

    /// The smallest and largest temperature the fit considers.
    public static let temperatureRange: ClosedRange<Double> = 0.01...100

    /// The fewest validation examples `ProbabilisticModel.fit` calibrates on (they must hold
    /// 2 classes or more): with fewer, NLL(T) is minimised by pushing every probability to 0
    /// or 1, T at a bound of `temperatureRange`.
    public static let minimumExamples = 20

    /// Whether `t` lies at a bound of `temperatureRange` (within 0.1 %): the data did not
    /// settle T, which only says "sharper" or "softer" than the range allows.
    public static func isAtBound(_ t: Double) -> Bool {
        t <= temperatureRange.lowerBound * 1.001 || t >= temperatureRange.upperBound / 1.001
    }

    /// Fits T on validation logits `[N, K]` and labels in `0..<K`.
    public init(fittingLogits logits: Tensor, labels: [Int]) {
        let (n, k) = Metrics.classProbabilityRows(logits, labels: labels)
        let z = logits.scalars.map(Double.init)
        self.init(temperature: Self.minimise(logits: z, labels: labels, n: n, k: k))
    }

    /// Fits T on validation Bernoulli logits zᵢ (P(y = 1) = σ(zᵢ)) and binary labels.
    public init(fittingBinaryLogits logits: [Double], labels: [Bool]) {
        Metrics.requireSameCount(logits.count, labels.count, "logits and labels")
        var z = [Double](repeating: 0, count: 2 * logits.count)
        for i in logits.indices { z[2 * i + 1] = logits[i] }
        self.init(temperature: Self.minimise(logits: z, labels: labels.map { $0 ? 1 : 0 }, n: logits.count, k: 2))
    }

    /// Scaled logits z / T, same shape; differentiable like any tensor op.
    public func scaledLogits(_ logits: Tensor) -> Tensor { logits / Float(temperature) }

    /// Calibrated class probabilities softmax(z / T) along the last axis.
    public func probabilities(logits: Tensor) -> Tensor { scaledLogits(logits).softmax(alongAxis: -1) }

    /// Calibrated P(y = 1) = σ(z / T) for Bernoulli logits.
    public func probabilities(binaryLogits: [Double]) -> [Double] {
        binaryLogits.map { z in
            let s = z / temperature
            return s >= 0 ? 1 / (1 + exp(-s)) : exp(s) / (1 + exp(s))
        }
    }

    /// Mean NLL (nats) of labels under softmax(β z) and its first two derivatives in β = 1/T.
    /// - Parameters:
    ///   - logits: row-major `[n, k]` in Double.
    static func negativeLogLikelihood(beta: Double, logits: [Double], labels: [Int], n: Int, k: Int)
        -> (value: Double, first: Double, second: Double) {
        guard n > 0 else { return (0, 0, 0) }
        var value = 0.0, first = 0.0, second = 0.0
        logits.withUnsafeBufferPointer { z in
            for i in 0..<n {
                let row = i * k
                var m = -Double.infinity
                for c in 0..<k { m = Swift.max(m, beta * z[row + c]) }
                var s = 0.0, ez = 0.0, ez2 = 0.0
                for c in 0..<k {
                    let w = exp(beta * z[row + c] - m)  // unnormalised softmax, shifted for stability
                    s += w; ez += w * z[row + c]; ez2 += w * z[row + c] * z[row + c]
                }
                let mean = ez / s
                value += m + log(s) - beta * z[row + labels[i]]
                first += mean - z[row + labels[i]]
                second += Swift.max(ez2 / s - mean * mean, 0)
            }
        }
        let count = Double(n)
        return (value / count, first / count, second / count)
    }

    /// argmin over T of the validation NLL; see the type's documentation.
    static func minimise(logits: [Double], labels: [Int], n: Int, k: Int) -> Double {
        guard n > 0 else { return 1 }
        let nll = { (s: Double) in negativeLogLikelihood(beta: exp(-s), logits: logits, labels: labels, n: n, k: k) }
        var a = log(temperatureRange.lowerBound), b = log(temperatureRange.upperBound)
        let ratio = (5.0.squareRoot() - 1) / 2
        var c = b - ratio * (b - a), d = a + ratio * (b - a)
        var fc = nll(c).value, fd = nll(d).value
        while b - a > 1e-4 {
            if fc <= fd { b = d; d = c; fd = fc; c = b - ratio * (b - a); fc = nll(c).value }
            else { a = c; c = d; fc = fd; d = a + ratio * (b - a); fd = nll(d).value }
        }
        // Newton on s: dN/ds = −β N′(β), d²N/ds² = β² N″(β) + β N′(β); kept inside the range
        // and only taken while it lowers the NLL.
        let lower = log(temperatureRange.lowerBound), upper = log(temperatureRange.upperBound)
        var s = 0.5 * (a + b)
        var current = nll(s)
        for _ in 0..<20 {
            let beta = exp(-s)
            let gradient = -beta * current.first
            let curvature = beta * beta * current.second + beta * current.first
            guard curvature > 0, gradient.isFinite, curvature.isFinite else { break }
            let next = Swift.min(Swift.max(s - gradient / curvature, lower), upper)
            let trial = nll(next)
            guard trial.value <= current.value else { break }
            let step = Swift.abs(next - s)
            s = next; current = trial
            if step < 1e-12 { break }
        }
        return exp(s)
    }
}
