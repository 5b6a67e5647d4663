// Poisson regression: counts whose log-rate is linear in the features, ln λ = β₀ + β₁x₁ + β₂x₂.
//
//   swift run -c release PoissonRegression [output-folder]
//
// A Poisson head on a single Dense layer is exactly a Poisson GLM: the layer's one raw output
// is the log-rate, and the loss is the Poisson NLL −(y η − e^η − ln y!) computed from η = ln λ.
// Because the data come from known coefficients, we can check that they are recovered.
import Foundation
import Likely

let output = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "example-output/poisson"
try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
let beta = [0.5, 0.8, -0.4]  // intercept, x₁, x₂

// 1. Generated counts: x ~ N(0, I₂), y ~ Poisson(exp(β₀ + β₁x₁ + β₂x₂)).
var random = RandomSource(seed: 5)
func generate(_ n: Int, using random: inout RandomSource) -> (data: Dataset, rates: [Double]) {
    let x = (0..<(2 * n)).map { _ in random.normal() }
    let rates = (0..<n).map { i in exp(beta[0] + beta[1] * x[2 * i] + beta[2] * x[2 * i + 1]) }
    let counts = Poisson(rate: Tensor(rates.map(Float.init))).sample(using: &random)  // [n], through GSL
    return (Dataset(features: Tensor(shape: [n, 2], scalars: x.map(Float.init)), targets: counts), rates)
}
let (train, _) = generate(5000, using: &random)
let (test, testRates) = generate(2000, using: &random)

// 2. The model: Dense(2 → 1) is η = w·x + b; the Poisson head reads η as the log-rate.
let network = Sequential(inputShape: [2]) { Dense(inputSize: 2, outputSize: 1, using: &random) }
let model = ProbabilisticModel(network: network, head: Head(.poisson), inputShape: [2])
var options = TrainingOptions()
options.epochs = 60
options.batchSize = 100
options.optimizer = Adam(learningRate: 0.02)
options.seed = 9
options.standardizeFeatures = false  // keep the weights in the units of x, to compare with β
try model.fit(train, options: options)

// 3. The recovered coefficients against the truth.
let weight = model.parameters.first { $0.name.hasSuffix("weight") }!.tensor.scalars
let bias = model.parameters.first { $0.name.hasSuffix("bias") }!.tensor.scalars
let fitted = [Double(bias[0]), Double(weight[0]), Double(weight[1])]
for (name, (b, f)) in zip(["β₀ (intercept)", "β₁", "β₂"], zip(beta, fitted)) {
    print(String(format: "%@  true %+.3f  fitted %+.3f", name.padding(toLength: 14, withPad: " ", startingAt: 0), b, f))
}

// 4. The predicted rates against the true ones, and the deviance of three models: the fit,
//    the true rates (what the noise alone costs) and the constant mean (the null model).
let predictive = model.predictive(test.features)  // no dropout: one deterministic pass
let rates = predictive.mean
let counts = test.targets.scalars.map(Double.init)
let relativeError = zip(rates, testRates).map { abs($0 / $1 - 1) }.reduce(0, +) / Double(rates.count)
let meanCount = counts.reduce(0, +) / Double(counts.count)
print(String(format: "mean relative error of the rate: %.2f%%", 100 * relativeError))
print(String(format: "mean Poisson deviance: fitted %.4f  true rates %.4f  constant mean %.4f",
             Metrics.poissonDeviance(rates: rates, counts: counts),
             Metrics.poissonDeviance(rates: testRates, counts: counts),
             Metrics.poissonDeviance(rates: counts.map { _ in meanCount }, counts: counts)))

// 5. Calibration: NLL, coverage, and the randomized PIT (uniform when the counts look like
//    draws from the predicted Poissons).
let report = model.evaluate(predictive, targets: test.targets, mcSamples: 0, seed: 13)
print(String(format: "test NLL %.4f  RMSE %.4f  coverage 50%% %.3f  90%% %.3f", report.nll, report.rmse!,
             report.coverage![0.5]!, report.coverage![0.9]!))
print("PIT densities per tenth: " + report.pit!.densities.map { String(format: "%.2f", $0) }.joined(separator: " "))

// 6. Plots: fitted against true rate (points; the line is y = x), and the PIT histogram.
let line = [0.0, testRates.max()!]
try Plots.write(Plots.regressionBands(dataX: testRates, dataY: rates, gridX: line, mean: line, total: [],
                                      title: "Fitted rate against the true rate (line: y = x)",
                                      xLabel: "true rate λ", yLabel: "fitted rate"), to: output + "/rates.svg")
try Plots.write(Plots.pitHistogram(report.pit!, title: "Randomized PIT, Poisson regression"), to: output + "/pit.svg")
print("plots written to \(output)")
