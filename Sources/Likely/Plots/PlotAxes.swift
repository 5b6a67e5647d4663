import Foundation

/// Palette shared by the plots (colour-blind-safe Tableau colours).
enum PlotColor {
    static let blue = "#1f77b4", orange = "#ff7f0e", green = "#2ca02c", red = "#d62728"
    static let grey = "#7f7f7f", lightGrey = "#e6e6e6", axis = "#333333"
}

/// A rectangular plotting area with linear x and y scales, ticks, grid, labels and legend.
///
/// Ranges are always finite and non-empty: `PlotAxes.range(covering:)` widens a constant or
/// empty set of values, so no data can produce a NaN coordinate.
struct PlotAxes {
    let xRange: ClosedRange<Double>
    let yRange: ClosedRange<Double>
    let left: Double, top: Double, plotWidth: Double, plotHeight: Double

    /// Standard layout on a 640 × 420 canvas with room for labels.
    init(x: ClosedRange<Double>, y: ClosedRange<Double>, width: Double = 640, height: Double = 420) {
        xRange = x
        yRange = y
        left = 72; top = 44
        plotWidth = width - left - 24
        plotHeight = height - top - 58
    }

    /// Pixel x of data value `v`.
    func x(_ v: Double) -> Double { left + (v - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotWidth }
    /// Pixel y of data value `v` (up is larger).
    func y(_ v: Double) -> Double { top + plotHeight - (v - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * plotHeight }
    /// Pixel point of a data point.
    func point(_ px: Double, _ py: Double) -> (x: Double, y: Double) { (x(px), y(py)) }

    /// A finite range covering the finite `values` with `padding` (a fraction of the span) on
    /// each side; [0, 1] for no finite value, ±(½ + 5%·|v|) around a constant v.
    static func range(covering values: [Double], padding: Double = 0.05) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return 0...1 }
        if hi - lo <= 1e-12 * Swift.max(1, Swift.abs(lo)) {
            let half = 0.5 + 0.05 * Swift.abs(lo)
            return (lo - half)...(hi + half)
        }
        let pad = (hi - lo) * padding
        return (lo - pad)...(hi + pad)
    }

    /// About `target` round tick values (steps 1, 2 or 5 × 10ⁿ) inside `range`.
    static func ticks(in range: ClosedRange<Double>, target: Int = 6) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let raw = span / Double(target)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var ticks: [Double] = []
        var t = ceil(range.lowerBound / step) * step
        while t <= range.upperBound + step * 1e-9 && ticks.count < 50 {
            ticks.append(Swift.abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return ticks
    }

    /// A tick label: integers plainly, otherwise up to four significant digits.
    static func label(_ v: Double) -> String {
        if v == v.rounded() && Swift.abs(v) < 1e9 { return String(Int(v)) }
        let s = String(format: "%.4g", v)
        return s
    }

    /// A 640×420 document with this frame drawn: where every standard plot starts.
    func framedDocument(title: String, xLabel: String, yLabel: String) -> SVGDocument {
        var doc = SVGDocument(width: 640, height: 420)
        drawFrame(into: &doc, title: title, xLabel: xLabel, yLabel: yLabel)
        return doc
    }

    /// The dash pattern of a reference line (`drawReference`, `LegendSymbol.reference`).
    static let referenceDash = "5 4"

    /// A dashed grey reference line between two data points: a plot's diagonal, chance level
    /// or baseline.
    func drawReference(into doc: inout SVGDocument, from a: (x: Double, y: Double), to b: (x: Double, y: Double), className: String) {
        doc.line(x1: x(a.x), y1: y(a.y), x2: x(b.x), y2: y(b.y), stroke: PlotColor.grey, strokeWidth: 1.5, dash: Self.referenceDash,
                 className: className)
    }

    /// Draws grid, frame, ticks, tick labels, axis titles and the plot title.
    func drawFrame(into doc: inout SVGDocument, title: String, xLabel: String, yLabel: String) {
        let bottom = top + plotHeight, right = left + plotWidth
        for t in Self.ticks(in: xRange) {
            let px = x(t)
            doc.line(x1: px, y1: top, x2: px, y2: bottom, stroke: PlotColor.lightGrey, className: "grid")
            doc.line(x1: px, y1: bottom, x2: px, y2: bottom + 5, stroke: PlotColor.axis, className: "tick")
            doc.text(Self.label(t), x: px, y: bottom + 18, size: 11, anchor: .middle, className: "tick-label")
        }
        for t in Self.ticks(in: yRange) {
            let py = y(t)
            doc.line(x1: left, y1: py, x2: right, y2: py, stroke: PlotColor.lightGrey, className: "grid")
            doc.line(x1: left - 5, y1: py, x2: left, y2: py, stroke: PlotColor.axis, className: "tick")
            doc.text(Self.label(t), x: left - 8, y: py + 4, size: 11, anchor: .end, className: "tick-label")
        }
        doc.rect(x: left, y: top, width: plotWidth, height: plotHeight, fill: "none", stroke: PlotColor.axis, className: "frame")
        doc.text(title, x: left + plotWidth / 2, y: 26, size: 15, anchor: .middle, bold: true, className: "title")
        doc.text(xLabel, x: left + plotWidth / 2, y: bottom + 42, size: 12, anchor: .middle, className: "axis-label")
        doc.text(yLabel, x: 18, y: top + plotHeight / 2, size: 12, anchor: .middle, rotation: -90, className: "axis-label")
    }

    /// How a legend entry is drawn.
    enum LegendSymbol {
        case line(color: String, dash: String?)
        case area(color: String, opacity: Double)
        case marker(color: String)
        case none

        /// The key of a reference line (`drawReference`): grey and dashed.
        static var reference: LegendSymbol { .line(color: PlotColor.grey, dash: PlotAxes.referenceDash) }
    }

    /// A legend box in a corner of the plotting area.
    func drawLegend(into doc: inout SVGDocument, entries: [(label: String, symbol: LegendSymbol)], corner: LegendCorner = .topLeft) {
        guard !entries.isEmpty else { return }
        let rowHeight = 18.0
        let boxWidth = 34 + Double(entries.map(\.label.count).max() ?? 0) * 6.6
        let boxHeight = Double(entries.count) * rowHeight + 8
        let x0 = corner.isLeft ? left + 10 : left + plotWidth - boxWidth - 10
        let y0 = corner.isTop ? top + 10 : top + plotHeight - boxHeight - 10
        doc.rect(x: x0, y: y0, width: boxWidth, height: boxHeight, fill: "white", stroke: "#bbbbbb", opacity: 0.9, className: "legend")
        for (i, entry) in entries.enumerated() {
            let cy = y0 + 4 + rowHeight * (Double(i) + 0.5)
            switch entry.symbol {
            case .line(let color, let dash):
                doc.line(x1: x0 + 6, y1: cy, x2: x0 + 26, y2: cy, stroke: color, strokeWidth: 2, dash: dash)
            case .area(let color, let opacity):
                doc.rect(x: x0 + 6, y: cy - 6, width: 20, height: 12, fill: color, opacity: opacity)
            case .marker(let color):
                doc.circle(cx: x0 + 16, cy: cy, radius: 3.5, fill: color)
            case .none:
                break
            }
            doc.text(entry.label, x: x0 + 30, y: cy + 4, size: 11, className: "legend-label")
        }
    }

    /// Where the legend goes.
    enum LegendCorner {
        case topLeft, topRight, bottomLeft, bottomRight
        var isLeft: Bool { self == .topLeft || self == .bottomLeft }
        var isTop: Bool { self == .topLeft || self == .topRight }
    }
}
