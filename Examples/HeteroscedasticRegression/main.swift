// Heteroscedastic regression: a network that predicts a mean *and* a noise level for every x.
//
//   swift run -c release HeteroscedasticRegression [output-folder]
//
// The data come from a known model, y = 2 sin x + 0.3 x + ε with ε ~ N(0, σ(x)²) and
// σ(x) = 0.1 + 0.1 (x + 3), so we can check what the network learned against the truth.
import Foundation
import Likely

let output = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "example-output/heteroscedastic"
try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)

func trueMean(_ x: Double) -> Double { 2 * sin(x) + 0.3 * x }
func trueSigma(_ x: Double) -> Double { 0.1 + 0.1 * (x + 3) }

// 1. Generated data, x uniform on [-3, 3]. Every draw comes from one seeded RandomSource.
var random = RandomSource(seed: 42)
func generate(_ n: Int, using random: inout RandomSource) -> Dataset {
    let x = (0..<n).map { _ in -3 + 6 * random.uniform() }
    let y = x.map { trueMean($0) + trueSigma($0) * random.normal() }
    return Dataset(features: Tensor(shape: [n, 1], scalars: x.map(Float.init)), targets: Tensor(y.map(Float.init)))
}
let train = generate(4000, using: &random), validation = generate(500, using: &random), test = generate(2000, using: &random)

// 2. An mlp with a Normal head: two raw outputs per x, loc = r₀ and σ = exp(r₁). The loss is
//    the Gaussian NLL computed from ln σ = r₁ directly (no exp, then log).
let model = try ProbabilisticModel(architecture: .mlp, inputShape: [1], head: Head(.normal, scaleLink: .exp),
                                   hidden: [64, 64], dropout: 0.02, using: &random)
var options = TrainingOptions()
options.epochs = 300
options.batchSize = 64
options.optimizer = Adam(learningRate: 0.002)
options.seed = 1
options.validation = .data(validation)
options.earlyStopping = .init(patience: 40, restoreBestWeights: true)
let history = try model.fit(train, options: options)
print("trained \(history.epochs.count) epochs, kept epoch \(history.keptEpoch)")

// 3. MC dropout: T = 50 stochastic passes per input, each a Normal; their mixture is the predictive.
let predictive = model.predictive(test.features, mcSamples: 50, seed: 7)
let report = model.evaluate(predictive, targets: test.targets, mcSamples: 50)
// The NLL of the true model is the floor a perfect fit would reach.
let xs = test.features.scalars.map(Double.init), ys = test.targets.scalars.map(Double.init)
let trueNLL = zip(xs, ys).map { x, y -> Double in
    let z = (y - trueMean(x)) / trueSigma(x)
    return 0.5 * z * z + log(trueSigma(x)) + 0.5 * log(2 * Double.pi)
}.reduce(0, +) / Double(xs.count)
print(String(format: "test NLL %.4f (true model %.4f)   RMSE %.4f   CRPS %.4f", report.nll, trueNLL, report.rmse!, report.crps!))
print(String(format: "coverage  50%%: %.3f  80%%: %.3f  90%%: %.3f  95%%: %.3f",
             report.coverage![0.5]!, report.coverage![0.8]!, report.coverage![0.9]!, report.coverage![0.95]!))

// 4. The learned noise: on a grid, the aleatoric standard deviation √(mean of the members'
//    variances) against the true σ(x). Epistemic variance (the spread of the members' means) is apart.
let grid = (0..<121).map { -3 + 6 * Double($0) / 120 }
let onGrid = model.predictive(Tensor(shape: [grid.count, 1], scalars: grid.map(Float.init)), mcSamples: 50, seed: 7)
let learnedSigma = onGrid.aleatoricVariance.map { $0.squareRoot() }
let epistemicSD = onGrid.epistemicVariance.map { $0.squareRoot() }
print("     x   true σ   learned σ   epistemic sd")
for j in stride(from: 0, to: grid.count, by: 20) {
    print(String(format: "%6.2f   %6.3f   %9.3f   %12.3f", grid[j], trueSigma(grid[j]), learnedSigma[j], epistemicSD[j]))
}
let central = grid.indices.filter { abs(grid[$0]) <= 2.4 }  // the central 80% of x
let worst = central.map { abs(learnedSigma[$0] / trueSigma(grid[$0]) - 1) }.max()!
print(String(format: "largest relative error of σ over the central 80%% of x: %.1f%%", 100 * worst))

// 5. Samples from the predictive at three inputs: new y values the model finds plausible.
let three = model.predictive(Tensor(shape: [3, 1], scalars: [-2, 0, 2]), mcSamples: 50, seed: 7)
let draws = three.sample(draws: 5, using: &random)  // [5, 3]
for (i, x) in [-2.0, 0, 2].enumerated() {
    let row = (0..<5).map { String(format: "%.2f", draws.scalars[$0 * 3 + i]) }.joined(separator: " ")
    print(String(format: "samples at x = %4.1f: ", x) + row)
}

// 6. Plots: the bands (total predictive filled, noise alone dashed), the learned σ(x) as a line
//    over the true σ(x) as points, and the PIT histogram (flat when calibrated).
let mean = onGrid.mean
let total = [0.5, 0.95].map { level -> PredictiveBand in
    let (lower, upper) = onGrid.interval(level: level)
    return PredictiveBand(level: level, lower: lower, upper: upper)
}
let aleatoric = [0.5, 0.95].map { PredictiveBand.normal(mean: mean, standardDeviation: learnedSigma, level: $0) }
try Plots.write(Plots.regressionBands(dataX: xs, dataY: ys, gridX: grid, mean: mean, total: total, aleatoric: aleatoric,
                                      title: "Heteroscedastic regression, MC dropout (T = 50)"), to: output + "/bands.svg")
try Plots.write(Plots.regressionBands(dataX: grid, dataY: grid.map(trueSigma), gridX: grid, mean: learnedSigma, total: [],
                                      title: "Learned σ(x) (line) and true σ(x) (points)", yLabel: "σ"), to: output + "/sigma.svg")
try Plots.write(Plots.pitHistogram(report.pit!), to: output + "/pit.svg")
print("plots written to \(output)")
