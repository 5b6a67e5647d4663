import LikelyTensor
import LikelyTestSupport
import Testing

/// Every differentiable op against central finite differences, through one table.
struct GradientTests {
    /// A named function of some inputs, with the inputs to check it at.
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let shapes: [[Int]]
        /// Shift and scale of the random inputs (to keep log, sqrt, pow in their domains).
        let offset: Float
        let scale: Float
        let function: @Sendable ([Tensor]) -> Tensor
        var description: String { name }

        /// The least gap between any two elements of an input (max and min: a near-tie
        /// within the finite-difference step would straddle the kink where the argmax changes).
        let apart: Float

        init(_ name: String, _ shapes: [[Int]], offset: Float = 0, scale: Float = 1, apart: Float = 0,
             _ function: @escaping @Sendable ([Tensor]) -> Tensor) {
            self.name = name; self.shapes = shapes; self.offset = offset; self.scale = scale; self.apart = apart
            self.function = function
        }

        func inputs() -> [Tensor] {
            var random = RandomSource(seed: UInt64(name.utf8.reduce(7) { $0 &* 31 &+ Int($1) } & 0xffff))
            return shapes.map { shape in
                while true {
                    // Inputs kept away from 0 by at least 0.1 so kinks (relu, abs, clamp) are not straddled.
                    let t = Tensor.randomUniform(shape, lowerBound: 0.1, upperBound: 1, using: &random)
                    let signs = Tensor.randomUniform(shape, using: &random)
                    let values = zip(t.scalars, signs.scalars).map { v, s in
                        offset + scale * (offset > 0 ? v : (s < 0.5 ? -v : v))
                    }
                    let sorted = values.sorted()
                    if zip(sorted, sorted.dropFirst()).allSatisfy({ $1 - $0 >= apart }) {
                        return Tensor(shape: shape, scalars: values)
                    }
                }
            }
        }
    }

    static let cases: [Case] = [
        Case("add same shape", [[3, 4], [3, 4]]) { $0[0] + $0[1] },
        Case("add broadcast row", [[3, 4], [4]]) { $0[0] + $0[1] },
        Case("add broadcast column both ways", [[3, 1], [1, 4]]) { $0[0] + $0[1] },
        Case("subtract broadcast", [[2, 3, 4], [3, 1]]) { $0[0] - $0[1] },
        Case("multiply broadcast", [[3, 4], [1, 4]]) { $0[0] * $0[1] },
        Case("divide broadcast", [[3, 4], [3, 1]], offset: 1) { $0[0] / $0[1] },
        Case("scalar forms", [[5]], offset: 1) { xs in (2 + xs[0] * 3 - 1) / 2 + 4 / xs[0] - (1 - xs[0]) },
        Case("negate", [[5]]) { -$0[0] },
        Case("exp", [[5]]) { exp($0[0]) },
        Case("log", [[5]], offset: 0.5) { log($0[0]) },
        Case("log1p", [[5]], offset: 0.5) { log1p($0[0]) },
        Case("expm1", [[5]]) { expm1($0[0]) },
        Case("sqrt", [[5]], offset: 0.5) { sqrt($0[0]) },
        Case("square", [[5]]) { square($0[0]) },
        Case("pow constant", [[5]], offset: 0.5) { pow($0[0], 2.5) },
        Case("pow tensor", [[5], [5]], offset: 0.5) { pow($0[0], $0[1]) },
        Case("abs", [[6]]) { abs($0[0]) },
        Case("clamp", [[8]], scale: 2) { clamp($0[0], min: -1.05, max: 0.95) },
        Case("relu", [[6]]) { relu($0[0]) },
        Case("leaky relu", [[6]]) { leakyRelu($0[0], alpha: 0.2) },
        Case("sigmoid", [[6]], scale: 3) { sigmoid($0[0]) },
        Case("tanh", [[6]]) { tanh($0[0]) },
        Case("softplus", [[6]], scale: 3) { softplus($0[0]) },
        Case("log sigmoid", [[6]], scale: 3) { logSigmoid($0[0]) },
        Case("sum all", [[3, 4]]) { $0[0].sum() },
        Case("sum axis 0", [[3, 4]]) { $0[0].sum(alongAxis: 0) },
        Case("sum axis 1 kept", [[3, 4]]) { $0[0].sum(alongAxis: 1, keepingDimensions: true) },
        Case("sum axes 0,2", [[2, 3, 4]]) { $0[0].sum(alongAxes: [0, 2]) },
        Case("mean axis -1", [[2, 3, 4]]) { $0[0].mean(alongAxis: -1) },
        Case("mean all", [[2, 3]]) { $0[0].mean() },
        Case("variance axis 0", [[4, 3]]) { $0[0].variance(alongAxis: 0) },
        Case("variance axis 1", [[4, 3]]) { $0[0].variance(alongAxis: 1) },
        Case("max axis 0", [[4, 3]], apart: 0.05) { $0[0].max(alongAxis: 0) },
        Case("max axis 1", [[4, 3]], apart: 0.05) { $0[0].max(alongAxis: 1, keepingDimensions: true) },
        Case("min axis 1", [[4, 3]], apart: 0.05) { $0[0].min(alongAxis: 1) },
        Case("log-sum-exp axis 0", [[4, 3]], scale: 3) { $0[0].logSumExp(alongAxis: 0) },
        Case("log-sum-exp axis 1", [[4, 3]], scale: 3) { $0[0].logSumExp(alongAxis: 1) },
        Case("log-sum-exp middle axis", [[2, 3, 2]], scale: 3) { $0[0].logSumExp(alongAxis: 1) },
        Case("softmax axis -1", [[3, 5]], scale: 3) { $0[0].softmax(alongAxis: -1) },
        Case("softmax axis 0", [[3, 5]], scale: 3) { $0[0].softmax(alongAxis: 0) },
        Case("log-softmax axis -1", [[3, 5]], scale: 3) { $0[0].logSoftmax(alongAxis: -1) },
        Case("log-softmax axis 0", [[3, 5]], scale: 3) { $0[0].logSoftmax(alongAxis: 0) },
        Case("matmul", [[3, 4], [4, 2]]) { matmul($0[0], $0[1]) },
        Case("matmul Aᵀ", [[4, 3], [4, 2]]) { matmul($0[0], $0[1], transposeA: true) },
        Case("matmul Bᵀ", [[3, 4], [2, 4]]) { matmul($0[0], $0[1], transposeB: true) },
        Case("matmul AᵀBᵀ", [[4, 3], [2, 4]]) { matmul($0[0], $0[1], transposeA: true, transposeB: true) },
        Case("reshape", [[2, 6]]) { square($0[0].reshaped(to: [3, -1])) },
        Case("permute", [[2, 3, 4]]) { square($0[0].permuted([2, 0, 1])) },
        Case("transpose", [[2, 3]]) { square($0[0].transposed()) },
        Case("concatenate axis 1", [[2, 3], [2, 2]]) { Tensor.concatenate([$0[0], $0[1]], alongAxis: 1) },
        Case("stack", [[2, 3], [2, 3]]) { Tensor.stack([$0[0], square($0[1])], alongAxis: 1) },
        Case("slice", [[4, 5]]) { $0[0].slice(alongAxis: 1, 1..<4) },
        Case("gather rows with repeats", [[4, 3]]) { $0[0].gather([2, 0, 2], alongAxis: 0) },
        Case("gather columns", [[4, 3]]) { $0[0].gather([1, 1, 0], alongAxis: 1) },
        Case("pick columns", [[4, 3]]) { $0[0].pick(columns: [2, 0, 1, 2]) },
        Case("where", [[6], [6], [6]]) { select(where: $0[0] .> 0, $0[1], else: $0[2]) },
        Case("broadcast to", [[1, 3]]) { $0[0].broadcast(to: [4, 3]) },
        Case("composite: categorical NLL", [[4, 5]], scale: 3) { -$0[0].logSoftmax().pick(columns: [0, 4, 2, 1]).mean() },
    ]

    @Test(arguments: cases)
    func matchesFiniteDifferences(_ testCase: Case) {
        let result = checkGradients(at: testCase.inputs(), testCase.function)
        #expect(result.passed, "\(testCase.name): \(result)")
    }

    @Test func atLeastThirtyOpsAreChecked() {
        #expect(Self.cases.count >= 30)
    }

    /// The checker must be able to fail: an op with a deliberately wrong pullback.
    @Test func checkerCatchesAWrongGradient() {
        let wrongSquare: ([Tensor]) -> Tensor = { xs in
            let x = xs[0]
            let value = Tensor(shape: x.shape, scalars: x.scalars.map { $0 * $0 })
            return Tensor.record(value, parents: [x]) { g in [g * x] }  // true derivative is 2x
        }
        let result = checkGradients(at: [Tensor([0.5, -1.5, 2])], wrongSquare)
        #expect(!result.passed)
        #expect(result.mismatches.count == 3)
    }

    @Test func gradientsOfALeafUsedTwiceAdd() {
        let x = Tensor([1, 2, 3], requiresGradient: true)
        let grads = (x * x + x).sum().gradients()
        #expect(grads[x]?.scalars == [3, 5, 7])
    }

    @Test func gradientsAreKeyedByParameterAndSkipConstants() {
        let w = Tensor([2], requiresGradient: true)
        let c = Tensor([5])
        let grads = (w * c).sum().gradients()
        #expect(grads[w]?.scalars == [5])
        #expect(grads[c] == nil)
        #expect(grads.count == 1)
    }

    @Test func noGradientScopeRecordsNothing() {
        let w = Tensor([2], requiresGradient: true)
        let y = withoutGradients { exp(w) * 3 }
        #expect(!y.requiresGradient)
        #expect(y.sum().gradients().count == 0)
    }

    @Test func detachStopsGradients() {
        let w = Tensor([2], requiresGradient: true)
        let grads = (w * w.detached()).sum().gradients()
        #expect(grads[w]?.scalars == [2])
    }

    /// The graph is freed once its gradients are taken.
    @Test func backwardReleasesTheTape() {
        let w = Tensor([1, 2], requiresGradient: true)
        weak var intermediate: Tensor?
        let loss: Tensor
        do {
            let h = exp(w)
            intermediate = h
            loss = (h * 2).sum()
        }
        #expect(intermediate != nil)
        _ = loss.gradients()
        #expect(intermediate == nil)
    }
}
