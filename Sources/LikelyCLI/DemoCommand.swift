import ArgumentParser
import Foundation
import Likely

/// `likely demo`: where epistemic uncertainty pays, on built-in data, with plots and a summary.
/// Predictives side by side on each task: the deterministic network, MC dropout of the same
/// network, a small deep ensemble and, for the regressions, a full Laplace posterior (`DemoMethod`).
///
/// 1. Regression with a gap (`RegressionDemo`): training x ~ U([−4, 4] \ (1, 2.5)),
///    y = 2 sin(x) + x/2 + σ(x)·ε with σ(x) = 0.1 + 0.3|x|; scored on test x ~ U(−4, 4), inside
///    the gap and outside it (NLL, 90% interval coverage and width).
/// 1b. Two clusters in 2-D (`InBetweenDemo`): the sd along the segment between them.
/// 2. Fashion-MNIST (`FashionDemo`): `seed-cnn` with dropout 0.25 on a seeded subset of the
///    training images; accuracy, NLL, ECE, AURC, out-of-distribution AUROC against foreign
///    images (`ForeignImages`) and the conformal LAC set size at 90%.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Deterministic, MC-dropout, ensemble and Laplace predictives side by side: a regression with a gap, two clusters in 2-D, and Fashion-MNIST.",
        discussion: """
            Writes plots (SVG), the models, summary.json and summary.md to --out. About a minute \
            on two cores (under two when they are busy); --quick under half a minute.
            """)

    @Option(help: "The output directory.")
    var out: String = "demo-output"

    @Flag(help: "Smaller data and fewer epochs (under half a minute).")
    var quick = false

    @Option(help: "The Fashion-MNIST directory (IDX files, MNIST layout).")
    var fashionMnist: String = FashionDemo.systemDirectory

    @Option(parsing: .unconditional, help: "The seed of the generated data, the weights and every draw.")
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
        let inBetween = try InBetweenDemo(plan: plan, seed: seed).run()
        let images = try FashionDemo(plan: plan, seed: seed, directory: fashionMnist).run(out: out)
        let summary = DemoSummary(quick: quick, seconds: Date().timeIntervalSince(started), regression: regression,
                                  inBetween: inBetween, fashionMNIST: images)
        try writeText(summary.json, to: DataSource.join(out, "summary.json"), option: "--out")
        try writeText(summary.markdown(out: out), to: DataSource.join(out, "summary.md"), option: "--out")
        // The results on standard output; the progress above went to standard error.
        writeOutput(summary.table + "\n")
        writeOutput(String(format: "\ndone in %.0f s; see %@/summary.md and the SVG plots\n", summary.seconds, out))
    }
}

/// Sizes of the demo runs.
struct DemoPlan {
    var regressionTrain: Int, regressionValidation: Int, regressionTest: Int, regressionEpochs: Int, regressionMC: Int
    var regressionMembers: Int
    var imageTrain: Int, imageValidation: Int, imageCalibration: Int, imageTest: Int, imageEpochs: Int, imageMC: Int
    var imageMembers: Int

    init(quick: Bool) {
        regressionTrain = quick ? 1000 : 2000
        regressionValidation = 500
        regressionTest = 2000
        regressionEpochs = quick ? 60 : 150
        regressionMC = quick ? 20 : 50
        regressionMembers = 5
        imageTrain = quick ? 3000 : 20000
        imageValidation = 1000
        imageCalibration = 1000
        imageTest = quick ? 1000 : 2000
        imageEpochs = quick ? 2 : 3
        imageMC = quick ? 10 : 30
        imageMembers = 3
    }
}
