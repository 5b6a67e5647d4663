import Foundation
import Likely
import Testing

/// A Poisson head on a linear network is Poisson regression: its fit must be the maximum
/// likelihood estimate, and that must recover the true coefficients.
struct PoissonRegressionTests {
    @Test func recoversTheTrueLogRateCoefficients() throws {
        // ln λ = 0.5 + 0.8 x₁ − 0.4 x₂, x ~ U(−1, 1)².
        let truth: [Double] = [0.5, 0.8, -0.4]
        let n = 3000
        var random = RandomSource(seed: 21)
        var xs: [Float] = [], ys: [Float] = []
        for _ in 0..<n {
            let x1 = -1 + 2 * random.uniform(), x2 = -1 + 2 * random.uniform()
            let rate = exp(truth[0] + truth[1] * x1 + truth[2] * x2)
            xs += [Float(x1), Float(x2)]
            ys.append(Float(random.poisson(mean: rate)))
        }
        let data = Dataset(features: Tensor(shape: [n, 2], scalars: xs), targets: Tensor(ys))

        // The network: one Dense layer, so ln λ = b + w·x.
        var init_ = RandomSource(seed: 5)
        let network = Sequential(inputShape: [2]) { Dense(inputSize: 2, outputSize: 1, using: &init_) }
        let model = ProbabilisticModel(network: network, head: Head(.poisson), inputShape: [2])
        var options = TrainingOptions()
        options.epochs = 200
        options.batchSize = 300
        options.optimizer = Adam(learningRate: .exponential(initial: 0.05, decayRate: 0.001, decaySteps: 2000, staircase: false))
        options.standardizeFeatures = false
        try model.fit(data, options: options)
        let w = model.parameters.first { $0.name.hasSuffix("weight") }!.tensor.scalars.map(Double.init)
        let b = Double(model.parameters.first { $0.name.hasSuffix("bias") }!.tensor.scalars[0])
        let fitted = [b, w[0], w[1]]

        // The independent reference: Newton–Raphson (IRLS) in double precision, and the
        // standard errors from the inverse Fisher information (XᵀWX)⁻¹ at the truth.
        let design = (0..<n).map { [1.0, Double(xs[2 * $0]), Double(xs[2 * $0 + 1])] }
        let counts = ys.map(Double.init)
        var beta = [0.0, 0.0, 0.0]
        for _ in 0..<30 {
            var gradient = [0.0, 0.0, 0.0], hessian = [[Double]](repeating: [0, 0, 0], count: 3)
            for i in 0..<n {
                let lambda = exp(zip(design[i], beta).map(*).reduce(0, +))
                for a in 0..<3 {
                    gradient[a] += (counts[i] - lambda) * design[i][a]
                    for c in 0..<3 { hessian[a][c] += lambda * design[i][a] * design[i][c] }
                }
            }
            let step = solve3(hessian, gradient)
            beta = zip(beta, step).map(+)
        }
        var fisher = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<n {
            let lambda = exp(zip(design[i], truth).map(*).reduce(0, +))
            for a in 0..<3 { for c in 0..<3 { fisher[a][c] += lambda * design[i][a] * design[i][c] } }
        }
        let standardErrors = (0..<3).map { a in solve3(fisher, (0..<3).map { $0 == a ? 1.0 : 0.0 })[a].squareRoot() }

        print("poisson: fitted \(fitted), IRLS \(beta), truth \(truth), standard errors \(standardErrors)")
        for k in 0..<3 {
            #expect(Swift.abs(fitted[k] - beta[k]) < 0.05 * standardErrors[k], "coefficient \(k): fitted \(fitted[k]) vs MLE \(beta[k])")
            #expect(Swift.abs(fitted[k] - truth[k]) < 2 * standardErrors[k], "coefficient \(k): fitted \(fitted[k]) vs truth \(truth[k])")
        }
    }

    /// Solves a 3×3 system by Cramer's rule.
    func solve3(_ m: [[Double]], _ v: [Double]) -> [Double] {
        func det(_ a: [[Double]]) -> Double {
            a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
        }
        let d = det(m)
        return (0..<3).map { col in det(m.enumerated().map { r, row in row.enumerated().map { $0.offset == col ? v[r] : $0.element } }) / d }
    }
}
