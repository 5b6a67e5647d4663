extension Plots {
    /// Reliability diagram: one bar per confidence bin whose height is the bin's accuracy,
    /// against the diagonal of perfect calibration, with the bin's mean confidence marked and
    /// its count written above the bar (empty bins have a zero-height bar and no count).
    public static func reliabilityDiagram(_ diagram: ReliabilityDiagram, title: String = "Reliability diagram") -> String {
        let axes = PlotAxes(x: 0...1, y: 0...1.08)
        var doc = axes.framedDocument(title: title, xLabel: "confidence", yLabel: "accuracy")
        axes.drawReference(into: &doc, from: (0, 0), to: (1, 1), className: "diagonal")
        let edges = diagram.edges
        for b in 0..<diagram.binCount {
            let x0 = axes.x(edges[b]) + 1, x1 = axes.x(edges[b + 1]) - 1
            let height = diagram.counts[b] > 0 ? diagram.accuracy[b] : 0
            doc.rect(x: x0, y: axes.y(height), width: x1 - x0, height: axes.y(0) - axes.y(height),
                     fill: PlotColor.blue, stroke: "#0d3d63", opacity: 0.8, className: "bar")
            guard diagram.counts[b] > 0 else { continue }
            let conf = axes.y(diagram.meanConfidence[b])
            doc.line(x1: x0, y1: conf, x2: x1, y2: conf, stroke: PlotColor.red, strokeWidth: 2, className: "mean-confidence")
            let labelY = Swift.min(axes.y(Swift.max(height, diagram.meanConfidence[b])) - 4, axes.y(0) - 4)
            doc.text("\(diagram.counts[b])", x: (x0 + x1) / 2, y: labelY, size: diagram.binCount > 20 ? 7 : 9, anchor: .middle, className: "count")
        }
        axes.drawLegend(into: &doc, entries: [
            ("accuracy per bin (count above)", .area(color: PlotColor.blue, opacity: 0.8)),
            ("mean confidence per bin", .line(color: PlotColor.red, dash: nil)),
            ("perfect calibration", .reference),
            ("ECE \(format(diagram.expectedCalibrationError, digits: 4))   MCE \(format(diagram.maximumCalibrationError, digits: 4))   N \(diagram.total)", .none),
        ])
        return doc.svg
    }

    /// PIT histogram: bar densities of the PIT values with the uniform density 1 as a line.
    /// Flat bars at 1 mean calibrated; U shape over-confident; a hump under-confident.
    public static func pitHistogram(_ histogram: PITHistogram, title: String = "PIT histogram") -> String {
        let densities = histogram.densities
        let top = Swift.max((densities.max() ?? 1) * 1.15, 1.3)
        let axes = PlotAxes(x: 0...1, y: 0...top)
        var doc = axes.framedDocument(title: title, xLabel: "PIT value F(y)", yLabel: "density")
        for b in 0..<histogram.binCount {
            let x0 = axes.x(histogram.edges[b]) + 1, x1 = axes.x(histogram.edges[b + 1]) - 1
            doc.rect(x: x0, y: axes.y(densities[b]), width: x1 - x0, height: axes.y(0) - axes.y(densities[b]),
                     fill: PlotColor.blue, stroke: "#0d3d63", opacity: 0.8, className: "bar")
        }
        doc.line(x1: axes.x(0), y1: axes.y(1), x2: axes.x(1), y2: axes.y(1), stroke: PlotColor.red, strokeWidth: 2, dash: "6 4", className: "uniform")
        axes.drawLegend(into: &doc, entries: [
            ("PIT density (N = \(histogram.total))", .area(color: PlotColor.blue, opacity: 0.8)),
            ("uniform (calibrated)", .line(color: PlotColor.red, dash: "6 4")),
        ], corner: .topRight)
        return doc.svg
    }

    /// Interval-coverage curve: observed against nominal coverage of the central intervals,
    /// with the diagonal. Points below the diagonal: intervals too narrow (over-confident).
    public static func coverageCurve(_ coverage: IntervalCoverage, title: String = "Interval coverage") -> String {
        let axes = PlotAxes(x: 0...1, y: 0...1)
        var doc = axes.framedDocument(title: title, xLabel: "nominal coverage of the central interval", yLabel: "observed coverage")
        axes.drawReference(into: &doc, from: (0, 0), to: (1, 1), className: "diagonal")
        let order = coverage.levels.indices.sorted { coverage.levels[$0] < coverage.levels[$1] }
        let points = finitePairs(order.map { coverage.levels[$0] }, order.map { coverage.observed[$0] }).map { axes.point($0.x, $0.y) }
        doc.polyline(points, stroke: PlotColor.blue, strokeWidth: 2, className: "coverage")
        for (p, i) in zip(points, order) {
            doc.circle(cx: p.x, cy: p.y, radius: 4, fill: PlotColor.blue, className: "point")
            doc.text(format(coverage.observed[i], digits: 3), x: p.x + 7, y: p.y + 14, size: 10, className: "value")
        }
        axes.drawLegend(into: &doc, entries: [
            ("observed (N = \(coverage.count))", .marker(color: PlotColor.blue)),
            ("perfect calibration", .reference),
        ])
        return doc.svg
    }
}
