extension Plots {
    /// ROC curve (true- against false-positive rate) with the chance diagonal and the AUC.
    public static func rocCurve(_ curve: ROCCurve, title: String = "ROC curve") -> String {
        let axes = PlotAxes(x: 0...1, y: 0...1)
        var doc = axes.framedDocument(title: title, xLabel: "false-positive rate", yLabel: "true-positive rate")
        axes.drawReference(into: &doc, from: (0, 0), to: (1, 1), className: "diagonal")
        let points = finitePairs(curve.falsePositiveRates, curve.truePositiveRates).map { axes.point($0.x, $0.y) }
        let auc = curve.area.map { format($0, digits: 4) } ?? "undefined (one class)"
        drawCurve(points, color: PlotColor.blue, label: "ROC, AUC = \(auc)", chance: "chance", corner: .bottomRight, axes: axes, into: &doc)
        return doc.svg
    }

    /// Precision–recall curve as a step function, with the chance level (the positive rate)
    /// and the average precision.
    public static func precisionRecallCurve(_ curve: PrecisionRecallCurve, title: String = "Precision–recall curve") -> String {
        let axes = PlotAxes(x: 0...1, y: 0...1.02)
        var doc = axes.framedDocument(title: title, xLabel: "recall", yLabel: "precision")
        axes.drawReference(into: &doc, from: (0, curve.positiveRate), to: (1, curve.positiveRate), className: "chance")
        // AP's step function: precision Pₙ holds over recall (Rₙ₋₁, Rₙ].
        var steps: [(x: Double, y: Double)] = []
        let pairs = finitePairs(curve.recalls, curve.precisions)
        for (i, p) in pairs.enumerated() {
            if i > 0 { steps.append(axes.point(pairs[i - 1].x, p.y)) }
            steps.append(axes.point(p.x, p.y))
        }
        let ap = curve.averagePrecision.map { format($0, digits: 4) } ?? "undefined (no positives)"
        drawCurve(steps, color: PlotColor.orange, label: "PR, average precision = \(ap)",
                  chance: "chance (positive rate \(format(curve.positiveRate, digits: 3)))", corner: .bottomLeft, axes: axes, into: &doc)
        return doc.svg
    }

    /// A binary classifier's curve through `points` in `color`, and a legend of it (`label`)
    /// against the chance reference line (`chance`).
    private static func drawCurve(_ points: [(x: Double, y: Double)], color: String, label: String, chance: String,
                                  corner: PlotAxes.LegendCorner, axes: PlotAxes, into doc: inout SVGDocument) {
        doc.polyline(points, stroke: color, strokeWidth: 2, className: "curve")
        axes.drawLegend(into: &doc, entries: [(label, .line(color: color, dash: nil)), (chance, .reference)], corner: corner)
    }
}
