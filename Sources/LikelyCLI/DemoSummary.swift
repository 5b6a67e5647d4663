import Foundation
import Likely

/// The demo's results as a printed table, `summary.json` and `summary.md`. Every score is on
/// held-out test data; the JSON names them `test`, `test_in_gap`, `test_outside_gap`.
struct DemoSummary: Encodable {
    var quick: Bool
    var seconds: Double
    var regression: RegressionDemo.Result
    var inBetween: InBetweenDemo.Result
    var fashionMNIST: FashionDemo.Result

    enum CodingKeys: String, CodingKey { case quick, seconds, regression, inBetween = "in_between", fashionMNIST = "fashion_mnist" }

    /// The in-between table: per position t on the segment, each method's epistemic sd
    /// (total sd in brackets).
    var inBetweenRows: [(name: String, cells: [String])] {
        inBetween.positions.enumerated().map { i, t in
            (String(format: "t = %.2f", t), inBetween.order.map { key in
                String(format: "%.3f (%.3f)", inBetween.epistemicSD[key]?[i] ?? .nan, inBetween.totalSD[key]?[i] ?? .nan)
            })
        }
    }

    /// A table row: the metric and its value per method (nil: undefined).
    typealias Row = (name: String, values: [Double?])

    private var regressionMethods: [DemoMethodResult] { regression.order.compactMap { regression.methods[$0] } }
    private var imageMethods: [DemoMethodResult] { fashionMNIST.order.compactMap { fashionMNIST.methods[$0] } }

    /// A finite value, or nil.
    private static func defined(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }

    var regressionRows: [Row] {
        let m = regressionMethods
        func row(_ name: String, _ value: (DemoMethodResult) -> Double?) -> Row { (name, m.map { Self.defined(value($0)) }) }
        return [row("test NLL") { $0.test.nll }, row("test RMSE") { $0.test.rmse }, row("test coverage 90%") { $0.test.coverage?[0.9] },
                row("gap NLL") { $0.testInGap?.nll }, row("gap coverage 90%") { $0.testInGap?.coverage },
                row("gap 90% width") { $0.testInGap?.meanWidth }, row("gap epistemic sd") { $0.testInGap?.meanEpistemicSD },
                row("outside NLL") { $0.testOutsideGap?.nll }, row("outside cov. 90%") { $0.testOutsideGap?.coverage },
                row("outside 90% width") { $0.testOutsideGap?.meanWidth },
                row("outside epist. sd") { $0.testOutsideGap?.meanEpistemicSD }]
    }

    var imageRows: [Row] {
        let m = imageMethods
        func row(_ name: String, _ value: (DemoMethodResult) -> Double?) -> Row { (name, m.map { Self.defined(value($0)) }) }
        func auroc(_ score: UncertaintyScore) -> (DemoMethodResult) -> Double? { { $0.test.ood?.scores[score.rawValue]?.auroc } }
        return [row("accuracy") { $0.test.accuracy }, row("NLL") { $0.test.nll }, row("ECE") { $0.test.ece },
                row("AURC") { $0.test.aurc },
                row("OOD AUROC MI", auroc(.mutualInformation)), row("OOD AUROC 1−maxp", auroc(.maxProbability)),
                row("OOD AUROC entropy", auroc(.entropy)),
                row("  MI, inverted") { $0.testOODByKind?["inverted"]?.scores[UncertaintyScore.mutualInformation.rawValue]?.auroc },
                row("  MI, noise") { $0.testOODByKind?["noise"]?.scores[UncertaintyScore.mutualInformation.rawValue]?.auroc },
                row("LAC 90% coverage") { $0.test.conformal?.coverage }, row("LAC 90% set size") { $0.test.conformal?.meanSetSize }]
    }

    private static func cell(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "-" }

    /// The table printed at the end of the demo.
    var table: String {
        var lines: [String] = []
        func section(_ title: String, _ labels: [String], _ rows: [Row]) {
            lines.append(title)
            lines.append("  " + "metric".padding(toLength: 18, withPad: " ", startingAt: 0) + labels.map { $0.leftPadded(20) }.joined())
            for row in rows {
                lines.append("  " + row.name.padding(toLength: 18, withPad: " ", startingAt: 0) + row.values.map { Self.cell($0).leftPadded(20) }.joined())
            }
        }
        let r = regression, inGap = regressionMethods.first?.testInGap?.n ?? 0
        section(String(format: "Regression with a gap (no training x in (%g, %g); %d test points, %d in the gap; %d epochs, %.0f s)",
                       r.gap[0], r.gap[1], r.nTest, inGap, r.epochs, r.seconds), regressionMethods.map(\.label), regressionRows)
        lines.append(String(format: "  oracle NLL (the true distribution): test %.4f, gap %.4f, outside %.4f",
                            r.oracleNLL, r.oracleNLLInGap, r.oracleNLLOutsideGap))
        lines.append("")
        lines.append("Two clusters in 2-D: epistemic sd (total sd) along the segment from (−2, −2) (t = 0) to (2, 2) (t = 1)")
        lines.append("  " + "position".padding(toLength: 18, withPad: " ", startingAt: 0) + inBetween.labels.map { $0.leftPadded(20) }.joined())
        for row in inBetweenRows {
            lines.append("  " + row.name.padding(toLength: 18, withPad: " ", startingAt: 0) + row.cells.map { $0.leftPadded(20) }.joined())
        }
        lines.append("")
        let f = fashionMNIST
        section(String(format: "Fashion-MNIST (seed-cnn, %d training images, %d epochs; %d test images, %d foreign; %.0f s)",
                       f.nTrain, f.epochs, f.nTest, f.nForeign, f.seconds), imageMethods.map(\.label), imageRows)
        return lines.joined(separator: "\n")
    }

