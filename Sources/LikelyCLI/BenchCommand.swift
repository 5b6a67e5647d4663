import ArgumentParser
import Foundation
import Likely

/// `likely bench`: the speed cases, the same work as `shared/bench/torch_bench.py`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the speed cases (the same work as the PyTorch bench script).",
        discussion: "With --json, one JSON object per case: case, items_per_s, step_ms, gflops, ratio_to_predict (each when measured).")

    @Option(name: .customLong("case"), help: "Run one case (default: every case).")
    var caseName: BenchCase?

    @Option(parsing: .unconditional, help: "Threads for OpenBLAS and element-wise work.")
    var threads: Int = 2

    @OptionGroup var format: JSONFlag

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256, got \(threads)") }
    }

    func run() throws {
        Parallel.threadCount = threads
        let cases = caseName.map { [$0] } ?? BenchCase.allCases
        for benchCase in cases {
            let result = try benchCase.run()
            writeOutput((format.json ? result.json : result.text) + "\n")
        }
    }
}

/// One timed case: its throughput and the time of one step.
struct BenchResult {
    var name: String
    var itemsPerSecond: Double?
    var stepMilliseconds: Double
    var gflops: Double?
    /// evaluate's time over predict's (`evaluate_negbinomial_4000`).
    var ratioToPredict: Double?

