// Transfer learning: reuse convolutions learned on five Fashion-MNIST classes to learn the
// other five from only 500 images, and compare with training the same network from scratch.
//
//   swift run -c release TransferLearning [output-folder]
import Foundation
import Likely

let output = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "example-output/transfer"
try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
let names = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"]

// 1. Split the classes: A = 0–4 (clothes) to pre-train on, B = 5–9 (shoes, shirts, bags) to transfer to.
//    Each task relabels its classes 0..<5 for a five-class categorical head.
let directory = "/usr/share/datasets/fashion-mnist"
let fullTrain = try MNISTDirectory.load(directory, split: .train)
let fullTest = try MNISTDirectory.load(directory, split: .test)
func task(_ data: Dataset, classes: Range<Int>) -> Dataset {
    let labels = data.classIndices  // computed once: it is a pass over all the targets
    let rows = labels.indices.filter { classes.contains(labels[$0]) }
    let part = data.subset(rows)
    return Dataset(features: part.features, targets: part.targets - Float(classes.lowerBound),
                   classNames: Array(names[classes]))
}
var random = RandomSource(seed: 77)
let taskA = task(fullTrain, classes: 0..<5)
let trainA = taskA.subset(Array(random.permutation(taskA.count).prefix(12_000)))
let taskB = task(fullTrain, classes: 5..<10)
let trainB = taskB.subset(Array(random.permutation(taskB.count).prefix(500)))  // the small data set
let testB = task(fullTest, classes: 5..<10)
print("task A: \(trainA.count) training images; task B: \(trainB.count) training, \(testB.count) test images")

// 2. Pre-train seed-cnn on task A.
let head = Head(.categorical, classCount: 5)
let pretrained = try ProbabilisticModel(architecture: .seedCNN, inputShape: [28, 28, 1], head: head, using: &random)
var options = TrainingOptions()
options.epochs = 3
options.batchSize = 128
options.seed = 1
try pretrained.fit(trainA, options: options)
let reportA = pretrained.evaluate(task(fullTest, classes: 0..<5))
print(String(format: "pre-trained on A: test accuracy on A %.4f", reportA.accuracy!))

// 3. Transfer: keep the convolutional part (Conv, ReLU, Conv, ReLU, MaxPool, Flatten), freeze
//    its weights, and put a fresh classifier on top (Dense 40, ReLU, Dropout 0.25, Dense 5).
let features = Array(pretrained.network.layers[0..<6])
for layer in features { layer.isTrainable = false }  // the optimizer now leaves them alone
let flattened = Sequential(layers: features).outputShape(for: [28, 28, 1])[0]  // 14 · 14 · 16 = 3136
let transferNetwork = Sequential(inputShape: [28, 28, 1], layers: features + [
    Dense(inputSize: flattened, outputSize: 40, using: &random), ReLU(), Dropout(rate: 0.25),
    Dense(inputSize: 40, outputSize: 5, using: &random),
])
let transferred = ProbabilisticModel(network: transferNetwork, head: head, inputShape: [28, 28, 1])
let scratch = try ProbabilisticModel(architecture: .seedCNN, inputShape: [28, 28, 1], head: head, using: &random)
print("trainable parameters: transferred \(transferNetwork.trainableParameterCount), from scratch \(scratch.network.trainableParameterCount)")

// 4. Both models see the same 500 images for the same number of steps.
options.epochs = 30
options.batchSize = 32
options.seed = 2
var curves: [String: [Double]] = [:]
for (name, model) in [("transferred", transferred), ("from scratch", scratch)] {
    let history = try model.fit(trainB, options: options)
    curves[name] = history.epochs.map(\.loss)
    let report = model.evaluate(testB, mcSamples: 30, seed: 5)
    print(String(format: "%-12@  test accuracy %.4f  NLL %.4f  ECE %.4f  (%.0fs)", name, report.accuracy!, report.nll,
                 report.ece!, history.epochs.map(\.seconds).reduce(0, +)))
}

// 5. Plots: the training NLL of both runs per epoch (as the two lines of a loss plot), and the first
//    convolution layer's filters, learned on task A and reused unchanged on task B.
try Plots.write(Plots.lossCurves(training: curves["transferred"]!, validation: curves["from scratch"]!,
                                 title: "Training NLL: transferred (blue), scratch (orange)"),
                to: output + "/loss.svg")
try Plots.write(Plots.convolutionFilters(features[0].parameters[0].tensor), to: output + "/filters.svg")
print("plots written to \(output)")