    /// `summary.md`: the tables, what each row means and what each plot shows.
    func markdown(out: String) -> String {
        func table(_ labels: [String], _ rows: [Row]) -> String {
            (["| metric | " + labels.joined(separator: " | ") + " |", "|---" + String(repeating: "|---", count: labels.count) + "|"]
             + rows.map { "| \($0.name) | " + $0.values.map(Self.cell).joined(separator: " | ") + " |" }).joined(separator: "\n")
        }
        let r = regression, f = fashionMNIST
        let members = regression.methods["ensemble"]?.members ?? 0, imageMembers = imageMethods.last?.members ?? 0
        return """
            # likely demo\(quick ? " --quick" : "")

            Finished in \(String(format: "%.0f", seconds)) s. Every number is on held-out test data ("-": undefined).

            ## Regression with a gap

            y = 2 sin x + x/2 + (0.1 + 0.3|x|)·ε; \(r.nTrain) training points with x uniform on [−4, 4]
            except the gap (\(r.gap[0]), \(r.gap[1])), \(r.nTest) test points with x uniform on [−4, 4]
            (\(regressionMethods.first?.testInGap?.n ?? 0) in the gap). MLP 50-50 with dropout 0.1 and a Normal head;
            the same network deterministically and with MC dropout, and an ensemble of \(members) such
            networks (member 0 is that network, the others from their own seeds; each deterministic), and a full
            Laplace posterior of that network (prior precision by the evidence, 100 draws of the linearised predictive). "gap" rows score the test points
            inside the gap, "outside" rows the others; coverage is the share of test points inside
            their central 90% predictive interval, width that interval's mean length, epistemic sd
            the spread of the passes' or members' means. Oracle NLL (the true distribution): test
            \(String(format: "%.4f", r.oracleNLL)), gap \(String(format: "%.4f", r.oracleNLLInGap)), outside \(String(format: "%.4f", r.oracleNLLOutsideGap)).

            \(table(regressionMethods.map(\.label), regressionRows))

            ## Two clusters in 2-D

            \(inBetween.nTrain) training points around (−2, −2) and (2, 2) (sd 0.5 each), nothing between;
            y = sin x₁ + cos x₂ / 2 + 0.1 ε; the same networks and methods. Epistemic sd (total sd) at
            the points c₁ + t (c₂ − c₁) of the segment joining the clusters' centres: a method that
            knows where its data are is least sure at t = 0.5.

            | position | \(inBetween.labels.joined(separator: " | ")) |
            |---\(String(repeating: "|---", count: inBetween.labels.count))|
            \(inBetweenRows.map { "| \($0.name) | " + $0.cells.joined(separator: " | ") + " |" }.joined(separator: "\n"))

            Plots: `regression-bands-deterministic.svg`, `regression-bands-mc-dropout.svg`,
            `regression-bands-ensemble.svg`, `regression-bands-laplace.svg` (training data, the gap shaded, predictive mean, 50%/95%
            bands of the total predictive filled, aleatoric bands dashed), `regression-pit.svg`,
            `regression-coverage.svg`, `regression-risk-coverage.svg` (MC dropout), `regression-loss.svg`.

            ## Fashion-MNIST

            seed-cnn with dropout 0.25 and a categorical head, \(f.nTrain) training images, \(f.epochs) epochs;
            an ensemble of \(imageMembers) such networks. Scored on \(f.nTest) test images; the conformal LAC
            sets are calibrated on \(f.nCalibration) other test images. OOD AUROC: how well each uncertainty
            score tells \(f.nForeign) foreign images (\(ForeignImages.description)) from the test
            images (½ chance, 1 perfect); "-" for mutual information of the deterministic network,
            which is 0 for every input.

            \(table(imageMethods.map(\.label), imageRows))

            Plots: `fashion-reliability.svg` (reliability diagram with bin counts),
            `fashion-risk-coverage.svg`, `fashion-ood-mutual_information.svg` and the other
            `fashion-ood-*.svg` (each score's histogram on test and foreign images, MC dropout),
            `fashion-uncertain.svg` (the test images with the highest mutual information),
            `fashion-filters.svg` (first convolution layer), `fashion-loss.svg`.

            Models: `regression-model/`, `fashion-model/` (the single networks) and `regression-ensemble/`,
            `fashion-ensemble/` (try `likely evaluate \(out)/fashion-ensemble /usr/share/datasets/fashion-mnist --json`).

            """
    }

    /// `summary.json`: every method's test report (the keys of `likely evaluate --json`), the
    /// gap scores and the timings; nulls explained under `"notes"`.
    var json: String {
        var reasons: [String: String] = [:]
        for (key, method) in fashionMNIST.methods {
            let path = ["fashion_mnist", "methods", key]
            if let ood = method.test.ood { reasons.merge(ood.undefinedReasons(at: path + ["test", "ood"])) { first, _ in first } }
            for (kind, ood) in method.testOODByKind ?? [:] {
                reasons.merge(ood.undefinedReasons(at: path + ["test_ood_by_kind", kind])) { first, _ in first }
            }
        }
        return ((try? JSONNumbers.encode(self, reasons: reasons)) ?? "{\"error\": \"the summary could not be encoded\"}") + "\n"
    }
}

extension String {
    /// The string right-aligned in `width` characters.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