    var json: String {
        var fields = ["\"case\":\"\(name)\""]
        if let itemsPerSecond { fields.append("\"items_per_s\":\(rounded(itemsPerSecond, 1))") }
        fields.append("\"step_ms\":\(rounded(stepMilliseconds, 3))")
        if let gflops { fields.append("\"gflops\":\(rounded(gflops, 1))") }
        if let ratioToPredict { fields.append("\"ratio_to_predict\":\(rounded(ratioToPredict, 2))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    var text: String {
        var line = "\(name): \(String(format: "%.3f", stepMilliseconds)) ms/step"
        if let itemsPerSecond { line += String(format: ", %.1f items/s", itemsPerSecond) }
        if let gflops { line += String(format: ", %.1f GFLOP/s", gflops) }
        if let ratioToPredict { line += String(format: ", %.2f× predict", ratioToPredict) }
        return line
    }

    private func rounded(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}

/// The speed cases, each the same work as its namesake in `shared/bench/torch_bench.py`.
enum BenchCase: String, CaseIterable, ExpressibleByArgument {
    case cnnTrain = "cnn_train_b128"
    case cnnMonteCarlo = "cnn_mc50_predict_1000"
    case mlpNormalTrain = "mlp_normal_train_b32"
    case sgemm1024 = "sgemm_1024"
    case ensembleTrain = "ensemble5_mlp_train_b32"
    case evaluateNegativeBinomial = "evaluate_negbinomial_4000"
    case laplaceFull = "laplace_full_mlp_2000"

    func run() throws -> BenchResult {
        switch self {
        case .cnnTrain:
            // One Adam step of seed-cnn, categorical NLL, batch 128 of random 28×28×1 images.
            var random = RandomSource(seed: 0)
            let model = try seedCNN(using: &random)
            let x = Tensor.randomNormal([128, 28, 28, 1], using: &random)
            let y = Tensor((0..<128).map { _ in Float(random.integer(in: 0..<10)) })
            let optimizer = Adam(learningRate: 0.001)
            let parameters = model.parameters
            var step: UInt64 = 0
            let seconds = timePerCall(repetitions: 20) {
                // Per-example dropout streams, made each step as `fit` makes them.
                step += 1
                var streams = ExampleStreams(key: StreamKey(seed: 0, purpose: .dropout, epoch: step), examples: 0..<128)
                let loss = model.loss(x, targets: y, phase: .training, using: &streams)
                optimizer.update(parameters, with: loss.gradients())
            }
            return BenchResult(name: rawValue, itemsPerSecond: 128 / seconds, stepMilliseconds: seconds * 1e3, gflops: nil)
        case .cnnMonteCarlo:
            // The MC-dropout predictive of 1000 images, T = 50, and its mean class probabilities.
            var random = RandomSource(seed: 1)
            let model = try seedCNN(using: &random)
            let x = Tensor.randomNormal([1000, 28, 28, 1], using: &random)
            let seconds = timePerCall(repetitions: 4) {
                let predictive = model.predictive(x, mcSamples: 50, seed: 7)
                _ = withoutGradients { predictive.memberProbabilities.mean(alongAxis: 0) }
            }
            return BenchResult(name: rawValue, itemsPerSecond: 1000 * 50 / seconds, stepMilliseconds: seconds * 1e3, gflops: nil)
        case .mlpNormalTrain:
            // One Adam step of a 1-50-50-2 ReLU network with an exp-scale Normal NLL, batch 32.
            var random = RandomSource(seed: 2)
            let step = try normalMLPStep(using: &random)
            let seconds = timePerCall(repetitions: 500, step)
            return BenchResult(name: rawValue, itemsPerSecond: 32 / seconds, stepMilliseconds: seconds * 1e3, gflops: nil)
        case .ensembleTrain:
            // One Adam step of each of five such networks, each on its own batch of 32: the
            // members step at the same time, one core each, as `fit --ensemble 5` trains them,
            // each member's steps in order (Parallel.interleave); the time of 500 steps of all five.
            var random = RandomSource(seed: 3)
            let steps = try (0..<5).map { _ in try normalMLPStep(using: &random) }
            func run(_ count: Int) {
                let done = steps.map { _ in StepCount() }
                Parallel.interleave(jobs: steps.count) { j in
                    steps[j]()
                    done[j].value += 1
                    return done[j].value < count
                }
            }
            run(3)
            let start = DispatchTime.now().uptimeNanoseconds
            run(500)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / 500
            return BenchResult(name: rawValue, itemsPerSecond: 5 * 32 / seconds, stepMilliseconds: seconds * 1e3, gflops: nil)
        case .evaluateNegativeBinomial:
            // `likely evaluate` and `likely predict` (its CSV lines) of a negative-binomial MLP
            // (1-50-50-2, dropout 0.25, two epochs on counts of mean e^(2 + x)) on 4000 rows at
            // T = 30, each from the predictive on; the ratio of their times.
            let (model, data) = try negativeBinomialModel()
            let evaluate = timePerCall(repetitions: 3, warmUps: 1) {
                _ = model.evaluate(data, mcSamples: 30, seed: 7).json
            }
            let predict = timePerCall(repetitions: 3, warmUps: 1) {
                _ = PredictionTable.summary(model.predictive(data.features, mcSamples: 30, seed: 7), model: model, region: nil)
            }
            return BenchResult(name: rawValue, itemsPerSecond: 4000 / evaluate, stepMilliseconds: evaluate * 1e3, gflops: nil,
                               ratioToPredict: evaluate / predict)
        case .sgemm1024:
            var random = RandomSource(seed: 0)
            let a = Tensor.randomNormal([1024, 1024], using: &random)
            let b = Tensor.randomNormal([1024, 1024], using: &random)
            let seconds = timePerCall(repetitions: 20) { _ = matmul(a, b) }
            return BenchResult(name: rawValue, itemsPerSecond: nil, stepMilliseconds: seconds * 1e3,
                               gflops: 2 * pow(1024, 3) / seconds / 1e9)
        case .laplaceFull:
            // A full-GGN Laplace posterior of a 1-50-50-2 ReLU MLP (exp-scale Normal head) on 2000
            // examples, y = sin x + 0.3 ε, the prior precision chosen by the evidence.
            var random = RandomSource(seed: 3)
            let network = try Architecture.mlp.makeModel(inputShape: [1], hidden: [50, 50], dropout: 0, outputs: 2, using: &random)
            let model = ProbabilisticModel(network: network, head: Head(.normal, scaleLink: .exp), inputShape: [1])
            let x = Tensor.randomNormal([2000, 1], using: &random)
            let y = Tensor(x.scalars.map { Float(sin(Double($0)) + 0.3 * random.normal()) })
            let data = Dataset(features: x, targets: y)
            var failure: (any Error)?
            let seconds = timePerCall(repetitions: 1, warmUps: 1) {
                do { try model.fitLaplace(on: data, structure: .full, prior: .auto) } catch { failure = error }
            }
            if let failure { throw RunFailure(message: "laplace_full_mlp_2000: \(failure)") }
            return BenchResult(name: rawValue, itemsPerSecond: 2000 / seconds, stepMilliseconds: seconds * 1e3, gflops: nil)
        }
    }

    /// One Adam step of a new 1-50-50-2 ReLU network with an exp-scale Normal NLL on its own
    /// batch of 32 random examples (weights and batch drawn from `random`).
    private func normalMLPStep(using random: inout RandomSource) throws -> () -> Void {
        let network = try Architecture.mlp.makeModel(inputShape: [1], hidden: [50, 50], dropout: 0, outputs: 2, using: &random)
        let model = ProbabilisticModel(network: network, head: Head(.normal, scaleLink: .exp), inputShape: [1])
        let x = Tensor.randomNormal([32, 1], using: &random)
        let y = Tensor.randomNormal([32], using: &random)
        let optimizer = Adam(learningRate: 0.001)
        let parameters = model.parameters
        return {
            var none = ExampleStreams()  // no dropout layer: nothing draws
            let loss = model.loss(x, targets: y, phase: .training, using: &none)
            optimizer.update(parameters, with: loss.gradients())
        }
    }

    /// A 1-50-50-2 negative-binomial MLP with dropout 0.25 trained two epochs on 4000 rows
    /// x ~ N(0, 1), y ~ NB with mean e^(2 + x) and total count 5, and those rows.
    private func negativeBinomialModel() throws -> (ProbabilisticModel, Dataset) {
        var random = RandomSource(seed: 4)
        let x = Tensor.randomNormal([4000, 1], using: &random)
        let counts = x.scalars.map { x -> Float in
            let mean = Foundation.exp(2 + Double(x)), r = 5.0
            let rate = random.gamma(shape: r, scale: mean / r)
            return Float(random.poisson(mean: rate))
        }
        let data = Dataset(features: x, targets: Tensor(counts))
        let model = try ProbabilisticModel(architecture: .mlp, inputShape: [1], head: Head(.negativeBinomial),
                                           hidden: [50, 50], dropout: 0.25, members: 1, seed: 4)
        var options = TrainingOptions()
        (options.epochs, options.seed) = (2, 4)
        try model.fit(data, options: options)
        return (model, data)
    }

    /// seed-cnn on 28×28×1 images with a 10-class categorical head (dropout 0.25, as in the torch script).
    private func seedCNN(using random: inout RandomSource) throws -> ProbabilisticModel {
        try ProbabilisticModel(architecture: .seedCNN, inputShape: [28, 28, 1], head: Head(.categorical, classCount: 10),
                                dropout: 0.25, using: &random)
    }
}

/// The steps one job of `Parallel.interleave` has taken (written by one worker at a time).
private final class StepCount {
    var value = 0
}

/// The mean wall time of `body` over `repetitions` calls after `warmUps` (three) warm-up calls.
func timePerCall(repetitions: Int, warmUps: Int = 3, _ body: () -> Void) -> Double {
    for _ in 0..<warmUps { body() }
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<repetitions { body() }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(repetitions)
}
