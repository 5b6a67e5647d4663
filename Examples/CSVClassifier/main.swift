// A Bernoulli classifier of a CSV table with a 0/1 target: a validation split with early
// stopping, MC-dropout mean probabilities, and the report's ECE.
//
//   swift run -c release CSVClassifier [table.csv]
//
// The default table is Examples/data/defaults.csv (made-up loan accounts: balance, income,
// student, and default, 0 or 1; make_defaults.py beside it writes it).
import Foundation
import Likely

let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Examples/data/defaults.csv"

// 1. Read the table: the target column `default` holds 0 or 1; every other column is a feature.
let table = try CSVReader.read(path, options: CSVOptions(target: "default"))
var random = RandomSource(seed: 0)
let parts = table.dataset.split(validationFraction: 0, testFraction: 0.25, using: &random)

// 2. An MLP whose one raw output is the logit of P(default = 1), with dropout for MC dropout.
let model = try ProbabilisticModel(architecture: .mlp, inputShape: [table.featureNames.count], head: Head(.bernoulli),
                                   hidden: [32, 32], dropout: 0.1, using: &random)

// 3. Train by the Bernoulli NLL: fit holds out 20% for validation and stops when its NLL has
//    not improved for 10 epochs, keeping the best epoch's weights. It standardizes the
//    features itself, with the training part's statistics (kept in the model).
var options = TrainingOptions()
options.epochs = 300
options.batchSize = 64
options.validation = .fraction(0.2)
options.earlyStopping = .init(patience: 10)
let history = try model.fit(parts.train, options: options)
print("trained \(history.epochs.count) epochs, kept epoch \(history.keptEpoch)")

// 4. MC dropout, T = 50 passes: the mean probabilities [N, 2] are P(0) and P(1) per row.
let predictive = model.predictive(parts.test.features, mcSamples: 50, seed: 1)
let probabilities = predictive.classification.meanProbabilities
for row in 0..<3 {
    print(String(format: "row %d: P(default) = %.3f, observed %.0f", row, probabilities[row, 1], parts.test.targets[row]))
}

// 5. Proper scores and calibration of that predictive on the held-out rows.
let report = model.evaluate(predictive, targets: parts.test.targets, mcSamples: 50, seed: 1)
print(String(format: "%d test rows: accuracy %.4f  NLL %.4f  Brier %.4f  ECE %.4f  ROC-AUC %.4f",
             report.n, report.accuracy!, report.nll, report.brier!, report.ece!, report.rocAUC!))
