import LikelyNN
import LikelyTensor
import LikelyTestSupport
import Testing

/// `oneHotLinear` against the dense product `linear` of the wide rows the compact rows stand
/// for, and against finite differences.
@Suite("oneHotLinear")
struct OneHotLinearTests {
    /// Columns: numeric, 4 categories, numeric, 3 categories: 9 inputs.
    static let offsets = [0, 1, 5, 6], counts = [0, 4, 0, 3]
    /// Compact rows: values of the numeric columns, category indices (−1: none) of the others.
    static let compact: [[Float]] = [[0.5, 2, -1.5, 0], [-2, 0, 0.25, 2], [1, 3, 3, -1], [0, -1, -0.75, 1], [1.5, 2, 0, 2]]

    /// Standardized-looking on and off values: on_i = (1 − μ_i)/σ_i, off_i = −μ_i/σ_i.
    static func input() -> OneHotInput {
        let mean: [Float] = [0, 0.2, 0.4, 0.3, 0.1, 0, 0.5, 0.25, 0.25]
        let sd: [Float] = [1, 0.4, 0.49, 0.46, 0.3, 1, 0.5, 0.43, 0.43]
        return OneHotInput(offsets: offsets, categoryCounts: counts,
                           on: zip(mean, sd).map { (1 - $0) / $1 }, off: zip(mean, sd).map { (0 - $0) / $1 })
    }

    /// The wide rows: a numeric value at its input, on/off over each block.
    static func wide(_ input: OneHotInput) -> Tensor {
        Tensor(compact.map { row in
            var wide = [Float](repeating: 0, count: input.width)
            for (j, value) in row.enumerated() {
                guard counts[j] > 0 else { wide[offsets[j]] = value; continue }
                for k in 0..<counts[j] { wide[offsets[j] + k] = Int(value) == k ? input.on[offsets[j] + k] : input.off[offsets[j] + k] }
            }
            return wide
        })
    }

    @Test("the value equals the dense product of the wide rows")
    func value() {
        var random = RandomSource(seed: 3)
        let input = Self.input(), w = Tensor.randomNormal([9, 4], using: &random), b = Tensor.randomNormal([4], using: &random)
        let sparse = oneHotLinear(Tensor(Self.compact), input: input, weight: w, bias: b)
        let dense = linear(Self.wide(input), weight: w, bias: b)
        #expect(sparse.shape == [5, 4])
        #expect(isApproximatelyEqual(sparse, dense, absolute: 1e-5, relative: 1e-5), "\(sparse) vs \(dense)")
    }

    @Test("weight and bias gradients equal the dense product's and finite differences")
    func gradients() {
        var random = RandomSource(seed: 4)
        let input = Self.input(), x = Tensor(Self.compact)
        let w = Tensor.randomNormal([9, 4], using: &random), b = Tensor.randomNormal([4], using: &random)
        let upstream = Tensor.randomNormal([5, 4], using: &random)
        func grads(_ f: (Tensor, Tensor) -> Tensor) -> [Tensor?] {
            let (wl, bl) = (Tensor(shape: w.shape, scalars: w.scalars, requiresGradient: true),
                            Tensor(shape: b.shape, scalars: b.scalars, requiresGradient: true))
            let g = (f(wl, bl) * upstream).sum().gradients()
            return [g[wl], g[bl]]
        }
        let sparse = grads { oneHotLinear(x, input: input, weight: $0, bias: $1) }
        let dense = grads { linear(Self.wide(input), weight: $0, bias: $1) }
        for (s, d) in zip(sparse, dense) {
            #expect(s != nil && d != nil && isApproximatelyEqual(s!, d!, absolute: 1e-5, relative: 1e-5), "\(String(describing: s)) vs \(String(describing: d))")
        }
        let check = checkGradients(at: [w, b]) { v in oneHotLinear(x, input: input, weight: v[0], bias: v[1]) }
        #expect(check.passed, "\(check)")
    }

    @Test("without scaling a row is the sum of its categories' weight rows")
    func plainOneHot() {
        let input = OneHotInput(offsets: [0, 3], categoryCounts: [3, 0], on: [1, 1, 1, 1], off: [0, 0, 0, 0])
        let w = Tensor([[1, 10], [2, 20], [3, 30], [100, 1000]])
        let y = oneHotLinear(Tensor([[2, 0.5], [-1, 1], [0, 0]]), input: input, weight: w, bias: Tensor([0.25, -0.25]))
        // Row 0: W₂ + 0.5·W₃ + b; row 1: no category, W₃ + b; row 2: W₀ + b.
        #expect(y.scalars == [53.25, 529.75, 100.25, 999.75, 1.25, 9.75])
    }
}
