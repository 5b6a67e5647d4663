import Foundation
import LikelyTensor
import LikelyTestSupport
import Testing

/// Kernels against naive references and hand-worked values.
struct KernelTests {
    @Test func matmulMatchesNaiveLoopForEachTranspose() {
        var random = RandomSource(seed: 3)
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let (m, k, n) = (5, 7, 3)
            let a = Tensor.randomNormal(ta ? [k, m] : [m, k], using: &random)
            let b = Tensor.randomNormal(tb ? [n, k] : [k, n], using: &random)
            var expected = [Float](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var s: Float = 0
                    for p in 0..<k { s += (ta ? a[p, i] : a[i, p]) * (tb ? b[j, p] : b[p, j]) }
                    expected[i * n + j] = s
                }
            }
            let c = matmul(a, b, transposeA: ta, transposeB: tb)
            #expect(c.shape == [m, n])
            #expect(isApproximatelyEqual(c, expected, absolute: 1e-5, relative: 1e-5), "transposeA \(ta) transposeB \(tb)")
        }
    }

    @Test func handWorkedMatmul() {
        let c = matmul(Tensor([[1, 2], [3, 4]]), Tensor([[5, 6], [7, 8]]))
        #expect(c.scalars == [19, 22, 43, 50])
    }

    @Test func broadcastingArithmetic() {
        let a = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect((a + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        #expect((a * Tensor(shape: [2, 1], scalars: [1, -1])).scalars == [1, 2, 3, -4, -5, -6])
        #expect((Tensor(shape: [3, 1], scalars: [1, 2, 3]) - Tensor([1, 2])).shape == [3, 2])
        #expect((a / 2).scalars == [0.5, 1, 1.5, 2, 2.5, 3])
    }

    @Test func reductionsOverEachAxis() {
        let x = Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Float.init))
        #expect(x.sum(alongAxis: 0).scalars == [6, 8, 10, 12, 14, 16])
        #expect(x.sum(alongAxis: 1).scalars == [6, 9, 24, 27])
        #expect(x.sum(alongAxis: 2, keepingDimensions: true).shape == [2, 3, 1])
        #expect(x.sum(alongAxis: 2).scalars == [1, 5, 9, 13, 17, 21])
        #expect(x.max(alongAxis: 1).scalars == [4, 5, 10, 11])
        #expect(x.min(alongAxis: 0).scalars == [0, 1, 2, 3, 4, 5])
        #expect(x.argmax(alongAxis: 1) == [2, 2, 2, 2])
        #expect(x.mean().scalar == 5.5)
        #expect(Tensor([1, 2, 3, 4]).variance(alongAxis: 0).scalar == 1.25)
        #expect(x.sum().shape == [])
    }

    @Test func softmaxAndLogSumExpStayFiniteAtHugeLogits() {
        let logits = Tensor([[1e4, -1e4, 0], [-1e4, -1e4, -1e4]])
        let p = logits.softmax()
        let lp = logits.logSoftmax()
        let lse = logits.logSumExp(alongAxis: 1)
        #expect(p.scalars.allSatisfy { $0.isFinite })
        #expect(lp.scalars.allSatisfy { $0.isFinite })
        #expect(lse.scalars.allSatisfy { $0.isFinite })
        #expect(p.scalars[0] == 1 && p.scalars[1] == 0)
        #expect(isApproximatelyEqual(lse.scalars[0], 1e4))
        #expect(isApproximatelyEqual(lse.scalars[1], -1e4 + logf(3)))
        #expect(isApproximatelyEqual(lp.scalars[1], -2e4))
        // gradients at such logits are finite too
        let x = Tensor(shape: [1, 3], scalars: [1e4, -1e4, 0], requiresGradient: true)
        let g = x.logSoftmax().pick(columns: [1]).sum().gradients()[x]!
        #expect(g.scalars.allSatisfy { $0.isFinite })
        #expect(g.scalars == [-1, 1, 0])
    }

    @Test func logSumExpOfAllMinusInfinityIsMinusInfinity() {
        let lse = Tensor([-Float.infinity, -.infinity]).logSumExp(alongAxis: 0)
        #expect(lse.scalar == -.infinity)
    }

    @Test func stableElementwiseFunctions() {
        let x = Tensor([-1e4, -50, 0, 50, 1e4])
        #expect(softplus(x).scalars == [0, softplus(Tensor([-50])).scalar, logf(2), 50, 1e4])
        #expect(logSigmoid(x).scalars.allSatisfy { $0.isFinite })
        #expect(logSigmoid(x).scalars[0] == -1e4)
        #expect(sigmoid(x).scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func shapeOps() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.transposed().scalars == [1, 4, 2, 5, 3, 6])
        #expect(x.reshaped(to: [-1]).shape == [6])
        #expect(x.slice(alongAxis: 1, 1..<3).scalars == [2, 3, 5, 6])
        #expect(Tensor.concatenate([x, x], alongAxis: 0).shape == [4, 3])
        #expect(Tensor.concatenate([x, Tensor([[9], [9]])], alongAxis: 1).scalars == [1, 2, 3, 9, 4, 5, 6, 9])
        #expect(Tensor.stack([x, x], alongAxis: 0).shape == [2, 2, 3])
        let y = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        let p = y.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        #expect(p[3, 1, 2] == y[1, 2, 3])
        #expect(x.gather([1, 1, 0]).scalars == [4, 5, 6, 4, 5, 6, 1, 2, 3])
        #expect(x.pick(columns: [2, 0]).scalars == [3, 4])
    }

    @Test func comparisonsAndWhere() {
        let a = Tensor([1, 2, 3]), b = Tensor([3, 2, 1])
        #expect((a .< b).scalars == [1, 0, 0])
        #expect((a .== b).scalars == [0, 1, 0])
        #expect((a .>= 2).scalars == [0, 1, 1])
        #expect(select(where: a .> b, a, else: b).scalars == [3, 2, 3])
        // the branch not taken may hold infinities without poisoning the gradient
        let x = Tensor([0, 1], requiresGradient: true)
        let g = select(where: x .> 0, log(x), else: x).sum().gradients()[x]!
        #expect(g.scalars == [1, 1])
    }

    @Test func creation() {
        #expect(Tensor.zeros([2, 2]).scalars == [0, 0, 0, 0])
        #expect(Tensor.full(3, shape: [2]).scalars == [3, 3])
        #expect(Tensor.range(to: 5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor.range(from: 1, to: 2, step: 0.5).scalars == [1, 1.5])
        #expect(Tensor.linspace(from: 0, to: 1, count: 5).scalars == [0, 0.25, 0.5, 0.75, 1])
        var random = RandomSource(seed: 1)
        let u = Tensor.randomUniform([10_000], lowerBound: -1, upperBound: 1, using: &random)
        #expect(u.scalars.allSatisfy { $0 >= -1 && $0 < 1 })
        let n = Tensor.randomNormal([20_000], mean: 2, standardDeviation: 3, using: &random)
        // mean within 4 standard errors (3/√20000 ≈ 0.021), variance within 4 SE (≈ 9·√(2/20000) ≈ 0.09)
        #expect(Swift.abs(n.mean().scalar - 2) < 4 * 0.0213)
        #expect(Swift.abs(n.variance(alongAxis: 0).scalar - 9) < 4 * 0.09)
    }
}
