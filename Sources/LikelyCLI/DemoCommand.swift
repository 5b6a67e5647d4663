import ArgumentParser
import Foundation
import Likely

/// `likely demo`: the two main jobs on built-in data, evaluated, with plots and a summary.
///
/// 1. Heteroscedastic regression: x ~ U(−4, 4), y = 2 sin(x) + x/2 + σ(x)·ε with
///    σ(x) = 0.1 + 0.3|x| and ε ~ N(0, 1), fitted by an MLP (50, 50, dropout 0.1) with a
///    Normal head whose scale depends on x; scored with MC dropout.
/// 2. Fashion-MNIST: `seed-cnn` with dropout 0.25 and a categorical head on a seeded subset
///    of the training images, scored on test images deterministically and with MC dropout.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fit and evaluate a heteroscedastic regression and an MC-dropout CNN on Fashion-MNIST.",
        discussion: """
            Writes plots (SVG), the two models, summary.json and summary.md to --out. About a minute \
            on two cores; --quick about 20 seconds.
            """)

    @Option(help: "The output directory.")
    var out: String = "demo-output"

    @Flag(help: "Smaller data and fewer epochs (under a minute).")
    var quick = false

    @Option(help: "The Fashion-MNIST directory (IDX files, MNIST layout).")
    var fashionMnist: String = "/usr/share/datasets/fashion-mnist"

    @Option(help: "The seed of the generated data, the weights and every draw.")
    var seed: UInt64 = 1

    func validate() throws {
        guard MNISTDirectory.looksLikeMNIST(fashionMnist) else {
            throw InputError("--fashion-mnist \(fashionMnist): no Fashion-MNIST IDX files (train-images-idx3-ubyte.gz, ...); "
                             + "install the fashion-mnist data package or pass --fashion-mnist DIR")
        }
    }

    func run() throws {
        try validate()
        try OutputPaths(inputs: [("--fashion-mnist", fashionMnist)])
            .checkDirectory(out, option: "--out", files: ["summary.json", "summary.md"])
        try makeDirectory(out, option: "--out")
        let started = Date()
        let plan = DemoPlan(quick: quick)
        say("likely demo\(quick ? " --quick" : ""): results and plots in \(out)/")
        let regression = try RegressionDemo(plan: plan, seed: seed).run(out: out)
        let images = try FashionDemo(plan: plan, seed: seed, directory: fashionMnist).run(out: out)
        let seconds = Date().timeIntervalSince(started)
        let summary = DemoSummary(out: out, quick: quick, seconds: seconds, regression: regression, images: images)
        try writeText(summary.json, to: DataSource.join(out, "summary.json"), option: "--out")
        try writeText(summary.markdown, to: DataSource.join(out, "summary.md"), option: "--out")
        say("")
        say(summary.table)
        say(String(format: "\ndone in %.0f s; see %@/summary.md and the SVG plots", seconds, out))
    }
}

/// Sizes of the demo runs.
struct DemoPlan {
    var regressionTrain: Int, regressionTest: Int, regressionEpochs: Int, regressionMC: Int
    var imageTrain: Int, imageTest: Int, imageEpochs: Int, imageMC: Int

    init(quick: Bool) {
        regressionTrain = quick ? 1000 : 2000
        regressionTest = 1000
        regressionEpochs = quick ? 60 : 150
        regressionMC = quick ? 20 : 50
        imageTrain = quick ? 8000 : 20000
        imageTest = quick ? 1000 : 2000
        imageEpochs = quick ? 2 : 3
        imageMC = quick ? 10 : 30
    }
}

/// The heteroscedastic regression of the demo.
struct RegressionDemo {
    var plan: DemoPlan
    var seed: UInt64

    /// The true mean and noise of the generated data.
    static func mean(_ x: Double) -> Double { 2 * sin(x) + 0.5 * x }
    static func noise(_ x: Double) -> Double { 0.1 + 0.3 * Swift.abs(x) }

    /// n draws of (x, y), seeded.
    static func generate(count n: Int, using random: inout RandomSource) -> (x: [Float], y: [Float]) {
        var x: [Float] = [], y: [Float] = []
        for _ in 0..<n {
            let xi = -4 + 8 * random.uniform()
            x.append(Float(xi))
            y.append(Float(mean(xi) + noise(xi) * random.normal()))
        }
        return (x, y)
    }

    struct Result {
        var report: EvaluationReport
        var deterministic: EvaluationReport
        /// Mean NLL of the test data under the true distribution (the best any model can do).
        var oracleNLL: Double
        var epochs: Int
        var seconds: Double
        var files: [String]
    }

