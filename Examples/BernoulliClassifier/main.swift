// A two-class classifier with a Bernoulli head: ROC and precision–recall curves, and calibration.
//
//   swift run -c release BernoulliClassifier [output-folder]
//
// The network has one raw output, the logit ℓ, and P(y = 1) = σ(ℓ). The loss is the Bernoulli
// NLL written from the logit, softplus(ℓ) − yℓ, which never takes the log of a rounded-off 0.
import Foundation
import Likely

let output = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "example-output/bernoulli"
try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)

// 1. Generated data: x ~ N(0, I₂) and a curved true boundary,
//    P(y = 1 | x) = σ(2x₁ − x₂ + x₁x₂ − 1.5). About a third of the labels are positive.
func trueProbability(_ x1: Double, _ x2: Double) -> Double { 1 / (1 + exp(-(2 * x1 - x2 + x1 * x2 - 1.5))) }
var random = RandomSource(seed: 17)
func generate(_ n: Int, using random: inout RandomSource) -> (data: Dataset, truth: [Double]) {
    var x: [Float] = [], y: [Float] = [], truth: [Double] = []
    for _ in 0..<n {
        let x1 = random.normal(), x2 = random.normal()
        let p = trueProbability(x1, x2)
        x += [Float(x1), Float(x2)]; y.append(random.uniform() < p ? 1 : 0); truth.append(p)
    }
    return (Dataset(features: Tensor(shape: [n, 2], scalars: x), targets: Tensor(y)), truth)
}
let (train, _) = generate(4000, using: &random)
let (validation, _) = generate(1000, using: &random)
let (test, truth) = generate(4000, using: &random)

// 2. An mlp with a Bernoulli head, trained by NLL with early stopping on the validation NLL.
let model = try ProbabilisticModel(architecture: .mlp, inputShape: [2], head: Head(.bernoulli),
                                   hidden: [32, 32], dropout: 0.1, using: &random)
var options = TrainingOptions()
options.epochs = 60
options.batchSize = 64
options.seed = 4
options.validation = .data(validation)
options.earlyStopping = .init(patience: 10)
let history = try model.fit(train, options: options)
print("trained \(history.epochs.count) epochs, kept epoch \(history.keptEpoch)")

// 3. MC-dropout predictive (T = 30) and its report: accuracy, NLL, Brier, ECE, ROC-AUC, PR-AUC.
let report = model.evaluate(test, mcSamples: 30, seed: 21)
print(String(format: "accuracy %.4f  NLL %.4f  Brier %.4f  ECE %.4f", report.accuracy!, report.nll, report.brier!, report.ece!))
print(String(format: "ROC-AUC %.4f  PR-AUC (average precision) %.4f  positive rate %.3f",
             report.rocAUC!, report.prAUC!, report.precisionRecall!.positiveRate))

// 4. The best any model could do: the same scores for the true probabilities.
let labels = test.targets.scalars.map { $0 == 1 }
let bayesNLL = zip(truth, labels).map { -log($1 ? $0 : 1 - $0) }.reduce(0, +) / Double(labels.count)
print(String(format: "true probabilities: NLL %.4f  Brier %.4f  ROC-AUC %.4f  PR-AUC %.4f", bayesNLL,
             Metrics.brierScore(probabilities: truth, labels: labels),
             Metrics.rocAUC(scores: truth, labels: labels)!, Metrics.averagePrecision(scores: truth, labels: labels)!))

// 5. Plots: ROC, precision–recall, and the reliability diagram of the confidence max(p, 1 − p).
try Plots.write(Plots.rocCurve(report.roc!), to: output + "/roc.svg")
try Plots.write(Plots.precisionRecallCurve(report.precisionRecall!), to: output + "/precision-recall.svg")
try Plots.write(Plots.reliabilityDiagram(report.reliability!, title: "Bernoulli classifier, MC dropout (T = 30)"),
                to: output + "/reliability.svg")
print("plots written to \(output)")
