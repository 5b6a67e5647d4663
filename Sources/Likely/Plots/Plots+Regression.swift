extension Plots {
    /// One-feature regression: the data, the predictive mean, and central bands of the total
    /// predictive (filled, e.g. 50% and 95%) and of the aleatoric part alone (dashed outlines),
    /// so the gap between them shows the epistemic uncertainty.
    /// - Parameters:
    ///   - dataX: the observations' x (points).
    ///   - dataY: their y.
    ///   - gridX: increasing x values where the predictive was evaluated.
    ///   - mean: predictive mean at each grid point.
    ///   - total: bands of the total predictive (mixture over MC passes), widest first or any order.
    ///   - aleatoric: bands of the noise alone (mean of the members' noise), same levels.
    ///   - shaded: x intervals drawn as grey columns behind everything, with their legend label
    ///     (for instance a gap without training data).
    ///   - title: the heading.
    ///   - xLabel: the horizontal axis's label.
    ///   - yLabel: the vertical axis's label.
    public static func regressionBands(dataX: [Double], dataY: [Double], gridX: [Double], mean: [Double],
                                       total: [PredictiveBand], aleatoric: [PredictiveBand] = [],
                                       shaded: [(range: ClosedRange<Double>, label: String)] = [],
                                       title: String = "Predictive distribution", xLabel: String = "x", yLabel: String = "y") -> String {
        precondition(dataX.count == dataY.count, "dataX and dataY must have the same count, got \(dataX.count) and \(dataY.count)")
        precondition(gridX.count == mean.count, "gridX and mean must have the same count, got \(gridX.count) and \(mean.count)")
        for band in total + aleatoric {
            precondition(band.lower.count == gridX.count, "each band needs one edge per grid point (\(gridX.count)), got \(band.lower.count)")
        }
        let bandValues = (total + aleatoric).flatMap { $0.lower + $0.upper }
        // Headroom above the data for the legend in the top-left corner.
        let yData = PlotAxes.range(covering: dataY + mean + bandValues)
        let yRange = yData.lowerBound...(yData.upperBound + 0.45 * (yData.upperBound - yData.lowerBound))
        let axes = PlotAxes(x: PlotAxes.range(covering: dataX + gridX, padding: 0.02), y: yRange)
        var doc = axes.framedDocument(title: title, xLabel: xLabel, yLabel: yLabel)
        var legend: [(label: String, symbol: PlotAxes.LegendSymbol)] = []
        for column in shaded {
            let lo = Swift.max(column.range.lowerBound, axes.xRange.lowerBound), hi = Swift.min(column.range.upperBound, axes.xRange.upperBound)
            guard lo < hi else { continue }
            doc.rect(x: axes.x(lo), y: axes.top, width: axes.x(hi) - axes.x(lo), height: axes.plotHeight, fill: PlotColor.grey,
                     opacity: 0.15, className: "shaded")
            legend.append((column.label, .area(color: PlotColor.grey, opacity: 0.15)))
        }

        for band in total.sorted(by: { $0.level > $1.level }) {
            let opacity = band.level >= 0.9 ? 0.18 : 0.35
            let upper = finitePairs(gridX, band.upper).map { axes.point($0.x, $0.y) }
            let lower = finitePairs(gridX, band.lower).map { axes.point($0.x, $0.y) }
            doc.polygon(upper + lower.reversed(), fill: PlotColor.blue, opacity: opacity, className: "band-total")
            legend.append(("total \(percent(band.level)) interval", .area(color: PlotColor.blue, opacity: opacity)))
        }
        let points = finitePairs(dataX, dataY)
        let radius = points.count > 2000 ? 1.2 : 2.2
        for p in points {
            let q = axes.point(p.x, p.y)
            doc.circle(cx: q.x, cy: q.y, radius: radius, fill: "#444444", opacity: 0.45, className: "data")
        }
        if !points.isEmpty { legend.append(("data (N = \(points.count))", .marker(color: "#777777"))) }
        for band in aleatoric.sorted(by: { $0.level > $1.level }) {
            let dash = band.level >= 0.9 ? "6 4" : "2 3"
            doc.polyline(finitePairs(gridX, band.upper).map { axes.point($0.x, $0.y) }, stroke: PlotColor.orange, strokeWidth: 1.6, dash: dash, className: "band-aleatoric")
            doc.polyline(finitePairs(gridX, band.lower).map { axes.point($0.x, $0.y) }, stroke: PlotColor.orange, strokeWidth: 1.6, dash: dash, className: "band-aleatoric")
            legend.append(("aleatoric \(percent(band.level)) interval", .line(color: PlotColor.orange, dash: dash)))
        }
        doc.polyline(finitePairs(gridX, mean).map { axes.point($0.x, $0.y) }, stroke: "#0d3d63", strokeWidth: 2.2, className: "mean")
        legend.append(("predictive mean", .line(color: "#0d3d63", dash: nil)))
        axes.drawLegend(into: &doc, entries: legend)
        return doc.svg
    }

    static func percent(_ level: Double) -> String {
        let p = level * 100
        return p == p.rounded() ? "\(Int(p))%" : "\(format(p, digits: 1))%"
    }
}