    func run(out: String) throws -> Result {
        let started = Date()
        say("\n[1/2] heteroscedastic regression: y = 2 sin x + x/2 + (0.1 + 0.3|x|)·ε, \(plan.regressionTrain) training points")
        var random = RandomSource(seed: seed, stream: 11)
        let train = Self.generate(count: plan.regressionTrain, using: &random)
        let test = Self.generate(count: plan.regressionTest, using: &random)
        let trainSet = Dataset(features: Tensor(shape: [train.x.count, 1], scalars: train.x), targets: Tensor(train.y),
                               featureNames: ["x"])
        let testSet = Dataset(features: Tensor(shape: [test.x.count, 1], scalars: test.x), targets: Tensor(test.y),
                              featureNames: ["x"])
        let model = try ModelFactory.make(architecture: .mlp, inputShape: [1], head: Head(.normal), hidden: [50, 50],
                                          dropout: 0.1, inputDropout: 0, seed: seed)
        model.featureNames = ["x"]
        model.targetName = "y"
        var options = TrainingOptions()
        options.epochs = plan.regressionEpochs
        options.batchSize = 32
        options.optimizer = Adam(learningRate: 0.003)
        options.seed = seed
        options.validation = .data(testSet)
        options.showProgress = isatty(STDOUT_FILENO) == 1
        let history: History
        do { history = try model.fit(trainSet, options: options) } catch let error as TrainingError {
            throw RunFailure(message: "demo regression: \(error)")
        }
        let report = model.evaluate(testSet, mcSamples: plan.regressionMC, seed: seed)
        let deterministic = model.evaluate(testSet, mcSamples: 0, seed: seed)
        let oracle = zip(test.x, test.y).reduce(0.0) { sum, p in
            let s = Self.noise(Double(p.0)), z = (Double(p.1) - Self.mean(Double(p.0))) / s
            return sum + 0.5 * z * z + Foundation.log(s) + 0.5 * Foundation.log(2 * Double.pi)
        } / Double(test.x.count)

        let modelDirectory = DataSource.join(out, "regression-model")
        try ModelDirectory.save(model, to: modelDirectory, history: history)
        var files = try TrainingPlots.write(history: history, model: model, to: out, prefix: "regression-")
        let data = LoadedData(kind: .arrays, path: "generated", features: testSet.features, targets: testSet.targets,
                              featureNames: ["x"], targetName: "y")
        files += try EvaluationPlots.write(report: report, model: model, data: data, mcSamples: plan.regressionMC,
                                           seed: seed, to: out, prefix: "regression-")
        return Result(report: report, deterministic: deterministic, oracleNLL: oracle, epochs: history.epochs.count,
                      seconds: Date().timeIntervalSince(started), files: files)
    }
}

/// The MC-dropout CNN on Fashion-MNIST of the demo.
struct FashionDemo {
    var plan: DemoPlan
    var seed: UInt64
    var directory: String

    /// Where Debian's package puts the Fashion-MNIST IDX files.
    static let systemDirectory = "/usr/share/datasets/fashion-mnist"

    static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    struct Result {
        var report: EvaluationReport
        var deterministic: EvaluationReport
        var epochs: Int
        var seconds: Double
        var files: [String]
    }

    func run(out: String) throws -> Result {
        let started = Date()
        say("\n[2/2] Fashion-MNIST: seed-cnn with dropout 0.25, \(plan.imageTrain) training images, \(plan.imageEpochs) epochs")
        let fullTrain = try MNISTDirectory.load(directory, split: .train)
        let fullTest = try MNISTDirectory.load(directory, split: .test)
        var random = RandomSource(seed: seed, stream: 21)
        let train = fullTrain.subset(Array(fullTrain.shuffledOrder(using: &random).prefix(plan.imageTrain)))
        let test = fullTest.subset(Array(fullTest.shuffledOrder(using: &random).prefix(plan.imageTest)))
        let classCount = max(10, train.classCount ?? 10)
        let model = try ModelFactory.make(architecture: .seedCNN, inputShape: [28, 28, 1],
                                          head: Head(.categorical, classCount: classCount), hidden: [],
                                          dropout: 0.25, inputDropout: 0, seed: seed)
        model.classNames = classCount == 10 ? Self.classNames : (0..<classCount).map(String.init)
        var options = TrainingOptions()
        options.epochs = plan.imageEpochs
        options.batchSize = 64
        options.optimizer = Adam(learningRate: 0.002)
        options.seed = seed
        options.validation = .data(test)
        options.showProgress = isatty(STDOUT_FILENO) == 1
        if !options.showProgress { options.onEpochEnd = { say(ProbabilisticModel.epochLine($0, of: plan.imageEpochs, scoredOn: "test")) } }
        let history: History
        do { history = try model.fit(train, options: options) } catch let error as TrainingError {
            throw RunFailure(message: "demo Fashion-MNIST: \(error)")
        }
        let predictive = model.predictive(test.features, mcSamples: plan.imageMC, seed: seed)
        let report = model.evaluate(predictive, targets: test.targets, mcSamples: plan.imageMC, seed: seed)
        let deterministic = model.evaluate(test, mcSamples: 0, seed: seed)

        try ModelDirectory.save(model, to: DataSource.join(out, "fashion-model"), history: history)
        var files = try TrainingPlots.write(history: history, model: model, to: out, prefix: "fashion-")
        let data = LoadedData(kind: .images, path: directory, features: test.features, targets: test.targets,
                              classNames: model.classNames)
        files += try EvaluationPlots.write(report: report, model: model, data: data, mcSamples: plan.imageMC,
                                           seed: seed, to: out, prefix: "fashion-")
        files.append(try uncertainImages(predictive, test: test, names: model.classNames ?? [], out: out))
        return Result(report: report, deterministic: deterministic, epochs: history.epochs.count,
                      seconds: Date().timeIntervalSince(started), files: files)
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
