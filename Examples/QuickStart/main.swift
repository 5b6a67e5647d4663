// The README's Swift example, kept compiling: `swift run -c release QuickStart`.
import Foundation
import Likely

// Data whose noise grows with |x|: y = sin(x) + (0.1 + 0.2|x|)·ε.
var random = RandomSource(seed: 0)
let x = Tensor.randomUniform([2000, 1], lowerBound: -3, upperBound: 3, using: &random)
let y = Tensor(x.scalars.map { sin($0) + (0.1 + 0.2 * abs($0)) * Float(random.normal()) })
let data = Dataset(features: x, targets: y)

// An MLP whose two outputs are the mean and log-σ of a Normal; dropout for MC dropout.
let model = try ProbabilisticModel(architecture: .mlp, inputShape: [1], head: Head(.normal),
                                   hidden: [50, 50], dropout: 0.1, using: &random)
var options = TrainingOptions()
options.epochs = 60
options.batchSize = 64
try model.fit(data, options: options)

// MC-dropout predictive (T = 50): mean, aleatoric/epistemic variance, intervals, samples.
let grid = Tensor(shape: [5, 1], scalars: [-2.5, -1, 0, 1, 2.5])
let predictive = model.predictive(grid, mcSamples: 50, seed: 1)
print(predictive.mean, predictive.aleatoricVariance, predictive.epistemicVariance)
print(predictive.interval(level: 0.9))
print(predictive.sample(draws: 3, using: &random))

// Proper scores and calibration on the training data: NLL, CRPS, interval coverage.
let report = model.evaluate(data, mcSamples: 50, seed: 2)
print(report.nll, report.crps!, report.coverage!)
