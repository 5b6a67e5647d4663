import Foundation
import Likely

/// The demo's results as a printed table, `summary.json` and `summary.md`.
struct DemoSummary {
    var out: String
    var quick: Bool
    var seconds: Double
    var regression: RegressionDemo.Result
    var images: FashionDemo.Result

    /// Rows of (metric, deterministic network, MC dropout).
    private var regressionRows: [(String, Double?, Double?)] {
        let r = regression.report, d = regression.deterministic
        return [("NLL", d.nll, r.nll), ("RMSE", d.rmse, r.rmse), ("CRPS", d.crps, r.crps),
                ("coverage 50%", d.coverage?["0.5"], r.coverage?["0.5"]),
                ("coverage 90%", d.coverage?["0.9"], r.coverage?["0.9"]),
                ("coverage 95%", d.coverage?["0.95"], r.coverage?["0.95"]),
                ("oracle NLL", regression.oracleNLL, regression.oracleNLL)]
    }

    private var imageRows: [(String, Double?, Double?)] {
        let r = images.report, d = images.deterministic
        return [("accuracy", d.accuracy, r.accuracy), ("NLL", d.nll, r.nll), ("ECE", d.ece, r.ece), ("Brier", d.brier, r.brier)]
    }

    private func cell(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "-" }

    /// The table printed at the end of the demo.
    var table: String {
        var lines: [String] = []
        func section(_ title: String, _ rows: [(String, Double?, Double?)], mc: Int) {
            lines.append(title)
            lines.append("  " + "metric".padding(toLength: 14, withPad: " ", startingAt: 0) + "deterministic".leftPadded(14) + "MC dropout (T=\(mc))".leftPadded(20))
            for (name, d, m) in rows {
                lines.append("  " + name.padding(toLength: 14, withPad: " ", startingAt: 0) + cell(d).leftPadded(14) + cell(m).leftPadded(20))
            }
        }
        section(String(format: "Heteroscedastic regression (Normal head, %d test points, %d epochs, %.0f s)",
                       regression.report.n, regression.epochs, regression.seconds), regressionRows, mc: regression.report.mcSamples)
        lines.append("")
        section(String(format: "Fashion-MNIST (seed-cnn, %d test images, %d epochs, %.0f s)",
                       images.report.n, images.epochs, images.seconds), imageRows, mc: images.report.mcSamples)
        return lines.joined(separator: "\n")
    }

    /// `summary.md`: the table and what each plot shows.
    var markdown: String {
        func rows(_ r: [(String, Double?, Double?)]) -> String {
            r.map { "| \($0.0) | \(cell($0.1)) | \(cell($0.2)) |" }.joined(separator: "\n")
        }
        return """
            # likely demo\(quick ? " --quick" : "")

            Finished in \(String(format: "%.0f", seconds)) s. Every number is on held-out data.

            ## Heteroscedastic regression

            y = 2 sin x + x/2 + (0.1 + 0.3|x|)·ε, x ~ U(−4, 4); MLP 50-50 with dropout 0.1 and a Normal
            head (mean and log-scale both depend on x); \(regression.report.n) test points,
            \(regression.epochs) epochs. The oracle NLL uses the true mean and noise.

            | metric | deterministic | MC dropout (T=\(regression.report.mcSamples)) |
            |---|---|---|
            \(rows(regressionRows))

            Plots: `regression-bands.svg` (test data, predictive mean, 50%/95% bands of the total
            predictive filled, aleatoric bands dashed), `regression-pit.svg`, `regression-coverage.svg`,
            `regression-loss.svg`.

            ## Fashion-MNIST

            seed-cnn with dropout 0.25 and a categorical head; \(images.report.n) test images,
            \(images.epochs) epochs.

            | metric | deterministic | MC dropout (T=\(images.report.mcSamples)) |
            |---|---|---|
            \(rows(imageRows))

            Plots: `fashion-reliability.svg` (reliability diagram with bin counts),
            `fashion-uncertain.svg` (the test images with the highest mutual information),
            `fashion-filters.svg` (first convolution layer), `fashion-loss.svg`.

            Models: `regression-model/` and `fashion-model/` (try `likely evaluate \(out)/fashion-model /usr/share/datasets/fashion-mnist --mc-samples 20`).

            """
    }

    /// `summary.json`: both reports (the keys of `likely evaluate --json`) and the timings.
    var json: String {
        func object(_ r: EvaluationReport) -> String { r.json }
        return """
            {"quick": \(quick), "seconds": \(String(format: "%.1f", seconds)),
             "regression": {"mc_dropout": \(object(regression.report)), "deterministic": \(object(regression.deterministic)), \
            "oracle_nll": \(String(format: "%.6f", regression.oracleNLL)), "epochs": \(regression.epochs), "seconds": \(String(format: "%.1f", regression.seconds))},
             "fashion_mnist": {"mc_dropout": \(object(images.report)), "deterministic": \(object(images.deterministic)), \
            "epochs": \(images.epochs), "seconds": \(String(format: "%.1f", images.seconds))}}

            """
    }
}

extension String {
    /// The string right-aligned in `width` characters.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
