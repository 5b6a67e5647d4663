extension Plots {
    /// Training and validation loss per epoch as two lines (epochs counted from 1).
    /// - Parameters:
    ///   - training: mean training loss of each epoch.
    ///   - validation: validation NLL of each epoch, if there is a validation set.
    ///   - title: the heading.
    ///   - yLabel: what the loss is (default "NLL per observation").
    /// - Returns: an SVG document; non-finite losses are left out.
    public static func lossCurves(training: [Double], validation: [Double]? = nil,
                                  title: String = "Training and validation loss",
                                  yLabel: String = "NLL per observation") -> String {
        let epochsCount = Swift.max(training.count, validation?.count ?? 0)
        let xRange = epochsCount > 1 ? 1...Double(epochsCount) : PlotAxes.range(covering: [1])
        let axes = PlotAxes(x: xRange, y: PlotAxes.range(covering: training + (validation ?? [])))
        var doc = axes.framedDocument(title: title, xLabel: "epoch", yLabel: yLabel)
        var legend: [(label: String, symbol: PlotAxes.LegendSymbol)] = []
        for (values, name, color) in [(training, "training", PlotColor.blue), (validation ?? [], "validation", PlotColor.orange)] where !values.isEmpty {
            let points = finitePairs(values.indices.map { Double($0 + 1) }, values).map { axes.point($0.x, $0.y) }
            doc.polyline(points, stroke: color, strokeWidth: 2, className: "series-\(name)")
            for p in points where points.count <= 60 { doc.circle(cx: p.x, cy: p.y, radius: 2.5, fill: color) }
            legend.append((name, .line(color: color, dash: nil)))
        }
        axes.drawLegend(into: &doc, entries: legend, corner: .topRight)
        return doc.svg
    }
}
