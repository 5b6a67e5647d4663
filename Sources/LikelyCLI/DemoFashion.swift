import Foundation
import Likely

/// The demo's Fashion-MNIST part: `seed-cnn` with dropout 0.25 and a categorical head on a
/// seeded subset of the training images, as a deterministic network, with MC dropout, and
/// as a small deep ensemble; each scored on held-out test images (accuracy, NLL, ECE, AURC),
/// against foreign images (`ForeignImages`: out-of-distribution AUROC) and with conformal LAC
/// sets at 90% calibrated on another part of the test images.
struct FashionDemo {
    var plan: DemoPlan
    var seed: UInt64
    var directory: String

    /// Where Debian's package puts the Fashion-MNIST IDX files.
    static let systemDirectory = "/usr/share/datasets/fashion-mnist"

    static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    /// The level of the conformal sets.
    static let conformalLevel = 0.9

    struct Result: Encodable {
        var nTrain: Int
        var nValidation: Int
        var nCalibration: Int
        var nTest: Int
        var nForeign: Int
        var foreign: String
        var epochs: Int
        var seconds: Double
        var order: [String]
        var methods: [String: DemoMethodResult]
        var files: [String] = []

        enum CodingKeys: String, CodingKey {
            case nTrain = "n_train", nValidation = "n_validation", nCalibration = "n_calibration", nTest = "n_test"
            case nForeign = "n_foreign", foreign, epochs, seconds, order, methods
        }
    }

    /// The network of the demo, as an ensemble of `members`.
    func makeModel(inputShape: [Int], classCount: Int, seed: UInt64, members: Int) throws -> ProbabilisticModel {
        let model = try ProbabilisticModel(architecture: .seedCNN, inputShape: inputShape,
                                           head: Head(.categorical, classCount: classCount), hidden: [],
                                           dropout: FitDefaults.imageDropout, members: members, seed: seed)
        model.classNames = classCount == 10 ? Self.classNames : (0..<classCount).map(String.init)
        return model
    }

