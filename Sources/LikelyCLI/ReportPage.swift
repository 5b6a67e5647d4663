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
