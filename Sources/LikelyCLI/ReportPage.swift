import Foundation
import Likely

/// The one-page HTML report of `likely evaluate --report FILE.html`: self-contained (styles
/// and every plot inline as SVG, no script, no external resource) and well-formed XML, so it
/// opens from disk in any browser.
///
/// Sections, each a `<section id="…">`: `metrics` (every number of the JSON report), `plots`
/// (every plot of `--plots`), `model-card` (data, features and their encoding, architecture,
/// head, members, training history; for image models the first convolution's filters and the
/// feature maps of one example, layer by layer), then `conformal` and `ood` when computed.
enum ReportPage {
    /// The page.
    /// - Parameters:
    ///   - reportJSON: `EvaluationReport.json` (with whatever sections were computed).
    ///   - plots: the evaluation plots, (file name, SVG text), in order.
    ///   - history: the model directory's history.csv, if it has one.
    static func html(reportJSON: String, plots: [(String, String)], model: ProbabilisticModel, modelDirectory: String,
                     data: LoadedData, history: String?) -> String {
        let report = (try? JSONSerialization.jsonObject(with: Data(reportJSON.utf8))) as? [String: Any] ?? [:]
        var body: [String] = []
        body.append("<h1>Likely report: \(escape(modelDirectory))</h1>")
        body.append("<p>Evaluated on \(escape(data.kind.rawValue)) <code>\(escape(data.path))</code>: \(data.count) examples, "
                    + "\(model.head.family.name) head, predictive \(escape(report["predictive"].map { "\($0)" } ?? "network")) "
                    + "(\(report["draws"].map { "\($0)" } ?? "1") draws per member" + (report["mc_samples"].map { ", --mc-samples \($0)" } ?? "") + ")"
                    + laplaceSummary(report["laplace"] as? [String: Any]) + ".</p>")
        body.append(section("metrics", "Metrics", metricsTable(report.filter { $0.key != "ood" && $0.key != "conformal" })))
        body.append(section("plots", "Plots", plots.isEmpty ? "<p>No plots for this model and data.</p>"
                            : plots.map { figure($0.1, caption: $0.0) }.joined(separator: "\n")))
        body.append(section("model-card", "Model card", modelCard(model, data: data, modelDirectory: modelDirectory, history: history)))
        if let conformal = report["conformal"] as? [String: Any] {
            body.append(section("conformal", "Conformal prediction", conformalSection(conformal)))
        }
        if let ood = report["ood"] as? [String: Any] {
            body.append(section("ood", "Out-of-distribution detection", oodSection(ood)))
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/><title>Likely report: \(escape(modelDirectory))</title>
            <style>
            body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
            table { border-collapse: collapse; margin: 0.5em 0 1em; }
            td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; font-size: 14px; }
            th { background: #f0f0f0; }
            figure { display: inline-block; margin: 0.5em; vertical-align: top; }
            figcaption { font-size: 12px; color: #555; text-align: center; }
            section { border-top: 2px solid #ddd; margin-top: 1.5em; }
            code { background: #f6f6f6; }
            </style></head>
            <body>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    /// ", Laplace last-layer|full posterior: prior precision δ, log evidence L" from the report's
    /// `laplace` object, or nothing.
    static func laplaceSummary(_ laplace: [String: Any]?) -> String {
        guard let laplace else { return "" }
        func numbers(_ key: String) -> String {
            ((laplace[key] as? [Any]) ?? []).map { item in
                ((item as? [Any]) ?? [item]).map { ($0 as? Double).map { String(format: "%.4g", $0) } ?? "\($0)" }.joined(separator: "/")
            }.joined(separator: ", ")
        }
        return "; Laplace \(escape("\(laplace["structure"] ?? "")")) posterior: prior precision \(numbers("prior_precision")), "
            + "log evidence \(numbers("log_marginal_likelihood"))"
    }

    // MARK: - Model card

    static func modelCard(_ model: ProbabilisticModel, data: LoadedData, modelDirectory: String, history: String?) -> String {
        var parts: [String] = []
        var dataRows = [("input shape", "\(model.inputShape)"), ("examples evaluated", "\(data.count)")]
        if let target = model.targetName { dataRows.append(("target", target)) }
        if let classes = model.classNames ?? model.head.classNamesByIndex, model.head.family.support.isClassification {
            dataRows.append(("classes", classes.joined(separator: ", ")))
        }
        if let scaling = model.targetScaling {
            dataRows.append(("target standardization", String(format: "mean %.5g, sd %.5g", scaling.mean, scaling.standardDeviation)))
        }
        dataRows.append(("feature standardization", model.featureScaling == nil ? "none" : "training mean and sd per input"))
        parts.append("<h3>Data</h3>" + keyValueTable(dataRows))

        if let encoding = model.featureEncoding ?? model.featureNames.map({ TableEncoding.numeric($0) }) {
            var rows = "<p>Missing cells: <code>\(encoding.missing.rawValue)</code>; \(encoding.width) network inputs.</p>"
            rows += "<table><tr><th>column</th><th>encoding</th><th>inputs</th></tr>"
            for column in encoding.columns {
                let kind: String
                if let categories = column.categories {
                    kind = "one-hot: " + categories.map(escape).joined(separator: ", ")
                } else {
                    kind = "number" + (column.fill.map { String(format: " (missing → training mean %.5g)", $0) } ?? "")
                }
                rows += "<tr><td>\(escape(column.name))</td><td>\(kind)</td><td>\(column.width)</td></tr>"
            }
            parts.append("<h3>Features</h3>" + rows + "</table>")
        }

        let summary = model.members[0].summary(inputShape: model.inputShape)
        var layers = "<table><tr><th>layer</th><th>output shape</th><th>parameters</th></tr>"
        for row in summary.rows {
            layers += "<tr><td>\(escape(row.name))</td><td>\(row.outputShape)</td><td>\(row.parameterCount)</td></tr>"
        }
        layers += "</table><p>Total parameters: \(summary.totalParameterCount) (trainable \(summary.trainableParameterCount)).</p>"
        parts.append("<h3>Architecture</h3>" + layers)

        var head = [("family", model.head.family.name), ("parameters", model.head.family.parameters.map(\.name).joined(separator: ", ")),
                    ("scale link", model.head.scaleLink.rawValue), ("raw outputs", "\(model.head.rawOutputCount)")]
        if model.head.temperature != 1 { head.append(("temperature", String(format: "%.4g", model.head.temperature))) }
        parts.append("<h3>Head</h3>" + keyValueTable(head))
        parts.append("<h3>Members</h3><p>" + (model.memberCount > 1
            ? "\(model.memberCount) ensemble members of the architecture above, each trained from its own seed stream; the predictive is their equal-weight mixture."
            : "1 (a single network; <code>likely fit --ensemble M</code> trains a deep ensemble).") + "</p>")

        if let history, let plot = historyPlot(history) {
            parts.append("<h3>Training history</h3>" + figure(plot.svg, caption: "loss per epoch (history.csv)") + "<p>\(plot.summary)</p>")
        } else {
            parts.append("<h3>Training history</h3><p>No history.csv in the model directory.</p>")
        }
        if let conv = model.members[0].layers.lazy.compactMap({ $0 as? Conv2D }).first {
            let whose = model.memberCount > 1 ? "member 0's first convolution layer" : "first convolution layer"
            parts.append("<h3>First-layer filters</h3>" + figure(Plots.convolutionFilters(conv.filter), caption: whose))
        }
        if model.inputShape.count == 3, data.count > 0 {
            parts.append("<h3>Feature maps of one example</h3>" + featureMaps(model, data: data))
        }
        return parts.joined(separator: "\n")
    }

    /// Loss curves from history.csv (member 0's for an ensemble) and a one-line summary.
    static func historyPlot(_ csv: String) -> (svg: String, summary: String)? {
        var lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first, let lossColumn = header.firstIndex(of: "loss"), lines.count > 1 else { return nil }
        if let memberColumn = header.firstIndex(of: "member") {
            lines = [header] + lines.dropFirst().filter { $0.count > memberColumn && $0[memberColumn] == "0" }
        }
        let validationColumn = header.firstIndex(of: "val_nll")
        let loss = lines.dropFirst().compactMap { $0.count > lossColumn ? Double($0[lossColumn]) : nil }
        let validation = validationColumn.map { c in lines.dropFirst().compactMap { $0.count > c ? Double($0[c]) : nil } } ?? []
        guard !loss.isEmpty else { return nil }
        let svg = Plots.lossCurves(training: loss, validation: validation.count == loss.count ? validation : nil, yLabel: "NLL per observation")
        var summary = (header.contains("member") ? "member 0: " : "") + "\(loss.count) epochs; final training loss " + String(format: "%.4f", loss.last!)
        if let best = validation.min() { summary += String(format: "; best validation NLL %.4f", best) }
        return (svg, summary + ".")
    }

    /// The first example through the network layer by layer: every output that is still an
    /// image `[1, h, w, c]` shown as c grey maps (at most 16 per layer).
    static func featureMaps(_ model: ProbabilisticModel, data: LoadedData) -> String {
        var x = model.prepare(data.features.gatheringRows([0]))
        var streams = ExampleStreams()
        var parts = [figure(Plots.imageGrid(data.features.gatheringRows([0]), captions: ["input"], columns: 1, cellSize: 112, title: "Input"),
                            caption: "example 0 of the evaluation data")]
        // Member 0's maps for an ensemble (the caption says so).
        let network = model.members[0]
        let names = network.summary(inputShape: model.inputShape).rows.map(\.name)
        for i in network.layers.indices {
            x = network(x, layers: i..<(i + 1), phase: .inference, using: &streams)
            guard x.rank == 4 else { break }
            let (h, w, c) = (x.shape[1], x.shape[2], x.shape[3])
            let shown = min(c, 16)
            var maps = [Float](repeating: 0, count: shown * h * w)
            let values = x.scalars
            for k in 0..<shown { for p in 0..<(h * w) { maps[k * h * w + p] = values[p * c + k] } }
            let grid = Plots.imageGrid(Tensor(shape: [shown, h, w, 1], scalars: maps), columns: 8, cellSize: 48,
                                       title: "Layer \(i + 1): \(i < names.count ? names[i] : "layer") → \(h)×\(w)×\(c)")
            parts.append(figure(grid, caption: "\(shown) of \(c) channels" + (model.memberCount > 1 ? " (member 0)" : "")))
        }
        return parts.joined(separator: "\n")
    }

    // MARK: - Conformal and out-of-distribution sections

    /// What the `conformal` numbers mean, then the numbers under readable names.
    static func conformalSection(_ c: [String: Any]) -> String {
        let level = c["level"] as? Double, coverage = c["coverage"] as? Double
        var text = "<p>Split-conformal regions at level L = \(cell(level)) from \(cell(c["n_calibration"])) conformity scores "
            + "(<code>\(escape(cell(c["method"])))</code>, stored by <code>likely conformalize</code>): for exchangeable data a region "
            + "holds the truth with probability at least L. "
        if let coverage { text += String(format: "Here they held it for %.1f%% of the examples.", 100 * coverage) }
        text += "</p>"
        var rows = [("level L", cell(level)), ("conformity score", cell(c["method"])), ("calibration scores", cell(c["n_calibration"])),
                    ("empirical coverage", cell(coverage))]
        if c["mean_width"] != nil { rows.append(("mean interval width", cell(c["mean_width"]))) }
        if let size = c["mean_set_size"] {
            rows.append(("mean set size", cell(size)))
            if let s = size as? Double, s < 1 { text += "<p>A mean set size below 1: some sets are empty (no class reaches the threshold).</p>" }
        }
        return text + keyValueTable(rows)
    }

    /// The counts, how to read AUROC, and a row per uncertainty score.
    static func oodSection(_ ood: [String: Any]) -> String {
        var text = "<p>In distribution: \(cell(ood["n_in"])) examples; out of distribution: \(cell(ood["n_out"])) examples. "
            + "Each score is higher for less certain predictions; AUROC is the chance that an outside example scores higher than "
            + "an inside one (1: perfect separation, 0.5: none, below 0.5: the model is more certain on the outside data).</p>"
        text += "<table><tr><th>score</th><th>AUROC</th><th>AUPR</th><th>FPR at 95% TPR</th></tr>"
        func fixed(_ value: Any?) -> String { (value as? Double).map { String(format: "%.4f", $0) } ?? "—" }
        for (name, value) in ((ood["scores"] as? [String: Any]) ?? [:]).sorted(by: { $0.key < $1.key }) {
            let v = value as? [String: Any] ?? [:]
            text += "<tr><td>\(escape(UncertaintyScore(rawValue: name).map(EvaluationPlots.scoreLabel) ?? name))</td><td>\(fixed(v["auroc"]))</td><td>\(fixed(v["aupr"]))</td>"
                + "<td>\(fixed(v["fpr95"]))</td></tr>"
        }
        return text + "</table>"
    }

    // MARK: - HTML pieces

    static func section(_ id: String, _ title: String, _ content: String) -> String {
        "<section id=\"\(id)\"><h2>\(escape(title))</h2>\n\(content)\n</section>"
    }

    static func figure(_ svg: String, caption: String) -> String {
        var text = svg
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") { text = String(text[end.upperBound...]) }
        return "<figure>\(text)<figcaption>\(escape(caption))</figcaption></figure>"
    }

    /// The JSON metrics flattened (`coverage.0.9`), sorted by key.
    static func metricsTable(_ object: [String: Any]) -> String {
        var rows: [(String, String)] = []
        func walk(_ value: Any, _ key: String) {
            if let nested = value as? [String: Any] {
                for (k, v) in nested.sorted(by: { $0.key < $1.key }) { walk(v, key.isEmpty ? k : "\(key).\(k)") }
            } else {
                rows.append((key, cell(value)))
            }
        }
        walk(object, "")
        return keyValueTable(rows)
    }

    static func keyValueTable(_ rows: [(String, String)]) -> String {
        "<table>" + rows.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined() + "</table>"
    }

    static func cell(_ value: Any?) -> String {
        switch value {
        case let x as Double where x == x.rounded() && abs(x) < 1e15 && !(value is Bool): return String(format: "%.0f", x)
        case let x as Double: return String(format: "%.6g", x)
        case is NSNull: return "—"
        case let x?: return "\(x)"
        case nil: return "—"
        }
    }

    /// Text with &, <, >, " escaped.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
