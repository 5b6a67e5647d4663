// Fashion-MNIST with MC dropout: how good, how calibrated, and how unsure of its worst mistakes.
//
//   swift run -c release FashionMNISTUncertainty [output-folder]
//
// A small CNN (`seed-cnn`, dropout 0.25 before the last layer) with a categorical head is
// trained for a few epochs on a subset of Fashion-MNIST. T = 50 MC-dropout passes then give,
// per image, a mixture of 50 categorical distributions: their mean probabilities are the
// prediction, and the way they disagree is the model's own (epistemic) uncertainty.
import Foundation
import Likely

let output = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "example-output/fashion-mnist"
try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
let names = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"]

// 1. Data: images [n, 28, 28, 1] in [0, 1], labels 0..<10. A seeded subset keeps the run short.
let directory = "/usr/share/datasets/fashion-mnist"
var random = RandomSource(seed: 2024)
let fullTrain = try MNISTDirectory.load(directory, split: .train)
let fullTest = try MNISTDirectory.load(directory, split: .test)
let train = fullTrain.subset(Array(random.permutation(fullTrain.count).prefix(15_000)))
let test = fullTest.subset(Array(random.permutation(fullTest.count).prefix(3_000)))

// 2. seed-cnn: Conv 8, Conv 16, MaxPool, Dense 40, Dropout 0.25, Dense 10 (the logits).
let model = try ProbabilisticModel(architecture: .seedCNN, inputShape: [28, 28, 1],
                                   head: Head(.categorical, classCount: 10), dropout: 0.25, using: &random)
var options = TrainingOptions()
options.epochs = 4
options.batchSize = 128
options.optimizer = Adam(learningRate: 0.001)
options.seed = 3
options.validation = .fraction(0.1)
let history = try model.fit(train, options: options)
for e in history.epochs {
    print(String(format: "epoch %d  loss %.4f  val_nll %.4f  val_accuracy %.4f  %.1fs",
                 e.epoch, e.loss, e.validationNLL!, e.validationAccuracy!, e.seconds))
}

// 3. The MC-dropout predictive: the convolutions run once per image, only the part after
//    the first dropout layer runs 50 times.
let predictive = model.predictive(test.features, mcSamples: 50, seed: 11)
let report = model.evaluate(predictive, targets: test.targets, mcSamples: 50)
let deterministic = model.evaluate(test, mcSamples: 0)
print(String(format: "MC dropout (T = 50): accuracy %.4f  NLL %.4f  ECE %.4f  Brier %.4f",
             report.accuracy!, report.nll, report.ece!, report.brier!))
print(String(format: "dropout off:         accuracy %.4f  NLL %.4f  ECE %.4f  Brier %.4f",
             deterministic.accuracy!, deterministic.nll, deterministic.ece!, deterministic.brier!))
try Plots.write(Plots.reliabilityDiagram(report.reliability!, title: "Fashion-MNIST, MC dropout (T = 50)"),
                to: output + "/reliability.svg")
try Plots.write(Plots.lossCurves(training: history.epochs.map(\.loss), validation: history.epochs.map { $0.validationNLL! }),
                to: output + "/loss.svg")

// 4. Uncertainty per image: predictive entropy H[p̄] (total) = expected entropy (aleatoric)
//    + mutual information (epistemic: how much the 50 passes disagree).
let uncertainty = predictive.classification
let p = uncertainty.meanProbabilities.scalars
let predicted = uncertainty.meanProbabilities.argmax(alongAxis: 1)
let labels = test.classIndices
let wrong = labels.indices.filter { predicted[$0] != labels[$0] }
let right = labels.indices.filter { predicted[$0] == labels[$0] }
func average(_ values: [Double], _ rows: [Int]) -> Double { rows.map { values[$0] }.reduce(0, +) / Double(max(rows.count, 1)) }
print(String(format: "mean entropy: right %.3f, wrong %.3f nats;  mean MI: right %.4f, wrong %.4f nats",
             average(uncertainty.predictiveEntropy, right), average(uncertainty.predictiveEntropy, wrong),
             average(uncertainty.mutualInformation, right), average(uncertainty.mutualInformation, wrong)))

// 5. The worst mistakes: wrong predictions made with the highest confidence max p̄.
let confidence = { (i: Int) in Double(p[i * 10 + predicted[i]]) }
let worst = Array(wrong.sorted { confidence($0) > confidence($1) }.prefix(16))
print("most confident mistakes (true → predicted, confidence, entropy, MI):")
var captions: [String] = []
for i in worst {
    let line = String(format: "%@→%@ %.2f H %.2f MI %.3f", names[labels[i]], names[predicted[i]], confidence(i),
                      uncertainty.predictiveEntropy[i], uncertainty.mutualInformation[i])
    if captions.count < 6 { print("  " + line) }
    captions.append(String(format: "%@→%@ %.2f MI %.2f", names[labels[i]], names[predicted[i]], confidence(i),
                           uncertainty.mutualInformation[i]))
}
try Plots.write(Plots.imageGrid(test.features.gatheringRows(worst), captions: captions, columns: 4, cellSize: 150,
                                title: "Most confident mistakes: true→predicted, confidence, MI"),
                to: output + "/worst-mistakes.svg")
print("plots written to \(output)")