    func run(out: String) throws -> Result {
        let started = Date()
        say("\n[3/3] Fashion-MNIST: seed-cnn with dropout 0.25, \(plan.imageTrain) training images, \(plan.imageEpochs) epochs")
        let fullTrain = try MNISTDirectory.load(directory, split: .train)
        let fullTest = try MNISTDirectory.load(directory, split: .test)
        var random = RandomSource(key: StreamKey(seed: seed, purpose: .demoImageSubset))
        let trainOrder = fullTrain.shuffledOrder(using: &random)
        let train = fullTrain.subset(Array(trainOrder.prefix(plan.imageTrain)))
        let validation = fullTrain.subset(Array(trainOrder.dropFirst(plan.imageTrain).prefix(plan.imageValidation)))
        let testOrder = fullTest.shuffledOrder(using: &random)
        let calibration = fullTest.subset(Array(testOrder.prefix(plan.imageCalibration)))
        let test = fullTest.subset(Array(testOrder.dropFirst(plan.imageCalibration).prefix(plan.imageTest)))
        guard train.count > 0, validation.count > 0, calibration.count > 0, test.count > 0 else {
            throw InputError("--fashion-mnist \(directory): \(fullTrain.count) training and \(fullTest.count) test images are too few; "
                             + "the demo needs at least \(plan.imageTrain + 1) training and \(plan.imageCalibration + 1) test images")
        }
        let foreign = ForeignImages(like: test.features, count: max(test.count, 2), seed: seed)
        let classCount = max(10, train.classCount ?? 10)
        let inputShape = Array(train.features.shape.dropFirst())
        func make(_ seed: UInt64, _ members: Int) throws -> ProbabilisticModel {
            try makeModel(inputShape: inputShape, classCount: classCount, seed: seed, members: members)
        }

        let fits = try DemoFits.run(part: "Fashion-MNIST", train: train, validation: validation, epochs: plan.imageEpochs,
                                    batchSize: 64, learningRate: 0.002, seed: seed, members: plan.imageMembers, epochLines: true, make: make)
        let model = fits.single
        let methods = DemoMethod.compared(fits, mc: plan.imageMC, seed: seed)
        var results: [String: DemoMethodResult] = [:]
        var mcPredictive: Predictive?
        for method in methods {
            let predictive = method.predict(test.features)
            var report = method.model.evaluate(predictive, targets: test.targets, mcSamples: method.mcSamples, seed: seed)
            // The deterministic network's mutual information is 0 everywhere: its scores come out
            // undefined (null, with the reason) from OutOfDistributionReport itself.
            report.ood = OutOfDistributionReport(inDistribution: predictive, outOfDistribution: method.predict(foreign.all))
            let byKind = ["inverted": foreign.inverted, "noise": foreign.noise].mapValues {
                OutOfDistributionReport(inDistribution: predictive, outOfDistribution: method.predict($0))
            }
            method.model.conformalize(method.predict(calibration.features), targets: calibration.targets, method: .lac,
                                      mcSamples: method.mcSamples, seed: seed)
            report.conformal = method.model.conformalReport(predictive, targets: test.targets, level: Self.conformalLevel)
            results[method.key] = DemoMethodResult(method, test: report, oodByKind: byKind)
            if method.key == "mc_dropout" { mcPredictive = predictive }
        }

        // The single network holds the LAC scores of its MC-dropout predictive (the last
        // conformalized), the ensemble those of its deterministic members.
        try ModelDirectory.save(model, to: DataSource.join(out, "fashion-model"), history: fits.singleHistory)
        try ModelDirectory.save(fits.ensemble, to: DataSource.join(out, "fashion-ensemble"), history: fits.history)
        var files = try TrainingPlots.write(history: fits.singleHistory, model: model, to: out, prefix: "fashion-")
        if let mc = results["mc_dropout"], let mcPredictive {
            let data = LoadedData(kind: .images, path: directory, features: test.features, targets: test.targets,
                                  classNames: model.classNames)
            files += try EvaluationPlots.write(report: mc.test, model: model, data: data, mcSamples: plan.imageMC,
                                               seed: seed, to: out, prefix: "fashion-")
            files.append(try uncertainImages(mcPredictive, test: test, names: model.classNames ?? [], out: out))
        }
        return Result(nTrain: train.count, nValidation: validation.count, nCalibration: calibration.count, nTest: test.count,
                      nForeign: foreign.all.shape[0], foreign: ForeignImages.description, epochs: fits.singleHistory.epochs.count,
                      seconds: Date().timeIntervalSince(started), order: methods.map(\.key), methods: results, files: files)
    }

    /// The 16 test images the MC-dropout members disagree on most (highest mutual
    /// information), captioned with the true and predicted class.
    func uncertainImages(_ predictive: Predictive, test: Dataset, names: [String], out: String) throws -> String {
        let uncertainty = predictive.classification
        let k = uncertainty.meanProbabilities.shape[1]
        let p = uncertainty.meanProbabilities.scalars
        let order = uncertainty.mutualInformation.indices.sorted { uncertainty.mutualInformation[$0] > uncertainty.mutualInformation[$1] }
        let chosen = Array(order.prefix(16))
        let labels = test.classIndices
        func name(_ i: Int) -> String { i < names.count ? names[i] : String(i) }
        let captions = chosen.map { i -> String in
            let row = p[(i * k)..<((i + 1) * k)]
            let predicted = (row.indices.max { row[$0] < row[$1] } ?? 0) - i * k
            return "\(name(labels[i])) → \(name(predicted)) (\(String(format: "%.2f", uncertainty.mutualInformation[i])))"
        }
        let svg = Plots.imageGrid(test.features.gatheringRows(chosen), captions: captions, columns: 4, cellSize: 170,
                                  title: "Most uncertain test images: true → predicted (MI)")
        return try TrainingPlots.save(svg, out, "fashion-uncertain.svg")
    }
}
