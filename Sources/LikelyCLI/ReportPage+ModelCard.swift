import Foundation
import Likely

/// The report's `model-card` section: the data, features and their encoding, architecture,
/// head, members and training history; for image models the first convolution's filters and
/// the feature maps of one example, layer by layer.
extension ReportPage {
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
}
